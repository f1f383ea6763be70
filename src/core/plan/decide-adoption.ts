/**
 * The decisions of a pass that meets kuryr-kubernetes's load balancer (adoption.ts): refused
 * (nothing written, the owner told why), adopting (the tagging writes, in order), and a
 * release that deletes kuryr's tree only with a deleted Service. Pure; decide.ts calls them.
 */
import type { DesiredLoadBalancer, Observed } from '../model.js';
import { adoptionSteps } from './adoption-steps.js';
import { NO_EVIDENCE, type AdoptionInput, type AdoptionJudgement } from './adoption.js';
import { readyCondition, type Decision, type DecisionInput, type Notice } from './decision.js';

export function adoptionInput(input: DecisionInput, observed: Observed): AdoptionInput {
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
export function refused(input: DecisionInput, judgement: Refusal): Decision {
  const message = refusalMessage(judgement);
  return {
    actions: [],
    next: { kind: 'blocked', reason: message },
    record: {
      loadBalancer: null,
      floatingIp: null,
      ready: readyCondition('False', 'AdoptionRefused', message),
    },
    ingress: null,
    progress: input.progress,
    notices: [{ type: 'Warning', reason: 'KuryrAdoptionRefused', message }],
  };
}

/** Ensure with kuryr's proven load balancer not yet tagged: the adoption writes, in order. */
export function adopting(
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
      record: { loadBalancer: lb, floatingIp: null, ready: readyCondition('False', 'Adopting', reason) },
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
    record: { loadBalancer: lb, floatingIp: null, ready: readyCondition('False', 'Adopting', message) },
    notices,
  };
}

/**
 * Release: kuryr's proven load balancer goes with a deleted Service (planned as ours); one that
 * fails the proof is left in OpenStack, and the owner is told. A Service we merely stop serving
 * keeps kuryr's load balancer and its record: the release waits for a human.
 */
export function releaseWithKuryr(
  release: (observed: Observed) => Decision,
  seen: { readonly adoption: AdoptionInput; readonly judgement: AdoptionJudgement; readonly view: Observed },
): Decision {
  const { adoption, judgement, view } = seen;
  if (judgement.kind === 'none') return release(view);
  if (judgement.kind === 'adopt' && adoption.evidence.serviceDeleted) return release(view);
  const released = release(adoption.observed);
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
