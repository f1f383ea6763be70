/**
 * Pure builders of the KuryrLoadBalancer record: spec from the desired load balancer, status
 * from what Octavia and Neutron hold, and conditions that keep their transition time while
 * their status does not change.
 */
import type { V1Service } from '@kubernetes/client-node';
import type { DesiredLoadBalancer, ObservedFloatingIp, ObservedLoadBalancer } from '../core/model.js';
import type { KlbCondition, KlbSpec, KlbStatus } from '../kube/klb.js';

/** The CR spec for `desired` (kuryr's field names). */
export function klbSpecFor(svc: V1Service, desired: DesiredLoadBalancer): KlbSpec {
  const first = desired.listeners[0];
  return {
    ip: desired.vipAddress,
    subnet_id: desired.vipSubnetId,
    type: svc.spec?.type ?? 'ClusterIP',
    provider: desired.provider,
    ports: (svc.spec?.ports ?? []).map((p) => ({
      ...(p.name === undefined || p.name === '' ? {} : { name: p.name }),
      port: p.port,
      protocol: p.protocol ?? 'TCP',
      targetPort: String(p.targetPort ?? p.port),
    })),
    ...(desired.floatingIp?.method === 'user' ? { lb_ip: desired.floatingIp.address } : {}),
    ...(first?.timeoutClientData == null ? {} : { timeout_client_data: first.timeoutClientData }),
    ...(first?.timeoutMemberData == null ? {} : { timeout_member_data: first.timeoutMemberData }),
  };
}

/** Status ids of the kept load balancer and its floating IP. */
export function klbStatusFor(
  lb: ObservedLoadBalancer | null,
  fip: { readonly ip: ObservedFloatingIp; readonly method: 'pool' | 'user' } | null,
  conditions: readonly KlbCondition[],
): KlbStatus {
  if (lb === null) return { conditions, service_pub_ip_info: null };
  return {
    loadbalancer: {
      id: lb.id,
      ip: lb.vipAddress,
      name: lb.name,
      port_id: lb.vipPortId,
      subnet_id: lb.vipSubnetId,
      provider: lb.provider,
      provisioning_status: lb.provisioningStatus,
    },
    listeners: lb.listeners.map((l) => ({
      id: l.id,
      name: l.name,
      port: l.protocolPort,
      protocol: l.protocol,
      loadbalancer_id: lb.id,
    })),
    pools: lb.pools.map((p) => ({
      id: p.id,
      name: p.name,
      protocol: p.protocol,
      listener_id: p.listenerId,
      loadbalancer_id: lb.id,
    })),
    members: lb.pools.flatMap((p) =>
      p.members.map((m) => ({
        id: m.id,
        name: m.name,
        ip: m.address,
        port: m.protocolPort,
        pool_id: p.id,
        subnet_id: m.subnetId,
      })),
    ),
    service_pub_ip_info:
      fip === null ? null : { ip_id: fip.ip.id, ip_addr: fip.ip.address, alloc_method: fip.method },
    conditions,
  };
}

/** A condition; keeps `previous`'s transition time when the status is unchanged. */
export function conditionFor(
  spec: Omit<KlbCondition, 'lastTransitionTime'>,
  previous: readonly KlbCondition[] | undefined,
  nowIso: string,
): KlbCondition {
  const before = previous?.find((c) => c.type === spec.type);
  const lastTransitionTime = before?.status === spec.status ? before.lastTransitionTime : nowIso;
  return { ...spec, lastTransitionTime };
}
