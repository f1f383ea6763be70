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

function poolAttach(input: FloatingIpInput, kept: ObservedFloatingIp | null): Action[] {
  const desired = input.desired;
  const intent = desired?.floatingIp ?? null;
  if (desired === null || intent?.method !== 'pool' || input.target === null) return [];
  if (kept !== null) {
    const tag: Action[] =
      kept.tagsMissing === true ? [{ kind: 'tagFloatingIp', floatingIpId: kept.id, tags: desired.tags }] : [];
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
      tags: desired.tags,
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
  const deletions: Action[] = owned
    .filter((fip) => fip.id !== kept?.id)
    .map((fip) => ({ kind: 'deleteFloatingIp', floatingIpId: fip.id }));
  return {
    releases: [...disassociations, ...deletions],
    attaches: [...poolAttach(input, kept), ...userAttach(input, ourPorts)],
  };
}
