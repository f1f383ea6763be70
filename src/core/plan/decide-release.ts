/**
 * The release decision of a pass (decide.ts): plan the deletes of what this Service owns, then
 * wait on what is vanishing with a licence, or report the Service released. Pure.
 */
import type { Observed } from '../model.js';
import { isOwnedForService } from '../ownership.js';
import type { Decision, DecisionInput, Intent, Next, Notice } from './decision.js';
import { releaseLicence } from './licence.js';
import { isVanishing } from './load-balancers.js';
import { plan, type PlanOutcome } from './plan.js';

/** Warnings for what the plan would not touch: another cluster's object, an immutable option. */
export function conflictNotices(planned: PlanOutcome): Notice[] {
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

export function decideRelease(input: DecisionInput, intent: ReleaseIntent, observed: Observed): Decision {
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
