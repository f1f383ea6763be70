/**
 * The Service keys (`namespace/name`) this cluster owns something for in OpenStack, for the
 * controller's orphan sweep: a Service deleted while the controller was down, or whose
 * finalizer was removed by hand, has no watch event left to tell us; its load balancer and
 * floating IPs must still be released. Two lists, both filtered by our cluster's tags and the
 * project, so their cost is the pages of what this cluster owns, not of the project: the
 * project's other floating IPs are never read. A floating IP left untagged by a crash between
 * its POST and its tags PUT is not listed here: its load balancer (tagged at its POST) names
 * the key, and the release finds it by the marker of that load balancer's uid
 * (src/openstack/observe.ts `markerUids`, docs/adr/0009).
 */
import { ownedServiceKey } from '../core/naming.js';
import { clusterTag, isOwnedByCluster, OWNER_TAG, ownershipOf, type Owner } from '../core/ownership.js';
import * as floatingips from './neutron/floatingips.js';
import type { FloatingIpRecord } from './neutron/floatingips.js';
import * as loadbalancers from './octavia/loadbalancers.js';
import type { LoadBalancerRecord } from './octavia/loadbalancers.js';
import type { OpenStackSession } from './session.js';

/** What the sweep found: our keys, and objects that carry our cluster id but another writer. */
export interface OwnedKeys {
  readonly keys: readonly string[];
  /** "load balancer <id>" / "floating IP <address>": never touched, reported loudly. */
  readonly conflicts: readonly string[];
}

/** Sorted, distinct keys of Services whose objects by `owner` in `projectId` OpenStack still holds. */
export async function listOwnedServiceKeys(
  session: OpenStackSession,
  scope: { readonly owner: Owner; readonly projectId: string },
  signal?: AbortSignal,
): Promise<OwnedKeys> {
  const { lbs, fips } = await listOwned(session, scope, signal);
  return ownedKeysOf(lbs, fips, scope.owner);
}

/** Every load balancer and floating IP carrying this cluster's tags in the project (paged lists). */
export async function listOwned(
  session: OpenStackSession,
  scope: { readonly owner: Owner; readonly projectId: string },
  signal?: AbortSignal,
): Promise<{ readonly lbs: LoadBalancerRecord[]; readonly fips: FloatingIpRecord[] }> {
  const { owner, projectId } = scope;
  const tags = [OWNER_TAG, clusterTag(owner.clusterId)];
  const [lbs, fips] = await Promise.all([
    loadbalancers.listAll(session, { tags, projectId }, signal),
    floatingips.listAll(session, { tags, projectId }, signal),
  ]);
  return { lbs, fips };
}

/** The owned keys (and conflicts) of what `listOwned` answered. Pure. */
export function ownedKeysOf(
  lbs: readonly LoadBalancerRecord[],
  fips: readonly FloatingIpRecord[],
  owner: Owner,
): OwnedKeys {
  const keys = new Set<string>();
  const conflicts: string[] = [];
  for (const lb of lbs) {
    if (ownershipOf(lb.tags, owner) === 'conflict') conflicts.push(`load balancer ${lb.id}`);
    const key = isOwnedByCluster(lb.tags, owner) ? ownedServiceKey({ ...lb, owned: true }, owner) : null;
    if (key !== null) keys.add(key);
  }
  for (const fip of fips) {
    if (ownershipOf(fip.tags, owner) === 'conflict') conflicts.push(`floating IP ${fip.address}`);
    const key = isOwnedByCluster(fip.tags, owner)
      ? ownedServiceKey({ ...fip, name: '', owned: false }, owner)
      : null;
    if (key !== null) keys.add(key);
  }
  return { keys: [...keys].sort(), conflicts };
}
