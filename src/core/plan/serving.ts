/**
 * Pure readings of an observation around the kept load balancer: whether its children are
 * all settled, which floating IP serves it, and why a user's floating IP cannot be used.
 */
import type { DesiredLoadBalancer, Observed, ObservedLoadBalancer } from '../model.js';
import { isOwnedForService, type Owner } from '../ownership.js';
import type { ServingFloatingIp } from './decision.js';

/** Listeners, pools or members not ACTIVE under `lb` ("listener ns/a:TCP:80 PENDING_CREATE", ...). */
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

/** True when some child of `lb` is PENDING_*. */
export function hasPendingChild(lb: ObservedLoadBalancer): boolean {
  const pending = (s: string): boolean => s.startsWith('PENDING_');
  return (
    lb.listeners.some((l) => pending(l.provisioningStatus)) ||
    lb.pools.some(
      (p) => pending(p.provisioningStatus) || p.members.some((m) => pending(m.provisioningStatus)),
    )
  );
}

/** The floating IP attached to `lb`'s VIP port as the Service wants it, or null. */
export function servingFloatingIp(
  observed: Observed,
  desired: DesiredLoadBalancer,
  lb: ObservedLoadBalancer,
  owner: Owner,
): ServingFloatingIp | null {
  const intent = desired.floatingIp;
  if (intent === null || lb.vipPortId === null) return null;
  if (intent.method === 'user') {
    const user = observed.userFloatingIp ?? null;
    return user !== null && user.portId === lb.vipPortId ? { ip: user, method: 'user' } : null;
  }
  const ours = observed.floatingIps.find(
    (f) => f.portId === lb.vipPortId && isOwnedForService(f.tags, owner, desired.service),
  );
  return ours === undefined ? null : { ip: ours, method: 'pool' };
}

/** Why the user's floating IP cannot be used, or null when it can (or none is wanted). */
export function userFloatingIpProblem(
  observed: Observed,
  desired: DesiredLoadBalancer,
  owner: Owner,
): string | null {
  const intent = desired.floatingIp;
  if (intent?.method !== 'user') return null;
  const fip = observed.userFloatingIp ?? null;
  if (fip === null)
    return `floating IP ${intent.address} (spec.loadBalancerIP) does not exist in this project`;
  const ourPorts = new Set(
    observed.loadBalancers
      .filter((lb) => isOwnedForService(lb.tags, owner, desired.service))
      .flatMap((lb) => (lb.vipPortId === null ? [] : [lb.vipPortId])),
  );
  if (fip.portId !== null && !ourPorts.has(fip.portId)) {
    return `floating IP ${intent.address} (spec.loadBalancerIP) is attached to another port (${fip.portId})`;
  }
  return null;
}
