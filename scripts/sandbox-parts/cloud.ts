/**
 * The sandbox's view of the test cloud: what is tagged with its cluster id, the user's own
 * floating IP of the `api` example (allocated here, as a user would beforehand), and the
 * removal of leftovers of an earlier sandbox run that died before cleaning up.
 */
import { clusterTag, OWNER_TAG } from '../../src/core/ownership.js';
import { ConflictError, NotFoundError } from '../../src/openstack/errors.js';
import * as floatingips from '../../src/openstack/neutron/floatingips.js';
import * as loadbalancers from '../../src/openstack/octavia/loadbalancers.js';
import type { FloatingIpRecord } from '../../src/openstack/neutron/floatingips.js';
import type { LoadBalancerRecord } from '../../src/openstack/octavia/loadbalancers.js';
import type { OpenStackSession } from '../../src/openstack/session.js';

/** Description marking a floating IP the sandbox allocated to play the user's part. */
export const USER_FIP_MARKER = 'kuryr-services sandbox: user floating IP';

/** Load balancers tagged with `clusterId` (one list call). */
export function ownedLoadBalancers(
  session: OpenStackSession,
  clusterId: string,
): Promise<LoadBalancerRecord[]> {
  return loadbalancers.listAll(session, { tags: [OWNER_TAG, clusterTag(clusterId)] });
}

/** Floating IPs tagged with `clusterId` (one list call). */
export function ownedFloatingIps(session: OpenStackSession, clusterId: string): Promise<FloatingIpRecord[]> {
  return floatingips.listAll(session, { tags: [OWNER_TAG, clusterTag(clusterId)] });
}

/** Floating IPs the sandbox allocated as "the user" (found by description marker). */
export function sandboxUserFloatingIps(session: OpenStackSession): Promise<FloatingIpRecord[]> {
  return floatingips.listAll(session, { description: USER_FIP_MARKER });
}

/** Where the user's floating IP goes. */
export interface UserFloatingIpTarget {
  readonly networkId: string;
  readonly projectId: string;
  readonly address: string;
}

/**
 * Makes sure `address` is allocated to the project, as the `api` example's user would have
 * done beforehand. Choosing the address needs Neutron's admin policy, so `admin` (an admin
 * session) allocates it on the project's behalf. Returns true when allocated now (the
 * sandbox frees it at the end), false when the project already held it (left alone).
 */
export async function ensureUserFloatingIp(
  user: OpenStackSession,
  admin: OpenStackSession,
  target: UserFloatingIpTarget,
): Promise<boolean> {
  if ((await floatingips.findByAddress(user, target.address)) !== null) return false;
  await admin.request({
    service: 'network',
    method: 'POST',
    path: '/v2.0/floatingips',
    body: {
      floatingip: {
        floating_network_id: target.networkId,
        floating_ip_address: target.address,
        project_id: target.projectId,
        description: USER_FIP_MARKER,
      },
    },
    operation: 'neutron.floatingip.create',
  });
  return true;
}

/**
 * Deletes a load balancer with its children, waiting out 409 (busy) until `deadline`. One
 * already in PENDING_DELETE is on its way out and left alone. Never throws for 404 or for
 * running out of time (the caller checks what remains); other errors propagate.
 */
async function deleteLoadBalancer(
  session: OpenStackSession,
  lb: LoadBalancerRecord,
  deadline: number,
): Promise<void> {
  if (lb.provisioningStatus === 'PENDING_DELETE') return;
  while (Date.now() < deadline) {
    try {
      await loadbalancers.delete(session, lb.id, { cascade: true });
      return;
    } catch (err) {
      if (err instanceof NotFoundError) return;
      if (!(err instanceof ConflictError)) throw err;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

async function deleteFloatingIp(session: OpenStackSession, id: string): Promise<void> {
  try {
    await floatingips.delete(session, id);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
}

/** What `removeLeftovers` found, and what still remained when it gave up waiting. */
export interface Leftovers {
  readonly loadBalancers: number;
  readonly floatingIps: number;
  readonly remaining: number;
}

/**
 * Deletes everything tagged with `clusterId` (load balancers cascade, floating IPs) and the
 * sandbox's user floating IPs, then waits (up to `timeoutMs`) until Octavia no longer lists
 * the load balancers. Only ever touches objects carrying the sandbox's own tags or marker.
 * Idempotent.
 */
export async function removeLeftovers(
  session: OpenStackSession,
  clusterId: string,
  timeoutMs = 300_000,
): Promise<Leftovers> {
  const deadline = Date.now() + timeoutMs;
  const lbs = await ownedLoadBalancers(session, clusterId);
  await Promise.all(lbs.map((lb) => deleteLoadBalancer(session, lb, deadline)));
  const fips = [...(await ownedFloatingIps(session, clusterId)), ...(await sandboxUserFloatingIps(session))];
  await Promise.all(fips.map((fip) => deleteFloatingIp(session, fip.id)));
  let remaining = lbs.length;
  await waitUntil(Math.max(0, deadline - Date.now()), async () => {
    remaining = (await ownedLoadBalancers(session, clusterId)).length;
    return remaining === 0;
  });
  return { loadBalancers: lbs.length, floatingIps: fips.length, remaining };
}

/** Polls `check` every second until true; false when `timeoutMs` ran out first. */
export async function waitUntil(timeoutMs: number, check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return false;
}
