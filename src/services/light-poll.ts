/**
 * The light poll: while the load balancer a previous pass left busy is still
 * PENDING_CREATE/PENDING_UPDATE, one GET of it stands in for the full observation (≈9
 * reads) and the plan, and the key is requeued with the growing delay.
 *
 * When may the plan be skipped? Only when it could not act anyway. The plan is a pure
 * function of (desired, observed). A pass grants a licence only if, from what it observed,
 * the plan's next outcome is "no action, wait" for as long as the kept load balancer stays
 * busy:
 * - the desired state is the same: the licence is bound to a fingerprint of the desired load
 *   balancer (ports, members, VIP, floating IP intent, uid...). Any Service, slice or context
 *   change that alters it (a Service update enqueues the key at once) fails the match, and
 *   that pass observes and plans in full, so no needed write is hidden;
 * - the kept load balancer is busy: Octavia refuses every write under it (409) and `plan`
 *   emits none (`planKept` waits), whatever its children look like;
 * - nothing else was left to do: no action of the pass was deferred except Octavia writes
 *   on that same busy load balancer; floating IP (Neutron) actions, which the plan could run
 *   while it is busy, were all carried out, so planning again finds them done; and no other
 *   owned load balancer awaits a delete (each is already going away or was deleted by this
 *   pass), so the plan has no delete to send when that one becomes free;
 * - no stuck-children recovery is under way (it rewrites the observation for the plan).
 * The plan may then still differ only through changes made by others (drift: a floating IP
 * detached by hand, a user's floating IP appearing); those are seen by the full observation
 * that follows as soon as the load balancer leaves PENDING_*, at most one capped delay later.
 */
import type { Action, Plan } from '../core/plan/actions.js';
import { isOctaviaWrite } from '../core/plan/actions.js';
import { digestHex } from '../core/digest.js';
import type { DesiredLoadBalancer, Observed, ObservedLoadBalancer, ServiceRef } from '../core/model.js';
import { isOwnedForService } from '../core/ownership.js';
import { isBusy, isVanishing } from '../core/plan/load-balancers.js';
import { requeueAfter, type Result } from '../engine/result.js';
import type { ReconcilerDeps } from './deps.js';
import type { ExecuteOutcome } from './ports.js';
import type { PendingMemory } from './pending.js';

/** A stable fingerprint of the desired load balancer (what a licence is bound to). Pure. */
export function desiredFingerprint(desired: DesiredLoadBalancer): string {
  return digestHex(JSON.stringify(desired));
}

/** What a light poll needs. */
export interface LightPollInput {
  readonly service: ServiceRef;
  readonly name: string;
  /** The load balancer id recorded in the KuryrLoadBalancer status, if any. */
  readonly hintId: string | undefined;
  readonly fingerprint: string;
  readonly memory: PendingMemory;
  readonly signal: AbortSignal;
}

/**
 * One GET of the licensed load balancer: a requeue when it is still busy, or null when the
 * caller must observe in full (no licence, 404, not ours, or no longer busy).
 */
export async function lightPoll(deps: ReconcilerDeps, input: LightPollInput): Promise<Result | null> {
  if (input.hintId === undefined) return null;
  const query = { hintId: input.hintId, fingerprint: input.fingerprint };
  const target = input.memory.lightPollTarget(input.name, query, deps.now(), deps.timing);
  if (target === null) return null;
  const lb = await deps.cloud.getLoadBalancer(target, input.signal);
  if (lb === null || !isBusy(lb.provisioningStatus)) return null;
  if (!isOwnedForService(lb.tags, deps.clusterId, input.service) || lb.name !== input.name) return null;
  const ms = input.memory.stillBusy(input.name, deps.now(), deps.timing);
  return requeueAfter(ms, `load balancer ${lb.id} is ${lb.provisioningStatus}`);
}

/** A pass's view for granting a licence (see the module comment). */
export interface LicenceView {
  readonly observed: Observed;
  readonly kept: ObservedLoadBalancer | null;
  readonly recovering: boolean;
  readonly clusterId: string;
  readonly service: ServiceRef;
}

function targetOf(action: Action): string | null {
  return 'loadBalancerId' in action ? action.loadBalancerId : null;
}

/** Every owned load balancer but `kept` is going away (or was just deleted). */
function othersGone(view: LicenceView, kept: ObservedLoadBalancer, deleted: ReadonlySet<string>): boolean {
  return view.observed.loadBalancers
    .filter((lb) => lb.id !== kept.id && isOwnedForService(lb.tags, view.clusterId, view.service))
    .every((lb) => isVanishing(lb.provisioningStatus) || deleted.has(lb.id));
}

/** A pass that planned nothing and waits: licensed iff it waits on the busy kept load balancer alone. */
export function licensedAfterWait(view: LicenceView, plan: Plan): boolean {
  const { kept } = view;
  if (kept === null || view.recovering || plan.actions.length > 0) return false;
  if (!isBusy(kept.provisioningStatus) || plan.wait?.loadBalancerId !== kept.id) return false;
  return othersGone(view, kept, new Set());
}

/** A pass that wrote: licensed iff it wrote to the kept load balancer and left only writes on it. */
export function licensedAfterWrite(view: LicenceView, outcome: ExecuteOutcome): boolean {
  const { kept } = view;
  if (kept === null || view.recovering) return false;
  const onKept = (a: Action): boolean => isOctaviaWrite(a) && targetOf(a) === kept.id;
  if (!outcome.done.some(onKept) || !outcome.deferred.every(onKept)) return false;
  const deleted = new Set(
    outcome.done.flatMap((a) => (a.kind === 'deleteLoadBalancer' ? [a.loadBalancerId] : [])),
  );
  return othersGone(view, kept, deleted);
}
