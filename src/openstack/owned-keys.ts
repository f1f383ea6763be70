/**
 * The Service keys (`namespace/name`) this cluster owns something for in OpenStack, for the
 * controller's orphan sweep: a Service deleted while the controller was down, or whose
 * finalizer was removed by hand, has no watch event left to tell us; its load balancer and
 * floating IPs must still be released. Two reads: load balancers by our cluster's tags, and
 * the project's floating IPs (an untagged one, left by a crash between its POST and its tags
 * PUT, is known by its description marker only, which Neutron cannot filter on).
 */
import { ownedServiceKey } from '../core/naming.js';
import { clusterTag, isOwnedByCluster, OWNER_TAG } from '../core/ownership.js';
import * as floatingips from './neutron/floatingips.js';
import * as loadbalancers from './octavia/loadbalancers.js';
import type { OpenStackSession } from './session.js';

/** Sorted, distinct keys of Services whose objects in `clusterId` OpenStack still holds. */
export async function listOwnedServiceKeys(
  session: OpenStackSession,
  clusterId: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const [lbs, fips] = await Promise.all([
    loadbalancers.listAll(session, { tags: [OWNER_TAG, clusterTag(clusterId)] }, signal),
    floatingips.listAll(session, {}, signal),
  ]);
  const keys = new Set<string>();
  for (const lb of lbs) {
    const key = ownedServiceKey({ ...lb, owned: true }, clusterId);
    if (key !== null) keys.add(key);
  }
  for (const fip of fips) {
    const owned = fip.tags.length === 0 || isOwnedByCluster(fip.tags, clusterId);
    const key = owned ? ownedServiceKey({ ...fip, name: '', owned: false }, clusterId) : null;
    if (key !== null) keys.add(key);
  }
  return [...keys].sort();
}
