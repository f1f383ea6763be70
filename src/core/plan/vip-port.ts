/**
 * The kept load balancer's VIP port, as far as we manage it: its security groups, when the
 * desired state names them (`[octavia_defaults] enforce_sg_rules = false` wants none, as kuryr
 * set; docs/adr/0013). Pure.
 *
 * Octavia's create flow adds its own group (`lb-<id>`) to the VIP port while the load
 * balancer is PENDING_CREATE, so the port is only written once the load balancer is ACTIVE;
 * Octavia's later listener flows change that group's rules, not the port's groups.
 */
import type { Action } from './actions.js';
import type { DesiredLoadBalancer, ObservedLoadBalancer } from '../model.js';

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((id) => y.has(id));
}

/** The Neutron write setting the VIP port's security groups, or none when they match or are not ours to set. */
export function planVipPort(kept: ObservedLoadBalancer, desired: DesiredLoadBalancer): Action[] {
  const wanted = desired.vipSecurityGroupIds;
  const seen = kept.vipSecurityGroupIds;
  if (wanted === undefined || seen === undefined || kept.vipPortId === null) return [];
  if (kept.provisioningStatus !== 'ACTIVE' || sameSet(wanted, seen)) return [];
  return [{ kind: 'setVipSecurityGroups', portId: kept.vipPortId, securityGroupIds: [...wanted] }];
}
