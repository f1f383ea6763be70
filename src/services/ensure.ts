/**
 * Ensure: a Service that wants a load balancer. Finalizer first (so nothing we create can
 * outlive the Service unnoticed), then the KuryrLoadBalancer record, then observe → plan →
 * execute. Writes are followed by a requeue that verifies them; a busy load balancer is a
 * requeue, never a wait, with a delay that grows while it stays busy, and while the plan
 * could not act anyway one GET of it replaces the full observation (light-poll.ts); the Service's ingress and the record's status are written only
 * from what Octavia and Neutron were observed to hold.
 */
import type { V1Service } from '@kubernetes/client-node';
import type { Plan } from '../core/plan/actions.js';
import type { DesiredLoadBalancer, Observed, ObservedLoadBalancer } from '../core/model.js';
import { plan } from '../core/plan/plan.js';
import type { Reason } from '../core/translation.js';
import { done, requeueAfter, terminal, type Result } from '../engine/result.js';
import {
  ensureKlbSpec,
  getKlb,
  writeKlbStatus,
  type KlbCondition,
  type KuryrLoadBalancer,
} from '../kube/klb.js';
import { addFinalizer, setIngress } from '../kube/service-writes.js';
import type { ReconcilerDeps } from './deps.js';
import { ServiceInputError } from './errors.js';
import { conditionFor, klbSpecFor, klbStatusFor } from './klb-record.js';
import {
  desiredFingerprint,
  licensedAfterWait,
  licensedAfterWrite,
  lightPoll,
  type LicenceView,
} from './light-poll.js';
import {
  keptLoadBalancer,
  servingFloatingIp,
  unsettledChildren,
  userFloatingIpProblem,
} from './observed-view.js';
import { reportActions } from './report.js';
import type { CreatePath, StuckTracker, StuckVerdict } from './stuck.js';

interface EnsureInput {
  readonly svc: V1Service;
  readonly desired: DesiredLoadBalancer;
  readonly warnings: readonly Reason[];
  readonly stuck: StuckTracker;
  readonly signal: AbortSignal;
}

/** Converges the Service's load balancer one step; see the module comment. */
export async function ensureService(deps: ReconcilerDeps, input: EnsureInput): Promise<Result> {
  const { desired, signal } = input;
  for (const w of input.warnings) await deps.events.record(input.svc, 'Warning', w.code, w.message);
  const svc = await addFinalizer(deps.kube, input.svc, signal);
  // Compile fix (kubeio): still a live read per pass until the reconciler reads the KLB cache.
  const current = await getKlb(deps.kube, svc.metadata?.namespace ?? '', svc.metadata?.name ?? '', signal);
  const klb = await ensureKlbSpec(deps.kube, svc, klbSpecFor(svc, desired), current ?? undefined, signal);
  const hintId = klb.status?.loadbalancer?.id;
  const fingerprint = desiredFingerprint(desired);
  const light = await lightPoll(deps, {
    service: desired.service,
    name: desired.name,
    hintId,
    fingerprint,
    memory: input.stuck.pending,
    signal,
  });
  if (light !== null) return light;
  const observed = await deps.cloud.observe(
    {
      service: desired.service,
      loadBalancerName: desired.name,
      ...(desired.floatingIp?.method === 'user' ? { userFloatingIpAddress: desired.floatingIp.address } : {}),
      ...(hintId === undefined ? {} : { hintLoadBalancerId: hintId }),
    },
    signal,
  );
  return converge(deps, { svc, klb, observed, desired, fingerprint, stuck: input.stuck, signal });
}

interface Observation {
  readonly svc: V1Service;
  readonly klb: KuryrLoadBalancer;
  readonly observed: Observed;
  readonly desired: DesiredLoadBalancer;
  readonly fingerprint: string;
  readonly stuck: StuckTracker;
  readonly signal: AbortSignal;
}

/** Plans from a full observation; writes, waits (with the growing delay) or finishes. */
async function converge(deps: ReconcilerDeps, o: Observation): Promise<Result> {
  const { desired, observed } = o;
  const kept = keptLoadBalancer(observed, desired, deps.clusterId);
  const verdict = kept === null ? 'ok' : o.stuck.check(kept, deps.now(), deps.createMode);
  const recovering = verdict === 'recover' && kept !== null;
  const planned = plan({
    service: desired.service,
    clusterId: deps.clusterId,
    desired: o.stuck.adjustDesired(desired, recovering ? null : kept, deps.createMode),
    observed: recovering ? o.stuck.recoveryPlanInput(observed, kept) : observed,
  });
  const path = o.stuck.createPath(desired.name, deps.createMode);
  const view: LicenceView = {
    observed,
    kept,
    recovering,
    clusterId: deps.clusterId,
    service: desired.service,
  };
  const status: StatusView = { klb: o.klb, observed, desired, kept };
  if (planned.actions.length > 0) return write(deps, o, { planned, path, view, status });
  if (planned.wait !== null || kept === null || verdict === 'waiting' || verdict === 'stuck') {
    const why = waitReason(planned, kept, verdict, deps.timing.stuckChildrenMs);
    await writeStatus(deps, status, pendingCondition('Pending', why));
    const licence = licensedAfterWait(view, planned) ? o.fingerprint : null;
    const loadBalancerId = planned.wait?.loadBalancerId ?? kept?.id ?? '';
    const ms = o.stuck.pending.waiting(desired.name, { loadBalancerId, licence }, deps.now(), deps.timing);
    return requeueAfter(ms, why);
  }
  o.stuck.settle(desired.name);
  return finish(deps, { svc: o.svc, klb: o.klb, observed, desired, kept });
}

interface WritePass {
  readonly planned: Plan;
  readonly path: CreatePath;
  readonly view: LicenceView;
  readonly status: StatusView;
}

/** Executes the plan; remembers whether light polls may follow (a new operation: backoff restarts). */
async function write(deps: ReconcilerDeps, o: Observation, p: WritePass): Promise<Result> {
  const { kept } = p.view;
  const outcome = await deps.cloud.execute(p.planned.actions, o.signal);
  await reportActions(deps, o.svc, outcome.done);
  for (const a of outcome.done) if (a.kind === 'createLoadBalancer') deps.metrics.createPath(p.path);
  if (kept === null) {
    o.stuck.pending.settle(o.desired.name); // a new load balancer: nothing known of it yet
  } else {
    const licence = licensedAfterWrite(p.view, outcome) ? o.fingerprint : null;
    o.stuck.pending.written(o.desired.name, { loadBalancerId: kept.id, licence }, deps.now());
  }
  const note = `${outcome.done.length} change(s) sent to OpenStack`;
  await writeStatus(deps, p.status, pendingCondition('Reconciling', note));
  return requeueAfter(outcome.requeueAfterMs ?? deps.timing.verifyRequeueMs, 'verifying changes');
}

function waitReason(
  planned: Plan,
  kept: ObservedLoadBalancer | null,
  verdict: StuckVerdict,
  stuckChildrenMs: number,
): string {
  if (planned.wait !== null) return planned.wait.reason;
  if (kept === null) return 'load balancer not ready';
  const children = unsettledChildren(kept).join(', ');
  if (verdict !== 'stuck') return children;
  return `${children} for over ${Math.round(stuckChildrenMs / 1000)} s; create_mode = fully-populated: not recreating it`;
}

interface Converged {
  readonly svc: V1Service;
  readonly klb: KuryrLoadBalancer;
  readonly observed: Observed;
  readonly desired: DesiredLoadBalancer;
  readonly kept: ObservedLoadBalancer;
}

async function finish(deps: ReconcilerDeps, c: Converged): Promise<Result> {
  const fip = servingFloatingIp(c.observed, c.desired, c.kept, deps.clusterId);
  const hadIngress = (c.svc.status?.loadBalancer?.ingress ?? []).length > 0;
  // Compile fix (kubeio): no reconcile signal reaches here yet.
  await setIngress(deps.kube, c.svc, fip === null ? [] : [fip.ip.address], new AbortController().signal);
  if (fip !== null && !hadIngress) recordIngressLatency(deps, c.svc);
  const problem = userFloatingIpProblem(c.observed, c.desired, deps.clusterId);
  if (problem !== null) {
    await deps.events.record(c.svc, 'Warning', 'KuryrFloatingIpUnavailable', problem);
    await writeStatus(deps, c, {
      type: 'Ready',
      status: 'False',
      reason: 'FloatingIpUnavailable',
      message: problem,
    });
    return terminal(new ServiceInputError(`${c.desired.name}: ${problem}`));
  }
  await writeStatus(deps, c, {
    type: 'Ready',
    status: 'True',
    reason: 'LoadBalancerActive',
    message: `load balancer ${c.kept.id} ACTIVE on ${c.kept.vipAddress}${fip === null ? '' : `, floating IP ${fip.ip.address}`}`,
  });
  await deps.events.record(
    c.svc,
    'Normal',
    'KuryrEnsuredLB',
    `Load balancer ${c.kept.id} is ACTIVE on ${c.kept.vipAddress}`,
  );
  return done();
}

function pendingCondition(reason: string, message: string): Omit<KlbCondition, 'lastTransitionTime'> {
  return { type: 'Ready', status: 'False', reason, message };
}

function recordIngressLatency(deps: ReconcilerDeps, svc: V1Service): void {
  const created = svc.metadata?.creationTimestamp;
  if (created === undefined) return;
  deps.metrics.ingressLatency((deps.now() - new Date(created).getTime()) / 1000);
}

interface StatusView {
  readonly klb: KuryrLoadBalancer;
  readonly observed: Observed;
  readonly desired: DesiredLoadBalancer;
  readonly kept: ObservedLoadBalancer | null;
}

async function writeStatus(
  deps: ReconcilerDeps,
  view: StatusView,
  condition: Omit<KlbCondition, 'lastTransitionTime'>,
): Promise<void> {
  const { klb, observed, desired, kept } = view;
  const nowIso = new Date(deps.now()).toISOString();
  const ready = conditionFor(condition, klb.status?.conditions, nowIso);
  const valid = conditionFor(
    { type: 'InputValid', status: 'True', reason: 'Translated', message: 'Service translated' },
    klb.status?.conditions,
    nowIso,
  );
  const fip = kept === null ? null : servingFloatingIp(observed, desired, kept, deps.clusterId);
  // Compile fix (kubeio): no reconcile signal reaches here yet.
  await writeKlbStatus(deps.kube, klb, klbStatusFor(kept, fip, [ready, valid]), new AbortController().signal);
}
