/**
 * Settled licences (docs/adr/0017): a resync of a converged Service decided on the resync's
 * shared lists (every load balancer and floating IP of this cluster, paged) instead of a full
 * observation of its own, so a resync reads O(pages), not O(Services).
 *
 * What makes "the lists show the same versions" enough to say "nothing changed":
 * - Octavia rewrites a load balancer's `updated_at` on every write under it (each passes
 *   through PENDING_UPDATE and back to ACTIVE); Neutron bumps a floating IP's
 *   `revision_number` on every change, tags included.
 * - `updated_at` has one-second resolution, so a write in the same second as the one a
 *   full observation saw could hide behind an equal value. A seal is therefore usable only
 *   once confirmed: a second full observation, started at least `confirmAfterMs` after the
 *   first, saw the same versions converged; any later write is at least that much younger
 *   and carries another `updated_at`. The same wait covers a killed process's write landing
 *   late (an untagged floating IP only the description marker names, ADR 0005 addendum):
 *   the confirming full observation asks the marker query.
 * - The lists carry every status and every object with the Service's tag: a second load
 *   balancer or floating IP of ours (a late create, a conflict) differs from the seal.
 * - Not sealed: a user's floating IP (`spec.loadBalancerIP`; the user's object need not
 *   carry our tags, so the lists may not show it), VIP port security groups (the port is not
 *   in the lists), a floating IP without our tags, an observation without versions.
 * - Bounds: the desired state (and keep rules) must be unchanged, the record must say Ready,
 *   and a full observation happens at least every `maxAgeMs` whatever the lists show (what
 *   the lists cannot see: a foreign floating IP attached to the VIP port by hand).
 * Pure.
 */
import { digestHex } from '../digest.js';
import type { DesiredLoadBalancer, Observed, ObservedLoadBalancer } from '../model.js';
import { clusterTag, OWNER_TAG, serviceTag, type Owner } from '../ownership.js';
import type { KeepRules } from './floating-ips.js';
import type { Licence, Next, SettledSeal, SettledTiming, SettledView } from './decision.js';

/** The settled defaults: confirmed a minute after the first sight, observed in full at least hourly. */
export const SETTLED_TIMING: SettledTiming = { confirmAfterMs: 60_000, maxAgeMs: 3_600_000 };

/** The fingerprint of a settled licence: the desired load balancer and the keep rules. */
export function settledFingerprint(desired: DesiredLoadBalancer, keep: KeepRules): string {
  return digestHex(JSON.stringify([desired, keep]));
}

/** What granting a settled licence looks at: a converged full observation. */
export interface SettledGrant {
  readonly desired: DesiredLoadBalancer;
  readonly keep: KeepRules;
  readonly observed: Observed;
  readonly kept: ObservedLoadBalancer;
  readonly owner: Owner;
  readonly ingress: readonly string[];
  /** The licence the pass came with (a settled one continues its seal). */
  readonly previous: Licence | null;
  /** When the full observation started (ms). */
  readonly now: number;
  readonly timing: SettledTiming;
}

function carriesOurServiceTag(tags: readonly string[], owner: Owner, desired: DesiredLoadBalancer): boolean {
  return (
    tags.includes(OWNER_TAG) &&
    tags.includes(clusterTag(owner.clusterId)) &&
    tags.includes(serviceTag(desired.service))
  );
}

/** The seal's floating IP entries, or null when one cannot be sealed. */
function sealedFloatingIps(g: SettledGrant): string[] | null {
  const out: string[] = [];
  for (const fip of g.observed.floatingIps) {
    if (fip.tagsMissing === true || fip.revision === undefined) return null;
    if (!carriesOurServiceTag(fip.tags, g.owner, g.desired)) return null;
    out.push(`${fip.id}@${fip.revision}`);
  }
  return [...new Set(out)].sort();
}

/** True when the converged observation can be sealed at all (see the module comment). */
function sealable(g: SettledGrant): boolean {
  const { desired, kept, observed } = g;
  if (desired.floatingIp?.method === 'user' || desired.vipSecurityGroupIds !== undefined) return false;
  if (observed.userFloatingIp !== undefined || kept.version === undefined) return false;
  const tagged = observed.loadBalancers.filter((lb) => carriesOurServiceTag(lb.tags, g.owner, desired));
  return tagged.length === 1 && tagged[0]?.id === kept.id && kept.provisioningStatus === 'ACTIVE';
}

/** The previous seal when it saw exactly what this observation sees, else null. */
function continuedSeal(
  g: SettledGrant,
  fingerprint: string,
  floatingIps: readonly string[],
): SettledSeal | null {
  const before = g.previous?.mode === 'settled' ? g.previous : null;
  const seal = before?.settled;
  if (before === null || seal === undefined) return null;
  const same =
    before.fingerprint === fingerprint &&
    before.loadBalancerIds[0] === g.kept.id &&
    seal.version === g.kept.version &&
    sameList(seal.floatingIps, floatingIps) &&
    sameList(seal.ingress, g.ingress);
  return same ? seal : null;
}

/** The settled licence a converged pass grants, or null (see the module comment). */
export function settledLicence(g: SettledGrant): Licence | null {
  const version = g.kept.version;
  if (!sealable(g) || version === undefined) return null;
  const floatingIps = sealedFloatingIps(g);
  if (floatingIps === null) return null;
  const fingerprint = settledFingerprint(g.desired, g.keep);
  const previous = continuedSeal(g, fingerprint, floatingIps);
  const since = previous?.since ?? g.now;
  const seal: SettledSeal = {
    version,
    floatingIps,
    ingress: [...g.ingress],
    since,
    observedAt: g.now,
    confirmed: previous?.confirmed === true || g.now - since >= g.timing.confirmAfterMs,
  };
  return { mode: 'settled', fingerprint, loadBalancerIds: [g.kept.id], settled: seal };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** True when `licence` may be checked against the resync's lists now (confirmed, not too old). */
export function settledUsable(licence: Licence | null, now: number, timing: SettledTiming): boolean {
  const seal = licence?.mode === 'settled' ? licence.settled : undefined;
  return seal !== undefined && seal.confirmed && now - seal.observedAt < timing.maxAgeMs;
}

/** What deciding on the resync's lists needs. */
export interface SettledCheck {
  readonly licence: Licence;
  readonly desired: DesiredLoadBalancer;
  readonly keep: KeepRules;
  readonly view: SettledView;
  readonly recordedReady: 'True' | 'False' | null;
  readonly now: number;
  readonly timing: SettledTiming;
}

const OBSERVE: Next = { kind: 'observe' };

/** Still converged on the lists' word (the same licence carries on), or observe in full. */
export function nextFromSettled(c: SettledCheck): Next {
  const { licence, view } = c;
  const seal = licence.settled;
  if (!settledUsable(licence, c.now, c.timing) || seal === undefined) return OBSERVE;
  if (c.recordedReady !== 'True' || licence.fingerprint !== settledFingerprint(c.desired, c.keep))
    return OBSERVE;
  const [lb, ...more] = view.loadBalancers;
  if (lb === undefined || more.length > 0) return OBSERVE;
  if (
    lb.id !== licence.loadBalancerIds[0] ||
    lb.provisioningStatus !== 'ACTIVE' ||
    lb.version !== seal.version
  )
    return OBSERVE;
  const fips = view.floatingIps.map((f) => (f.revision === null ? null : `${f.id}@${f.revision}`));
  if (fips.some((f) => f === null)) return OBSERVE;
  const listed = [...new Set(fips as string[])].sort();
  if (!sameList(listed, seal.floatingIps)) return OBSERVE;
  return { kind: 'converged', licence };
}
