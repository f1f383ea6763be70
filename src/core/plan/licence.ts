/**
 * Light passes: while the load balancers a pass left busy are still busy, one GET of each
 * stands in for the full observation (≈9 reads), and the decision is taken on those heads.
 *
 * When is that sound? Only when the full plan could not act anyway. The plan is a pure
 * function of (desired, observed). A pass grants a licence only if, from what it observed,
 * the plan's next outcome is "no action, wait" for as long as the named load balancers stay
 * busy:
 * - ensure: the desired state is the same (the licence is bound to a fingerprint of the
 *   desired load balancer; any Service, slice or context change that alters it fails the
 *   match and that pass observes in full); the kept load balancer is busy, so Octavia refuses
 *   every write under it (409) and the plan emits none; nothing else was left to do: every
 *   planned Octavia write targets the kept load balancer, and no other owned load balancer
 *   awaits a delete (each is already going away);
 * - release: desired is "nothing" and stays so, the pass left only load balancer deletes
 *   (no floating IP of ours remains), and nothing of ours can appear for the key meanwhile,
 *   as only an ensure creates objects;
 * - no stuck-children recovery is under way.
 * The plan may then still differ only through changes made by others (drift: a floating IP
 * detached by hand); those are seen by the full observation that follows as soon as the load
 * balancer leaves PENDING_*, at most one capped poll delay later.
 */
import { digestHex } from '../digest.js';
import type { DesiredLoadBalancer, ObservedLoadBalancer } from '../model.js';
import { isOwnedForService, type Owner } from '../ownership.js';
import type { Action } from './actions.js';
import { isOctaviaWrite } from './actions.js';
import type { HeadAnswer, Licence, Next } from './decision.js';
import { isBusy, isVanishing } from './load-balancers.js';
import { octaviaTargetId } from './targets.js';

/** A stable fingerprint of the desired load balancer (what an ensure licence is bound to). */
export function fingerprintOf(desired: DesiredLoadBalancer): string {
  return digestHex(JSON.stringify(desired));
}

/** What granting an ensure licence looks at. */
export interface EnsureLicenceView {
  readonly desired: DesiredLoadBalancer;
  readonly kept: ObservedLoadBalancer;
  /** Every owned load balancer of the Service. */
  readonly owned: readonly ObservedLoadBalancer[];
  readonly actions: readonly Action[];
}

/**
 * What the kept load balancer is probably doing until the next pass, which says which shared
 * list may answer its polls (src/openstack/heads.ts): being created, or being updated (it is,
 * or this pass writes under it and so turns it PENDING_UPDATE).
 */
function busyWith(
  kept: ObservedLoadBalancer,
  actions: readonly Action[],
): { readonly creating?: true; readonly updating?: true } {
  if (kept.provisioningStatus === 'PENDING_CREATE') return { creating: true };
  const writesUnder = actions.some((a) => isOctaviaWrite(a) && octaviaTargetId(a) === kept.id);
  const updating =
    kept.provisioningStatus === 'PENDING_UPDATE' || (kept.provisioningStatus === 'ACTIVE' && writesUnder);
  return updating ? { updating: true } : {};
}

/** The ensure licence for the kept load balancer, or null (see the module comment). */
export function ensureLicence(view: EnsureLicenceView): Licence | null {
  const { kept } = view;
  const deleted = new Set(
    view.actions.flatMap((a) => (a.kind === 'deleteLoadBalancer' ? [a.loadBalancerId] : [])),
  );
  const othersGone = view.owned
    .filter((lb) => lb.id !== kept.id)
    .every((lb) => isVanishing(lb.provisioningStatus) || deleted.has(lb.id));
  const onlyKept = view.actions
    .filter((a) => isOctaviaWrite(a) && a.kind !== 'deleteLoadBalancer')
    .every((a) => octaviaTargetId(a) === kept.id);
  if (!othersGone || !onlyKept) return null;
  return {
    mode: 'ensure',
    fingerprint: fingerprintOf(view.desired),
    loadBalancerIds: [kept.id],
    ...busyWith(kept, view.actions),
  };
}

/**
 * The ensure licence of a pass that creates the Service's load balancer: bound to no id yet
 * (settle.ts binds it to the id the create answered, or drops it). Sound as ensureLicence is:
 * the new load balancer is PENDING_CREATE, so Octavia refuses every write under it; every
 * other Octavia write of the pass deletes another owned load balancer, and the others are
 * going away; the Neutron actions of the pass (floating IP releases and attaches) are done
 * when the licence survives settle. Null when the pass does not create.
 */
export function creatingLicence(view: Omit<EnsureLicenceView, 'kept'>): Licence | null {
  if (!view.actions.some((a) => a.kind === 'createLoadBalancer')) return null;
  const deleted = new Set(
    view.actions.flatMap((a) => (a.kind === 'deleteLoadBalancer' ? [a.loadBalancerId] : [])),
  );
  const othersGone = view.owned.every((lb) => isVanishing(lb.provisioningStatus) || deleted.has(lb.id));
  const onlyCreate = view.actions
    .filter((a) => isOctaviaWrite(a) && a.kind !== 'deleteLoadBalancer')
    .every((a) => a.kind === 'createLoadBalancer');
  if (!othersGone || !onlyCreate) return null;
  return { mode: 'ensure', fingerprint: fingerprintOf(view.desired), loadBalancerIds: [], creating: true };
}

/** The release licence over `going` (load balancers being deleted), or null. */
export function releaseLicence(going: readonly string[], onlyDeletesLeft: boolean): Licence | null {
  if (going.length === 0 || !onlyDeletesLeft) return null;
  return { mode: 'release', fingerprint: '', loadBalancerIds: [...going].sort(), deleting: true };
}

/**
 * How long a release stands for the passes of its key once the Service is gone. Removing the
 * finalizer deletes the Service, and with it (garbage collection, the EndpointSlice
 * controller) its record and slices: each watch event brings the key back within moments, and
 * each such pass would only observe again what the release has just seen: nothing of ours.
 * Only an ensure pass creates objects, none runs for a Service that is gone, and any pass of
 * the key that is not resting on the release (an ensure, a throw) replaces or drops it.
 */
export const RELEASED_TRUST_MS = 60_000;

/** The licence a finished release leaves: the passes within RELEASED_TRUST_MS may rest on it. */
export function releasedLicence(now: number): Licence {
  return { mode: 'release', fingerprint: '', loadBalancerIds: [], releasedAt: now };
}

/**
 * True when `licence` says the key was released less than RELEASED_TRUST_MS ago, so a pass
 * for a Service now gone (caches synced, a live 404) may end without observing, and keep the
 * licence as it is (it expires RELEASED_TRUST_MS after the release, however often it is used).
 * A pass the orphan sweep queues starts without it: the sweep has just seen objects of the key.
 */
export function releasedRecently(licence: Licence | null, now: number): boolean {
  const at = licence?.mode === 'release' ? licence.releasedAt : undefined;
  return at !== undefined && now - at >= 0 && now - at < RELEASED_TRUST_MS;
}

/** What deciding on heads needs. */
export interface HeadsView {
  readonly licence: Licence | null;
  readonly heads: readonly HeadAnswer[];
  /** The desired load balancer (ensure) or null (release). */
  readonly desired: DesiredLoadBalancer | null;
  readonly owner: Owner;
}

const OBSERVE: Next = { kind: 'observe' };

/** Ensure: still waiting on the one licensed load balancer, or observe. */
function ensureFromHeads(view: HeadsView, licence: Licence, desired: DesiredLoadBalancer): Next {
  const head = view.heads[0]?.head ?? null;
  if (licence.mode !== 'ensure' || licence.fingerprint !== fingerprintOf(desired) || head === null)
    return OBSERVE;
  const ours = isOwnedForService(head.tags, view.owner, desired.service) && head.name === desired.name;
  if (!ours || !isBusy(head.provisioningStatus)) return OBSERVE;
  const reason = `load balancer ${head.id} is ${head.provisioningStatus}`;
  return { kind: 'wait', token: `busy:${head.id}`, reason, licence };
}

/**
 * Release: still waiting while every licensed load balancer left is going away; released once
 * all answer 404 (the licence was granted when nothing else of ours was left, and only an
 * ensure creates objects); else observe.
 */
function releaseFromHeads(view: HeadsView, licence: Licence): Next {
  if (licence.mode !== 'release') return OBSERVE;
  const still = view.heads.flatMap((a) => (a.head === null ? [] : [a.head]));
  if (still.length === 0) return view.heads.length > 0 ? { kind: 'released' } : OBSERVE;
  if (!still.every((h) => isVanishing(h.provisioningStatus))) return OBSERVE;
  const ids = still.map((h) => h.id).sort();
  const reason = `load balancer(s) ${ids.join(', ')} being deleted`;
  return {
    kind: 'wait',
    token: `deleting:${ids.join(',')}`,
    reason,
    licence: { ...licence, loadBalancerIds: ids },
  };
}

/** The next step from a light observation: keep waiting on the licence, or observe in full. */
export function nextFromHeads(view: HeadsView): Next {
  const { licence, desired } = view;
  if (licence === null) return OBSERVE;
  return desired === null ? releaseFromHeads(view, licence) : ensureFromHeads(view, licence, desired);
}
