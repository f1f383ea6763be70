/**
 * `decide`: the whole decision of one reconcile pass, pure. Given what the pass wants
 * (ensure a desired load balancer, or release everything), what it saw (a full observation,
 * or only the heads a licence names), what the Service's record remembers (progress) and
 * the time, it returns the actions, what to do next, what to record, the ingress and the
 * events. The caller only executes and records (src/services/).
 */
import type { DesiredLoadBalancer, Observed, ObservedLoadBalancer } from '../model.js';
import {
  readyCondition,
  type Decision,
  type DecisionInput,
  type Intent,
  type Next,
  type Notice,
  type Progress,
  type SettledView,
  type StatusRecord,
} from './decision.js';
import { creatingLicence, ensureLicence, nextFromHeads } from './licence.js';
import { adoptionView, judgeAdoption } from './adoption.js';
import { conflictNotices, decideRelease } from './decide-release.js';
import { adopting, adoptionInput, refused, releaseWithKuryr } from './decide-adoption.js';
import { plan, type PlanOutcome } from './plan.js';
import { createPathFor, judgeChildren, type ChildrenJudgement } from './progress.js';
import { servingFloatingIp, unsettledChildren, userFloatingIpProblem } from './serving.js';
import { nextFromSettled, settledLicence } from './settled.js';

/** Decides one pass; see the module comment and decision.ts. Deterministic. */
export function decide(input: DecisionInput): Decision {
  const { observation, intent } = input;
  if (observation.kind === 'heads') {
    const desired = intent.kind === 'ensure' ? intent.desired : null;
    const next = nextFromHeads({
      licence: input.licence,
      heads: observation.heads,
      desired,
      owner: input.owner,
    });
    return { actions: [], next, record: null, ingress: null, progress: input.progress, notices: [] };
  }
  if (observation.kind === 'settled') return decideSettled(input, observation.view);
  const adoption = adoptionInput(input, observation.observed);
  const judgement = judgeAdoption(adoption);
  const view = adoptionView(adoption, judgement);
  if (intent.kind === 'release') {
    const release = (observed: Observed): Decision => decideRelease(input, intent, observed);
    return releaseWithKuryr(release, { adoption, judgement, view });
  }
  if (judgement.kind === 'refused') return refused(input, judgement);
  // A proven load balancer of kuryr's not yet tagged: adoption writes first (adoption.ts).
  if (judgement.kind === 'adopt') return adopting(input, { ...adoption, desired: intent.desired }, judgement);
  return decideEnsure(input, intent, view);
}

/** A resync pass on the shared lists: converged as the licence says, or observe (settled.ts). */
function decideSettled(input: DecisionInput, view: SettledView): Decision {
  const { intent, licence, settledTiming } = input;
  const quiet = { actions: [], record: null, progress: input.progress, notices: [] };
  if (intent.kind !== 'ensure' || licence === null || settledTiming === undefined)
    return { ...quiet, next: { kind: 'observe' }, ingress: null };
  const next = nextFromSettled({
    licence,
    desired: intent.desired,
    keep: intent.keep,
    view,
    recordedReady: input.recordedReady,
    now: input.now,
    timing: settledTiming,
  });
  return { ...quiet, next, ingress: next.kind === 'converged' ? (licence.settled?.ingress ?? null) : null };
}

const ready = readyCondition;

type EnsureIntent = Extract<Intent, { kind: 'ensure' }>;

/** Plans against `observed`, condemning the kept load balancer when its children are stuck for good. */
function planEnsure(
  input: DecisionInput,
  intent: EnsureIntent,
  observed: Observed,
): { planned: PlanOutcome; judgement: ChildrenJudgement | null } {
  const base = {
    service: input.service,
    owner: input.owner,
    desired: intent.desired,
    observed,
    keep: intent.keep,
  };
  const first = plan({ ...base, createPath: createPathFor(input.createMode, input.progress) });
  if (first.kept === null) return { planned: first, judgement: null };
  const judgement = judgeChildren(first.kept, input.progress, input);
  if (judgement.verdict !== 'recover') return { planned: first, judgement };
  const why = `children stuck PENDING_* for over ${Math.round(input.stuckChildrenMs / 1000)} s`;
  const condemned = new Map([[first.kept.id, why]]);
  const createPath = createPathFor(input.createMode, judgement.progress);
  return { planned: plan({ ...base, condemned, createPath }), judgement };
}

function decideEnsure(input: DecisionInput, intent: EnsureIntent, observed: Observed): Decision {
  const { desired } = intent;
  const { planned, judgement } = planEnsure(input, intent, observed);
  const progress = judgement?.progress ?? input.progress;
  const kept = planned.kept;
  const notices = conflictNotices(planned);
  const fip = kept === null ? null : servingFloatingIp(observed, desired, kept, input.owner);
  const common = { progress, notices, ingress: null };
  if (planned.actions.length > 0) {
    const recovering = judgement?.verdict === 'recover';
    const view = { desired, owned: planned.owned, actions: planned.actions };
    const licence = recovering
      ? null
      : kept === null
        ? creatingLicence(view)
        : ensureLicence({ ...view, kept });
    const n = planned.actions.length;
    const record = {
      loadBalancer: kept,
      floatingIp: fip,
      ready: ready('False', 'Reconciling', `applying ${n} change(s)`),
    };
    return {
      ...common,
      actions: planned.actions,
      next: { kind: 'verify', reason: 'verifying changes', licence },
      record,
    };
  }
  const wait = waitOf(input, planned, judgement);
  if (wait !== null) {
    const record = {
      loadBalancer: kept,
      floatingIp: fip,
      ready: ready('False', wait.condition, wait.reason),
    };
    return { ...common, actions: [], next: wait.next, record };
  }
  // Nothing to write and nothing to wait for: the kept load balancer is converged.
  return converged({ input, desired, observed, kept: kept ?? unreachable(), planned, progress, notices });
}

/** kept is non-null whenever the plan has no action and no wait (a missing one is created). */
function unreachable(): never {
  throw new Error('decide: no load balancer kept, no action and no wait');
}

interface Wait {
  readonly next: Next;
  readonly condition: string;
  readonly reason: string;
}

function waitOf(
  input: DecisionInput,
  planned: PlanOutcome,
  judgement: ChildrenJudgement | null,
): Wait | null {
  const kept = planned.kept;
  if (planned.wait !== null) {
    const { loadBalancerId, reason } = planned.wait;
    const licence =
      kept !== null && intentDesired(input) !== null && loadBalancerId === kept.id
        ? ensureLicence({
            desired: intentDesired(input) ?? unreachable(),
            kept,
            owned: planned.owned,
            actions: [],
          })
        : null;
    return {
      next: { kind: 'wait', token: `busy:${loadBalancerId}`, reason, licence },
      condition: 'Pending',
      reason,
    };
  }
  if (kept === null || judgement === null) return null;
  const children = unsettledChildren(kept).join(', ');
  if (judgement.verdict === 'waiting') {
    return {
      next: { kind: 'wait', token: `children:${kept.id}`, reason: children, licence: null },
      condition: 'Pending',
      reason: children,
    };
  }
  if (judgement.verdict === 'stuck') {
    const reason = `${children} for over ${Math.round(input.stuckChildrenMs / 1000)} s; create_mode = fully-populated: not recreating it`;
    return {
      next: { kind: 'wait', token: `stuck:${kept.id}`, reason, licence: null },
      condition: 'ChildrenStuck',
      reason,
    };
  }
  return null;
}

function intentDesired(input: DecisionInput): DesiredLoadBalancer | null {
  return input.intent.kind === 'ensure' ? input.intent.desired : null;
}

interface ConvergedView {
  readonly input: DecisionInput;
  readonly desired: DesiredLoadBalancer;
  readonly observed: Observed;
  readonly kept: ObservedLoadBalancer;
  readonly planned: PlanOutcome;
  readonly progress: Progress;
  readonly notices: readonly Notice[];
}

function converged(v: ConvergedView): Decision {
  const { input, desired, kept } = v;
  const fip = servingFloatingIp(v.observed, desired, kept, input.owner);
  // Converged: a later create of this Service starts fully populated again (auto).
  const progress: Progress = { createPath: 'fully-populated', unsettled: null };
  const problem = userFloatingIpProblem(v.observed, desired, input.owner);
  // An internal Service reports its VIP, as cloud-provider-openstack does for internal load balancers.
  const ingress = desired.internal === true ? [kept.vipAddress] : fip === null ? [] : [fip.ip.address];
  if (problem !== null) {
    const record: StatusRecord = {
      loadBalancer: kept,
      floatingIp: fip,
      ready: ready('False', 'FloatingIpUnavailable', problem),
    };
    const notices: Notice[] = [
      ...v.notices,
      { type: 'Warning', reason: 'KuryrFloatingIpUnavailable', message: problem },
    ];
    return { actions: [], next: { kind: 'blocked', reason: problem }, record, ingress, progress, notices };
  }
  const reach =
    desired.internal === true
      ? ' (internal: no floating IP)'
      : fip === null
        ? ''
        : `, floating IP ${fip.ip.address}`;
  const message = `load balancer ${kept.id} ACTIVE on ${kept.vipAddress}${reach}`;
  const record: StatusRecord = {
    loadBalancer: kept,
    floatingIp: fip,
    ready: ready('True', 'LoadBalancerActive', message),
  };
  const timing = input.settledTiming;
  const keep = input.intent.kind === 'ensure' ? input.intent.keep : null;
  const licence =
    timing === undefined || keep === null
      ? null
      : settledLicence({
          desired,
          keep,
          observed: v.observed,
          kept,
          owner: input.owner,
          ingress,
          previous: input.licence,
          now: input.now,
          timing,
        });
  const announce: Notice[] =
    input.recordedReady === 'True'
      ? []
      : [
          {
            type: 'Normal',
            reason: 'KuryrEnsuredLB',
            message: `Load balancer ${kept.id} is ACTIVE on ${kept.vipAddress}`,
          },
        ];
  return {
    actions: [],
    next: licence === null ? { kind: 'converged' } : { kind: 'converged', licence },
    record,
    ingress,
    progress,
    notices: [...v.notices, ...announce],
  };
}
