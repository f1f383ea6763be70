/**
 * `decide`: the whole decision of one reconcile pass, pure. Given what the pass wants
 * (ensure a desired load balancer, or release everything), what it saw (a full observation,
 * or only the heads a licence names), what the Service's record remembers (progress) and
 * the time, it returns the actions, what to do next, what to record, the ingress and the
 * events. The caller only executes and records (src/services/).
 */
import type { DesiredLoadBalancer, Observed, ObservedLoadBalancer } from '../model.js';
import { isOwnedForService } from '../ownership.js';
import type {
  ConditionSpec,
  Decision,
  DecisionInput,
  Intent,
  Next,
  Notice,
  Progress,
  StatusRecord,
} from './decision.js';
import { creatingLicence, ensureLicence, nextFromHeads, releaseLicence } from './licence.js';
import {
  adoptionSteps,
  adoptionView,
  judgeAdoption,
  NO_EVIDENCE,
  type AdoptionInput,
  type AdoptionJudgement,
} from './adoption.js';
import { isVanishing } from './load-balancers.js';
import { plan, type PlanOutcome } from './plan.js';
import { createPathFor, judgeChildren, type ChildrenJudgement } from './progress.js';
import { servingFloatingIp, unsettledChildren, userFloatingIpProblem } from './serving.js';

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
  const adoption = adoptionInput(input, observation.observed);
  const judgement = judgeAdoption(adoption);
  const view = adoptionView(adoption, judgement);
  if (intent.kind === 'release') return decideReleaseOf(input, intent, { adoption, judgement, view });
  if (judgement.kind === 'refused') return refused(input, judgement);
  // A proven load balancer of kuryr's not yet tagged: adoption writes first (adoption.ts).
  if (judgement.kind === 'adopt') return adopting(input, { ...adoption, desired: intent.desired }, judgement);
  return decideEnsure(input, intent, view);
}

function adoptionInput(input: DecisionInput, observed: Observed): AdoptionInput {
  return {
    service: input.service,
    owner: input.owner,
    desired: input.intent.kind === 'ensure' ? input.intent.desired : null,
    observed,
    evidence: input.kuryr ?? NO_EVIDENCE,
  };
}

type Refusal = Extract<AdoptionJudgement, { kind: 'refused' }>;

function refusalMessage(judgement: Refusal): string {
  return `not adopting load balancer ${judgement.loadBalancerId} (named like kuryr-kubernetes's for this Service): ${judgement.reasons.join('; ')}; it is left as it is`;
}

/** Ensure with kuryr's load balancer failing the proof: nothing is written, the owner is told. */
function refused(input: DecisionInput, judgement: Refusal): Decision {
  const message = refusalMessage(judgement);
  return {
    actions: [],
    next: { kind: 'blocked', reason: message },
    record: { loadBalancer: null, floatingIp: null, ready: ready('False', 'AdoptionRefused', message) },
    ingress: null,
    progress: input.progress,
    notices: [{ type: 'Warning', reason: 'KuryrAdoptionRefused', message }],
  };
}

/** Ensure with kuryr's proven load balancer not yet tagged: the adoption writes, in order. */
function adopting(
  input: DecisionInput,
  adoption: AdoptionInput & { readonly desired: DesiredLoadBalancer },
  judgement: Extract<AdoptionJudgement, { kind: 'adopt' }>,
): Decision {
  const lb = judgement.loadBalancer;
  const steps = adoptionSteps(adoption, lb);
  const common = { ingress: null, progress: input.progress };
  if (steps.wait !== null) {
    const { reason } = steps.wait;
    return {
      ...common,
      actions: [],
      next: { kind: 'wait', token: `busy:${lb.id}`, reason, licence: null },
      record: { loadBalancer: lb, floatingIp: null, ready: ready('False', 'Adopting', reason) },
      notices: [],
    };
  }
  const last = steps.actions.length === 1 && steps.actions[0]?.kind === 'tagLoadBalancer';
  const message = last
    ? `adopting kuryr-kubernetes's load balancer ${lb.id}: its children carry our tags; tagging the load balancer`
    : `adopting kuryr-kubernetes's load balancer ${lb.id}: tagging ${steps.actions.length} of its children (every id kept)`;
  const notices: Notice[] = last
    ? [
        {
          type: 'Normal',
          reason: 'KuryrAdoptedLB',
          message: `Adopted kuryr-kubernetes's load balancer ${lb.id} on ${lb.vipAddress}: our ownership tags added, every id and address kept`,
        },
      ]
    : [];
  return {
    ...common,
    actions: steps.actions,
    next: { kind: 'verify', reason: message, licence: null },
    record: { loadBalancer: lb, floatingIp: null, ready: ready('False', 'Adopting', message) },
    notices,
  };
}

/**
 * Release: kuryr's proven load balancer goes with a deleted Service (planned as ours); one that
 * fails the proof is left in OpenStack, and the owner is told. A Service we merely stop serving
 * keeps kuryr's load balancer and its record: the release waits for a human.
 */
function decideReleaseOf(
  input: DecisionInput,
  intent: ReleaseIntent,
  seen: { readonly adoption: AdoptionInput; readonly judgement: AdoptionJudgement; readonly view: Observed },
): Decision {
  const { adoption, judgement, view } = seen;
  if (judgement.kind === 'none') return decideRelease(input, intent, view);
  if (judgement.kind === 'adopt' && adoption.evidence.serviceDeleted)
    return decideRelease(input, intent, view);
  const released = decideRelease(input, intent, adoption.observed);
  if (judgement.kind === 'refused') {
    const message = `${refusalMessage(judgement)} (not deleted with the Service)`;
    const warning: Notice = { type: 'Warning', reason: 'KuryrAdoptionRefused', message };
    return { ...released, notices: [...released.notices, warning] };
  }
  const message = `kuryr-kubernetes's load balancer ${judgement.loadBalancer.id} serves this Service, which kuryr-services does not serve: left as it is, with its record; delete it or serve the Service again`;
  if (released.next.kind !== 'released') return released;
  return {
    ...released,
    next: { kind: 'blocked', reason: message },
    notices: [...released.notices, { type: 'Warning', reason: 'KuryrLoadBalancerKept', message }],
  };
}

function ready(status: 'True' | 'False', reason: string, message: string): ConditionSpec {
  return { type: 'Ready', status, reason, message };
}

function conflictNotices(planned: PlanOutcome): Notice[] {
  const conflicts: Notice[] = planned.conflicts.map((what) => ({
    type: 'Warning',
    reason: 'KuryrOwnershipConflict',
    message: `${what} carries this cluster's id but another cluster's writer identity: two clusters share one [kuryr_services] cluster_id; not touching it`,
  }));
  const immutable: Notice[] = planned.immutable.map((message) => ({
    type: 'Warning',
    reason: 'KuryrImmutableOption',
    message,
  }));
  return [...conflicts, ...immutable];
}

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
    next: { kind: 'converged' },
    record,
    ingress,
    progress,
    notices: [...v.notices, ...announce],
  };
}

type ReleaseIntent = Extract<Intent, { kind: 'release' }>;

const FIP_RELEASES = new Set(['disassociateFloatingIp', 'deleteFloatingIp', 'disownFloatingIp']);

/**
 * True when, once the release plan's actions are done, only load balancer deletes are left:
 * every action deletes a load balancer or releases a floating IP, and each floating IP of ours
 * is deleted or disowned by one of them (none stays ours).
 */
function onlyDeletesLeftAfter(
  planned: PlanOutcome,
  observed: Observed,
  owned: (tags: readonly string[]) => boolean,
): boolean {
  const { actions } = planned;
  if (!actions.every((a) => a.kind === 'deleteLoadBalancer' || FIP_RELEASES.has(a.kind))) return false;
  const released = new Set(
    actions.flatMap((a) =>
      a.kind === 'deleteFloatingIp' || a.kind === 'disownFloatingIp' ? [a.floatingIpId] : [],
    ),
  );
  return observed.floatingIps.every((f) => !owned(f.tags) || released.has(f.id));
}

function decideRelease(input: DecisionInput, intent: ReleaseIntent, observed: Observed): Decision {
  const planned = plan({
    service: input.service,
    owner: input.owner,
    desired: null,
    observed,
    keep: intent.keep,
  });
  const notices = conflictNotices(planned);
  const owned = (tags: readonly string[]): boolean => isOwnedForService(tags, input.owner, input.service);
  const fipsLeft = observed.floatingIps.filter((f) => owned(f.tags)).length;
  const base = { record: null, progress: input.progress, notices };
  if (planned.actions.length === 0 && planned.owned.length === 0 && fipsLeft === 0) {
    return { ...base, actions: [], next: { kind: 'released' }, ingress: [] };
  }
  const deleted = planned.actions.flatMap((a) => (a.kind === 'deleteLoadBalancer' ? [a.loadBalancerId] : []));
  const vanishing = planned.owned.filter((lb) => isVanishing(lb.provisioningStatus)).map((lb) => lb.id);
  const going = [...new Set([...vanishing, ...deleted])];
  const onlyDeletes = onlyDeletesLeftAfter(planned, observed, owned);
  const licence = releaseLicence(going, onlyDeletes && planned.wait === null);
  if (planned.actions.length > 0 && licence === null) {
    return {
      ...base,
      actions: planned.actions,
      next: { kind: 'verify', reason: 'verifying releases', licence },
      ingress: null,
    };
  }
  const waitingOn = planned.wait?.loadBalancerId ?? going.join(',');
  const reason = planned.wait?.reason ?? `load balancer(s) ${going.join(', ')} being deleted`;
  const next: Next = { kind: 'wait', token: `deleting:${waitingOn}`, reason, licence };
  return { ...base, actions: planned.actions, next, ingress: null };
}
