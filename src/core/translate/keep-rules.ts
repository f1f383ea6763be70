/**
 * Which floating IPs a Service's release must keep (docs/adr/0008): the address the user
 * named in `spec.loadBalancerIP` (whoever allocated it), and, with the annotation
 * `loadbalancer.openstack.org/keep-floatingip: "true"` (cloud-provider-openstack's name),
 * its Pool floating IP too. Pure.
 */
import type { V1Service } from '@kubernetes/client-node';
import type { KeepRules } from '../plan/floating-ips.js';

/** cloud-provider-openstack's annotation keeping a Service's floating IP when it goes. */
export const KEEP_FLOATING_IP_ANNOTATION = 'loadbalancer.openstack.org/keep-floatingip';

/** The keep rules `svc` asks for (a Service we know nothing of keeps nothing: pass KEEP_NOTHING). */
export function keepRulesOf(svc: V1Service): KeepRules {
  const named = svc.spec?.loadBalancerIP?.trim() ?? '';
  const annotation = svc.metadata?.annotations?.[KEEP_FLOATING_IP_ANNOTATION]?.trim().toLowerCase();
  return { addresses: named === '' ? [] : [named], poolFloatingIps: annotation === 'true' };
}
