/**
 * Pure builders of the KuryrLoadBalancer record: spec from the desired load balancer, status
 * from the decision (what Octavia and Neutron were observed to hold, the Ready condition,
 * the progress), conditions that keep their transition time while their status holds, and
 * the progress read back from the record.
 */
import type { V1Service } from '@kubernetes/client-node';
import type { DesiredLoadBalancer, ObservedLoadBalancer } from '../core/model.js';
import type { ConditionSpec, Progress, ServingFloatingIp } from '../core/plan/decision.js';
import { FRESH_PROGRESS } from '../core/plan/decision.js';
import type { KlbCondition, KlbProgress, KlbSpec, KlbStatus, KuryrLoadBalancer } from '../kube/klb.js';

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

/** The record's view of the load balancer and its children (kuryr's status shape). */
function loadBalancerStatus(lb: ObservedLoadBalancer): KlbStatus {
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
  };
}

/** The progress as the record stores it. */
export function klbProgressOf(progress: Progress, toIso: (ms: number) => string): KlbProgress {
  const u = progress.unsettled;
  return {
    create_path: progress.createPath,
    unsettled: u === null ? null : { loadbalancer_id: u.loadBalancerId, since: toIso(u.since) },
  };
}

/** The progress the record remembers (FRESH_PROGRESS when none, or unreadable). */
export function progressOf(klb: KuryrLoadBalancer | undefined): Progress {
  const p = klb?.status?.progress;
  if (p === undefined) return FRESH_PROGRESS;
  const since = p.unsettled === null ? Number.NaN : Date.parse(p.unsettled.since);
  return {
    createPath: p.create_path === 'step-by-step' ? 'step-by-step' : 'fully-populated',
    unsettled:
      p.unsettled === null || Number.isNaN(since)
        ? null
        : { loadBalancerId: p.unsettled.loadbalancer_id, since },
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

/** What a status is built from. */
export interface StatusInput {
  readonly previous: KlbStatus | undefined;
  readonly loadBalancer: ObservedLoadBalancer | null;
  readonly floatingIp: ServingFloatingIp | null;
  /** Conditions to set; the others already on the record are kept. */
  readonly conditions: readonly Omit<KlbCondition, 'lastTransitionTime'>[];
  readonly progress: KlbProgress;
  readonly nowIso: string;
}

/** The whole status (ids of the kept load balancer and its floating IP, conditions, progress). */
export function klbStatusFor(input: StatusInput): KlbStatus {
  const previous = input.previous?.conditions;
  const set = input.conditions.map((c) => conditionFor(c, previous, input.nowIso));
  const types = new Set(set.map((c) => c.type));
  const conditions = [...(previous ?? []).filter((c) => !types.has(c.type)), ...set];
  const fip = input.floatingIp;
  const pub = fip === null ? null : { ip_id: fip.ip.id, ip_addr: fip.ip.address, alloc_method: fip.method };
  const lb = input.loadBalancer === null ? {} : loadBalancerStatus(input.loadBalancer);
  return { ...lb, service_pub_ip_info: pub, conditions, progress: input.progress };
}

/** The Ready and InputValid conditions of a translated Service. */
export function translatedConditions(ready: ConditionSpec): Omit<KlbCondition, 'lastTransitionTime'>[] {
  return [ready, { type: 'InputValid', status: 'True', reason: 'Translated', message: 'Service translated' }];
}

/** The Ready status the record holds now, if any. */
export function recordedReady(klb: KuryrLoadBalancer | undefined): 'True' | 'False' | null {
  const status = klb?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return status === 'True' || status === 'False' ? status : null;
}

/** `status` with the condition of `spec.type` set (others kept, transition time kept while its status holds). */
export function statusWithCondition(
  status: KlbStatus | undefined,
  spec: Omit<KlbCondition, 'lastTransitionTime'>,
  nowIso: string,
): KlbStatus {
  const previous = status?.conditions ?? [];
  const condition = conditionFor(spec, previous, nowIso);
  return { ...(status ?? {}), conditions: [...previous.filter((c) => c.type !== spec.type), condition] };
}

/** `namespace/name` of a Service object (`?` for a part it lacks). */
export function keyOfService(svc: V1Service | null): string {
  return `${svc?.metadata?.namespace ?? '?'}/${svc?.metadata?.name ?? '?'}`;
}
