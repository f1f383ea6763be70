/**
 * Floating IP actions for one Service. Pure.
 *
 * Rules:
 * - Owned floating IPs (ownership tags for this Service, any incarnation) were created by
 *   the Pool method. With a Pool intent one of them is kept (the one already on the target
 *   port, else the lowest id, on the desired network) and associated to the target port, so
 *   the external address survives a load balancer re-creation; the others are deleted.
 *   With a User intent or no intent, they are all deleted (Octavia never deletes them).
 * - A floating IP without our tags is a user's. It is never deleted. The one named by
 *   `loadBalancerIP` (`observed.userFloatingIp`) is associated to the target port when it
 *   is free or points at a VIP port of an owned load balancer; one pointing at any other
 *   port is not stolen. Any other untagged floating IP pointing at a VIP port of an owned
 *   load balancer is one we attached for an earlier intent (or one a user attached by hand
 *   to our port): it is disassociated. For this, the observer must return in
 *   `observed.floatingIps` every floating IP whose port is the VIP port of an owned load
 *   balancer, tagged or not.
 * - Releases (disassociate, delete) are explicit even when the load balancer is deleted in
 *   the same plan: its VIP port vanishes only when Octavia finishes the asynchronous delete,
 *   and a released floating IP must not stay pointing at it meanwhile.
 */
import type { Action, PortRef } from './actions.js';
import type { DesiredLoadBalancer, ObservedFloatingIp, ObservedLoadBalancer } from '../model.js';
import { isOwnershipTag, KEEP_TAG } from '../ownership.js';

/** Floating IPs a release must not delete (see the module comment). */
export interface KeepRules {
  /** Addresses a user named (`spec.loadBalancerIP`). */
  readonly addresses: readonly string[];
  /** The Service asks to keep its Pool floating IP (`loadbalancer.openstack.org/keep-floatingip`). */
  readonly poolFloatingIps: boolean;
}

/** No floating IP is kept beyond the tag rules (an orphan: nothing is known of the Service). */
export const KEEP_NOTHING: KeepRules = { addresses: [], poolFloatingIps: false };

/** Arguments of `planFloatingIps`. */
export interface FloatingIpInput {
  readonly desired: DesiredLoadBalancer | null;
  /** Every floating IP observed (the tagged ones, those on our ports, the user's), unique by id. */
  readonly floatingIps: readonly ObservedFloatingIp[];
  readonly userFloatingIp: ObservedFloatingIp | null;
  /** Every owned load balancer, whatever its state. */
  readonly ownedLoadBalancers: readonly ObservedLoadBalancer[];
  /** Where the Service's floating IP should point now; null when no port can be named yet. */
  readonly target: PortRef | null;
  readonly isOwned: (tags: readonly string[]) => boolean;
  readonly keep: KeepRules;
}

/** Releases run before load balancer deletes, attaches after the load balancer create. */
export interface FloatingIpActions {
  readonly releases: readonly Action[];
  readonly attaches: readonly Action[];
}

function byId(a: { readonly id: string }, b: { readonly id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function pointsAt(fip: ObservedFloatingIp, target: PortRef | null): boolean {
  return target !== null && target.kind === 'port' && fip.portId === target.portId;
}

/** The user's floating IP when the desired intent is User and it was found. */
function wantedUserFip(input: FloatingIpInput): ObservedFloatingIp | null {
  const intent = input.desired?.floatingIp ?? null;
  if (intent?.method !== 'user' || input.userFloatingIp === null) return null;
  return input.userFloatingIp.address === intent.address ? input.userFloatingIp : null;
}

/** The owned floating IP kept for a Pool intent, or null. */
function keptPoolFip(
  input: FloatingIpInput,
  owned: readonly ObservedFloatingIp[],
): ObservedFloatingIp | null {
  const intent = input.desired?.floatingIp ?? null;
  if (intent?.method !== 'pool') return null;
  const onNetwork = owned.filter((fip) => fip.networkId === intent.networkId);
  return onNetwork.find((fip) => pointsAt(fip, input.target)) ?? onNetwork[0] ?? null;
}

/** The tags the kept Pool floating IP should carry. */
function poolTags(input: FloatingIpInput, desired: DesiredLoadBalancer): readonly string[] {
  return input.keep.poolFloatingIps ? [...desired.tags, KEEP_TAG] : desired.tags;
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

/** Removes our claim on `fip`: our tags go, the description marker is cleared. */
export function disown(fip: ObservedFloatingIp): Action {
  const tags = fip.tagsMissing === true ? [] : fip.tags.filter((t) => !isOwnershipTag(t));
  return { kind: 'disownFloatingIp', floatingIpId: fip.id, tags };
}

/** Whether an owned floating IP that must go is disowned rather than deleted. */
function isKept(input: FloatingIpInput, fip: ObservedFloatingIp): boolean {
  return (
    input.keep.poolFloatingIps || input.keep.addresses.includes(fip.address) || fip.tags.includes(KEEP_TAG)
  );
}

function poolAttach(input: FloatingIpInput, kept: ObservedFloatingIp | null): Action[] {
  const desired = input.desired;
  const intent = desired?.floatingIp ?? null;
  if (desired === null || intent?.method !== 'pool' || input.target === null) return [];
  if (kept !== null) {
    const wanted = poolTags(input, desired);
    const retag = kept.tagsMissing === true || !sameTags(kept.tags, wanted);
    const tag: Action[] = retag ? [{ kind: 'tagFloatingIp', floatingIpId: kept.id, tags: wanted }] : [];
    return pointsAt(kept, input.target)
      ? tag
      : [...tag, { kind: 'associateFloatingIp', floatingIpId: kept.id, port: input.target }];
  }
  return [
    {
      kind: 'createFloatingIp',
      networkId: intent.networkId,
      ...(intent.subnetId === undefined ? {} : { subnetId: intent.subnetId }),
      port: input.target,
      tags: poolTags(input, desired),
      description: desired.description,
    },
  ];
}

function userAttach(input: FloatingIpInput, ourPorts: ReadonlySet<string>): Action[] {
  const user = wantedUserFip(input);
  if (user === null || input.target === null || pointsAt(user, input.target)) return [];
  if (user.portId !== null && !ourPorts.has(user.portId)) return []; // someone else's: never stolen
  return [{ kind: 'associateFloatingIp', floatingIpId: user.id, port: input.target }];
}

/** The floating IP actions converging the Service's floating IPs; deterministic. */
export function planFloatingIps(input: FloatingIpInput): FloatingIpActions {
  const ourPorts = new Set(
    input.ownedLoadBalancers.flatMap((lb) => (lb.vipPortId === null ? [] : [lb.vipPortId])),
  );
  const user = wantedUserFip(input);
  const all = [...input.floatingIps].sort(byId);
  const owned = all.filter((fip) => input.isOwned(fip.tags) && fip.id !== user?.id);
  const kept = keptPoolFip(input, owned);
  const disassociations: Action[] = all
    .filter(
      (fip) =>
        !input.isOwned(fip.tags) && fip.id !== user?.id && fip.portId !== null && ourPorts.has(fip.portId),
    )
    .map((fip) => ({ kind: 'disassociateFloatingIp', floatingIpId: fip.id }));
  const going = owned.filter((fip) => fip.id !== kept?.id);
  const keptGoing = going.filter((fip) => isKept(input, fip));
  const detachKept: Action[] = keptGoing
    .filter((fip) => fip.portId !== null)
    .map((fip) => ({ kind: 'disassociateFloatingIp', floatingIpId: fip.id }));
  const deletions: Action[] = going
    .filter((fip) => !isKept(input, fip))
    .map((fip) => ({ kind: 'deleteFloatingIp', floatingIpId: fip.id }));
  // The user named one of our addresses: from now on it is theirs.
  const claimed: Action[] = user !== null && input.isOwned(user.tags) ? [disown(user)] : [];
  return {
    releases: [...claimed, ...disassociations, ...detachKept, ...keptGoing.map(disown), ...deletions],
    attaches: [...poolAttach(input, kept), ...userAttach(input, ourPorts)],
  };
}
