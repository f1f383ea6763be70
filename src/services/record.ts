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
import { keptKuryrTree, observedStatus, pubIpInfo } from './klb-status.js';

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

/** What a condition is set from: type, status, reason, message. */
export type ConditionInput = Omit<KlbCondition, 'lastTransitionTime' | 'observedGeneration'>;

/**
 * A condition; keeps `previous`'s transition time when the status is unchanged, and names the
 * record generation it was set for (`observedGeneration`, when known).
 */
export function conditionFor(
  spec: ConditionInput,
  previous: readonly KlbCondition[] | undefined,
  at: { readonly nowIso: string; readonly generation: number | undefined },
): KlbCondition {
  const before = previous?.find((c) => c.type === spec.type);
  const lastTransitionTime = before?.status === spec.status ? before.lastTransitionTime : at.nowIso;
  const { type, status, reason, message } = spec;
  return {
    type,
    status,
    reason,
    message,
    lastTransitionTime,
    ...(at.generation === undefined ? {} : { observedGeneration: at.generation }),
  };
}

/** What a status is built from. */
export interface StatusInput {
  readonly previous: KlbStatus | undefined;
  readonly loadBalancer: ObservedLoadBalancer | null;
  readonly floatingIp: ServingFloatingIp | null;
  /** Whether the Service wants a floating IP (a kept record's one stays while none serves yet). */
  readonly floatingIpWanted: boolean;
  /** The project the load balancer was found in. */
  readonly projectId: string;
  /** Conditions to set; the others already on the record are kept. */
  readonly conditions: readonly ConditionInput[];
  readonly progress: KlbProgress;
  readonly nowIso: string;
  /** The record's metadata.generation this status describes (undefined: not known). */
  readonly generation: number | undefined;
}

function generationField(generation: number | undefined): Pick<KlbStatus, 'observedGeneration'> {
  return generation === undefined ? {} : { observedGeneration: generation };
}

/**
 * The whole status (ids of the kept load balancer and its floating IP, conditions,
 * progress, the member count and the generation it describes).
 */
export function klbStatusFor(input: StatusInput): KlbStatus {
  const previous = input.previous?.conditions;
  const at = { nowIso: input.nowIso, generation: input.generation };
  const set = input.conditions.map((c) => conditionFor(c, previous, at));
  const types = new Set(set.map((c) => c.type));
  const conditions = [...(previous ?? []).filter((c) => !types.has(c.type)), ...set];
  const lb: KlbStatus =
    input.loadBalancer === null
      ? keptKuryrTree(input.previous)
      : observedStatus({ lb: input.loadBalancer, projectId: input.projectId, previous: input.previous });
  return {
    ...lb,
    member_count: lb.members?.length ?? 0,
    ...pubIpInfo(input.floatingIp, input.floatingIpWanted, input.previous),
    conditions,
    ...generationField(input.generation),
    progress: input.progress,
  };
}

/** The Ready and InputValid conditions of a translated Service. */
export function translatedConditions(ready: ConditionSpec): ConditionInput[] {
  return [ready, { type: 'InputValid', status: 'True', reason: 'Translated', message: 'Service translated' }];
}

/** The Ready status the record holds now, if any. */
export function recordedReady(klb: KuryrLoadBalancer | undefined): 'True' | 'False' | null {
  const status = klb?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return status === 'True' || status === 'False' ? status : null;
}

/**
 * `klb`'s status with the condition of `spec.type` set (others kept, transition time kept
 * while its status holds), for the record's current generation.
 */
export function statusWithCondition(klb: KuryrLoadBalancer, spec: ConditionInput, nowIso: string): KlbStatus {
  const generation = klb.metadata.generation;
  const previous = klb.status?.conditions ?? [];
  const condition = conditionFor(spec, previous, { nowIso, generation });
  return {
    ...(klb.status ?? {}),
    conditions: [...previous.filter((c) => c.type !== spec.type), condition],
    ...generationField(generation),
  };
}

/** What the metrics keep of a Service's record (see `recordedStateOf`). */
export interface RecordedState {
  /** The load balancer's statuses as recorded; null when the record names none. */
  readonly loadBalancer: { readonly provisioning: string; readonly operating: string } | null;
  /** The Ready condition's status and since when (ms); null when there is none. */
  readonly ready: { readonly status: string; readonly sinceMs: number } | null;
}

/** The part of a status the metrics count. Pure. */
export function recordedStateOf(status: KlbStatus): RecordedState {
  const lb = status.loadbalancer;
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  const since = ready === undefined ? Number.NaN : Date.parse(ready.lastTransitionTime);
  return {
    loadBalancer:
      lb === undefined
        ? null
        : { provisioning: lb.provisioning_status ?? 'UNKNOWN', operating: lb.operating_status ?? 'UNKNOWN' },
    ready: ready === undefined ? null : { status: ready.status, sinceMs: Number.isNaN(since) ? 0 : since },
  };
}

/** `namespace/name` of a Service object (`?` for a part it lacks). */
export function keyOfService(svc: V1Service | null): string {
  return `${svc?.metadata?.namespace ?? '?'}/${svc?.metadata?.name ?? '?'}`;
}
