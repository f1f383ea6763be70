/**
 * Pure readings of an observation for reporting: the load balancer we keep, whether its
 * children are all settled, and which floating IP serves it.
 */
import type {
  DesiredLoadBalancer,
  Observed,
  ObservedFloatingIp,
  ObservedLoadBalancer,
} from '../core/model.js';
import { isOwnedForService } from '../core/ownership.js';
import { selectLoadBalancers } from '../core/plan/load-balancers.js';

/** The owned load balancer the plan converges (null when one must be created). */
export function keptLoadBalancer(
  observed: Observed,
  desired: DesiredLoadBalancer,
  clusterId: string,
): ObservedLoadBalancer | null {
  const owned = observed.loadBalancers.filter((lb) => isOwnedForService(lb.tags, clusterId, desired.service));
  return selectLoadBalancers(owned, desired).kept;
}

/** Listeners, pools or members still PENDING_* (or ERROR) under `lb`. */
export function unsettledChildren(lb: ObservedLoadBalancer): string[] {
  const out: string[] = [];
  for (const l of lb.listeners)
    if (l.provisioningStatus !== 'ACTIVE') out.push(`listener ${l.name} ${l.provisioningStatus}`);
  for (const p of lb.pools) {
    if (p.provisioningStatus !== 'ACTIVE') out.push(`pool ${p.name} ${p.provisioningStatus}`);
    for (const m of p.members)
      if (m.provisioningStatus !== 'ACTIVE') out.push(`member ${m.name} ${m.provisioningStatus}`);
  }
  return out;
}

/** The floating IP currently attached to `lb`'s VIP port as the Service wants it, or null. */
export function servingFloatingIp(
  observed: Observed,
  desired: DesiredLoadBalancer,
  lb: ObservedLoadBalancer,
  clusterId: string,
): { readonly ip: ObservedFloatingIp; readonly method: 'pool' | 'user' } | null {
  const intent = desired.floatingIp;
  if (intent === null || lb.vipPortId === null) return null;
  if (intent.method === 'user') {
    const user = observed.userFloatingIp ?? null;
    return user !== null && user.portId === lb.vipPortId ? { ip: user, method: 'user' } : null;
  }
  const ours = observed.floatingIps.find(
    (f) => f.portId === lb.vipPortId && isOwnedForService(f.tags, clusterId, desired.service),
  );
  return ours === undefined ? null : { ip: ours, method: 'pool' };
}

/** Why the user's floating IP cannot be used, or null when it can (or none is wanted). */
export function userFloatingIpProblem(
  observed: Observed,
  desired: DesiredLoadBalancer,
  clusterId: string,
): string | null {
  const intent = desired.floatingIp;
  if (intent?.method !== 'user') return null;
  const fip = observed.userFloatingIp ?? null;
  if (fip === null)
    return `floating IP ${intent.address} (spec.loadBalancerIP) does not exist in this project`;
  const ourPorts = new Set(
    observed.loadBalancers
      .filter((lb) => isOwnedForService(lb.tags, clusterId, desired.service))
      .flatMap((lb) => (lb.vipPortId === null ? [] : [lb.vipPortId])),
  );
  if (fip.portId !== null && !ourPorts.has(fip.portId)) {
    return `floating IP ${intent.address} (spec.loadBalancerIP) is attached to another port (${fip.portId})`;
  }
  return null;
}
