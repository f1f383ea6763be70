/**
 * Helpers shared by the Octavia/Neutron/observe-execute integration suites: unique run tags
 * and VIP addresses (10.2.16.0–10.2.31.255 is ours), bounded polling, and cleanup of
 * everything a run tagged. Only the public resource modules are used.
 */
import { randomInt } from 'node:crypto';
import { NotFoundError } from '../../../src/openstack/errors.js';
import * as floatingips from '../../../src/openstack/neutron/floatingips.js';
import type { LoadBalancerRecord } from '../../../src/openstack/octavia/loadbalancers.js';
import * as loadbalancers from '../../../src/openstack/octavia/loadbalancers.js';
import type { OpenStackSession } from '../../../src/openstack/session.js';
import { waitForValue } from '../../support/wait.js';

/** Awaits a delete; an object already gone is fine. */
async function ignoreGone(call: Promise<void>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
}

/** Poll interval and bound for Octavia state changes. */
export const POLL_MS = 250;
export const POLL_BOUND_MS = 90_000;

/** A tag unique to this run of `suite` (Neutron allows 60 characters). */
export function runTag(suite: string): string {
  return `ks-it-${suite}-${Date.now().toString(36)}-${randomInt(1e6).toString(36)}`;
}

/** A VIP address in this suite's range 10.2.16.0–10.2.31.255, random per run. */
export function vipAddress(): string {
  return `10.2.${16 + randomInt(16)}.${1 + randomInt(254)}`;
}

/**
 * Calls `probe` every POLL_MS until it returns non-null and returns that; throws naming
 * `what` after POLL_BOUND_MS (`waitForValue` with this suite's interval and bound).
 */
export function waitForState<T>(what: string, probe: () => Promise<T | null>): Promise<T> {
  return waitForValue(what, POLL_BOUND_MS, probe, { intervalMs: POLL_MS });
}

/** Waits until the load balancer is no longer PENDING_*; resolves with it (ACTIVE or ERROR). */
export async function waitSettled(session: OpenStackSession, id: string): Promise<LoadBalancerRecord> {
  return waitForState(`load balancer ${id} to leave PENDING_*`, async () => {
    const lb = await loadbalancers.get(session, id);
    return lb.provisioningStatus.startsWith('PENDING_') ? null : lb;
  });
}

/** Waits until GET on the load balancer answers 404 (or DELETED). */
export async function waitGone(session: OpenStackSession, id: string): Promise<void> {
  await waitForState(`load balancer ${id} to be deleted`, async () => {
    try {
      const lb = await loadbalancers.get(session, id);
      return lb.provisioningStatus === 'DELETED' ? true : null;
    } catch (error) {
      if (error instanceof NotFoundError) return true;
      throw error;
    }
  });
}

/** Cascade-deletes every load balancer and deletes every floating IP carrying `tag`; waits until they are gone. */
export async function cleanupTagged(session: OpenStackSession, tag: string): Promise<void> {
  for (const fip of await floatingips.listAll(session, { tags: [tag] })) {
    await ignoreGone(floatingips.delete(session, fip.id));
  }
  const lbs = await loadbalancers.listAll(session, { tags: [tag] });
  for (const lb of lbs) {
    const settled = lb.provisioningStatus.startsWith('PENDING_')
      ? await waitSettled(session, lb.id).catch(() => lb)
      : lb;
    if (settled.provisioningStatus !== 'PENDING_DELETE') {
      await ignoreGone(loadbalancers.delete(session, lb.id, { cascade: true }));
    }
  }
  for (const lb of lbs) await waitGone(session, lb.id);
}

/** What remains tagged with `tag`: load balancers and floating IPs (for the suites' last test). */
export async function remainingTagged(session: OpenStackSession, tag: string): Promise<string[]> {
  const lbs = await loadbalancers.listAll(session, { tags: [tag] });
  const fips = await floatingips.listAll(session, { tags: [tag] });
  return [
    ...lbs.map((lb) => `loadbalancer ${lb.id} ${lb.provisioningStatus}`),
    ...fips.map((f) => `floatingip ${f.id}`),
  ];
}
