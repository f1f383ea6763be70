/**
 * One reconcile pass of a Service key, as a straight line: observe → decide → execute →
 * record. Before anything is created the finalizer and the KuryrLoadBalancer record exist
 * (nothing we create can outlive the Service unnoticed). The decision (src/core/plan/decide.ts)
 * is taken once on what the pass observed — on the heads a licence names when the previous
 * pass granted one, and again on a full observation when those were not enough; this module
 * only carries it out.
 */
import type { V1Service } from '@kubernetes/client-node';
import { decide } from '../core/plan/decide.js';
import type { Observed, ServiceRef } from '../core/model.js';
import { basisHead, observedOnBasis, usableOnBasis, type StatusTreeView } from '../core/plan/basis.js';
import type {
  Decision,
  DecisionInput,
  HeadAnswer,
  Intent,
  Licence,
  Observation,
} from '../core/plan/decision.js';
import { releasedLicence } from '../core/plan/licence.js';
import { settledUsable } from '../core/plan/settled.js';
import { settle } from '../core/plan/settle.js';
import type { Reason } from '../core/translate/translation.js';
import { done, failed, poll, requeueAfter, terminal, type Result } from '../engine/result.js';
import type { KuryrLoadBalancer } from '../kube/klb.js';
import type { ReconcilerDeps } from './deps.js';
import { ServiceInputError } from './errors.js';
import { reportFailure } from './failure-report.js';
import { classifyFailure } from './failures.js';
import type { ExecuteOutcome } from './interfaces.js';
import { kuryrEvidence, observeQueryFor } from './kuryr-evidence.js';
import { klbSpecFor, progressOf, recordedReady } from './record.js';
import { recordPass } from './record-pass.js';

/** What a pass works on. */
export interface PassInput {
  /** The Service as cached, or null when it is gone (an orphan, with positive evidence). */
  readonly svc: V1Service | null;
  readonly ref: ServiceRef;
  readonly intent: Intent;
  /** Translation warnings, recorded as Warning events. */
  readonly warnings: readonly Reason[];
  readonly licence: Licence | null;
  readonly signal: AbortSignal;
}

const NOTHING_RAN: ExecuteOutcome = { done: [], deferred: [], conflict: false };

/** Runs one pass; see the module comment. OpenStack failures are reported, Kubernetes ones thrown. */
export async function runPass(deps: ReconcilerDeps, input: PassInput): Promise<Result> {
  const prepared = await prepare(deps, input);
  try {
    const { decision, observed } = await observeAndDecide(
      deps,
      { ...input, svc: prepared.svc },
      prepared.klb,
    );
    const outcome =
      decision.actions.length === 0 ? NOTHING_RAN : await deps.cloud.execute(decision.actions, input.signal);
    const settled = settle(decision, outcome, observed);
    await recordPass(deps, { ...input, svc: prepared.svc, klb: prepared.klb, decision: settled, outcome });
    return resultOf(deps, settled);
  } catch (err) {
    const failure = classifyFailure(err);
    if (failure === null) throw err;
    deps.metrics.failure(failure.terminal ? 'terminal' : 'retryable', failure.reason);
    await reportFailure(deps, { svc: prepared.svc, klb: prepared.klb, failure, signal: input.signal });
    if (!failure.terminal) throw err;
    return failed(err instanceof Error ? err : new Error(String(err)));
  }
}

/** Ensure: the finalizer, then the record with our spec, before anything is created. */
async function prepare(
  deps: ReconcilerDeps,
  input: PassInput,
): Promise<{ svc: V1Service | null; klb: KuryrLoadBalancer | undefined }> {
  const { ref, signal } = input;
  const cached = input.svc === null ? undefined : deps.caches.getKlb(ref.namespace, ref.name);
  if (input.intent.kind !== 'ensure' || input.svc === null) return { svc: input.svc, klb: cached };
  const svc = await deps.kube.addFinalizer(input.svc, signal);
  const klb = await deps.kube.ensureKlbSpec(svc, klbSpecFor(svc, input.intent.desired), cached, signal);
  return { svc, klb };
}

/** A decision, and the full observation it was taken on (null: heads, lists or the created basis). */
interface Decided {
  readonly decision: Decision;
  readonly observed: Observed | null;
}

async function observeAndDecide(
  deps: ReconcilerDeps,
  input: PassInput,
  klb: KuryrLoadBalancer | undefined,
): Promise<Decided> {
  const { ref, intent, signal } = input;
  const base = {
    service: ref,
    owner: deps.owner,
    intent,
    progress: progressOf(klb),
    createMode: deps.createMode,
    recordedReady: recordedReady(klb),
    now: deps.now(),
    stuckChildrenMs: deps.timing.stuckChildrenMs,
    kuryr: kuryrEvidence(input.svc, klb, deps.context().config.resourceTags),
    ...(deps.timing.settled === undefined ? {} : { settledTiming: deps.timing.settled }),
  };
  const settled = await onResyncLists(deps, input, base);
  if (settled !== null) return { decision: settled, observed: null };
  if (input.licence !== null && input.licence.mode !== 'settled') {
    const { creating, updating, deleting } = input.licence;
    const heads = await deps.cloud.heads(input.licence.loadBalancerIds, signal, {
      creating: creating === true,
      updating: updating === true,
      deleting: deleting === true,
    });
    const light = decide({ ...base, licence: input.licence, observation: { kind: 'heads', heads } });
    if (light.next.kind !== 'observe') return { decision: light, observed: null };
    const onBasis = await decideOnBasis(deps, input, base, heads);
    if (onBasis !== null) return { decision: onBasis, observed: null };
  }
  const desired = intent.kind === 'ensure' ? intent.desired : null;
  const observed = await deps.cloud.observe(observeQueryFor(ref, desired, klb, base.kuryr), signal);
  const observation: Observation = { kind: 'full', observed };
  // A settled licence goes on into the full decision: its seal continues (settled.ts).
  const previous = input.licence?.mode === 'settled' ? input.licence : null;
  return { decision: decide({ ...base, licence: previous, observation }), observed };
}

/** The status tree, or null when it cannot be read now (the full observation then decides). */
async function statusOrNull(
  deps: ReconcilerDeps,
  id: string,
  signal: AbortSignal,
): Promise<StatusTreeView | null> {
  try {
    return await deps.cloud.statusTree(id, signal);
  } catch (error) {
    if (signal.aborted) throw error;
    return null;
  }
}

/**
 * The pass after a clean create saw its load balancer ACTIVE: decided on the created basis and
 * one status-tree GET (src/core/plan/basis.ts, docs/adr/0020), or null (observe in full): no
 * basis, the head is not ACTIVE, the status tree cannot be read or names other ids, or the
 * decision is not one the basis may take.
 */
async function decideOnBasis(
  deps: ReconcilerDeps,
  input: PassInput,
  base: Omit<DecisionInput, 'licence' | 'observation'>,
  heads: readonly HeadAnswer[],
): Promise<Decision | null> {
  const basis = input.licence?.basis;
  const head = basisHead(basis, heads);
  if (basis === undefined || head === null || input.intent.kind !== 'ensure') return null;
  const status = await statusOrNull(deps, head.id, input.signal);
  const observed = status === null ? null : observedOnBasis(basis, head, status);
  const key = `${input.ref.namespace}/${input.ref.name}`;
  if (observed === null) {
    const why = status === null ? 'the status tree could not be read' : 'the status tree names other ids';
    deps.logger.debug({ key, loadBalancerId: head.id }, `created basis left: ${why}`);
    return null;
  }
  const decision = decide({ ...base, licence: null, observation: { kind: 'full', observed } });
  if (usableOnBasis(decision)) return decision;
  const actions = decision.actions.map((a) => a.kind).join(',');
  deps.logger.debug(
    { key, loadBalancerId: head.id, next: decision.next.kind, actions },
    'created basis left: the decision on it is not one the basis may take',
  );
  return null;
}

/**
 * A resync of a Service a settled licence names: decided on the resync's shared lists when
 * they are fresh and the licence is usable, else null (observe in full).
 */
async function onResyncLists(
  deps: ReconcilerDeps,
  input: PassInput,
  base: Omit<DecisionInput, 'licence' | 'observation'>,
): Promise<Decision | null> {
  const { licence, intent } = input;
  const timing = deps.timing.settled;
  if (timing === undefined || intent.kind !== 'ensure' || !settledUsable(licence, base.now, timing))
    return null;
  const view = await deps.cloud.settledView(input.ref, input.signal);
  if (view === null) return null;
  const decision = decide({ ...base, licence, observation: { kind: 'settled', view } });
  return decision.next.kind === 'observe' ? null : decision;
}

function resultOf(deps: ReconcilerDeps, decision: Decision): Result {
  const next = decision.next;
  switch (next.kind) {
    case 'converged':
      return done(next.licence ?? undefined);
    case 'released':
      // The pass for the Service's disappearance may rest on it (licence.ts releasedRecently).
      return done(releasedLicence(deps.now()));
    case 'observe':
      // decide() never asks for another observation after a full one.
      return requeueAfter(deps.timing.verifyRequeueMs, 'observation incomplete');
    case 'wait':
      return poll(next.token, next.reason, next.licence ?? undefined);
    case 'verify':
      return requeueAfter(deps.timing.verifyRequeueMs, next.reason, next.licence ?? undefined);
    case 'blocked':
      return terminal(new ServiceInputError(next.reason));
  }
}
