/**
 * Which of the Service's owned load balancers is "the" one, and which must go. Pure.
 *
 * A load balancer qualifies when it carries the current Service uid, holds the desired VIP
 * (address and subnet), runs on the desired provider and is neither in ERROR nor being
 * deleted. Among several qualifying ones (duplicates left by a crash between a create and
 * its observation) the ACTIVE one with the lowest id is kept.
 */
import type { DesiredLoadBalancer, ObservedLoadBalancer, ProvisioningStatus } from '../model.js';
import type { PlanWait } from './actions.js';
import { uidFromTags } from '../ownership.js';

/** An owned load balancer the plan wants gone, and why. */
export interface LoadBalancerDeletion {
  readonly loadBalancer: ObservedLoadBalancer;
  readonly reason: string;
}

/** The outcome of sorting the owned load balancers. */
export interface LoadBalancerSelection {
  /** The load balancer to converge, or null when one must be created. */
  readonly kept: ObservedLoadBalancer | null;
  /** Owned load balancers to delete (some may be busy: see `isBusy`). */
  readonly deletions: readonly LoadBalancerDeletion[];
  /** Owned load balancers already going away (PENDING_DELETE / DELETED): never re-deleted. */
  readonly vanishing: readonly ObservedLoadBalancer[];
}

/** Octavia answers 409 to any write on a load balancer in these states. */
export function isBusy(status: ProvisioningStatus): boolean {
  return status === 'PENDING_CREATE' || status === 'PENDING_UPDATE';
}

/** True for a load balancer Octavia is already removing. */
export function isVanishing(status: ProvisioningStatus): boolean {
  return status === 'PENDING_DELETE' || status === 'DELETED';
}

/** Octavia's `octavia` provider is an alias of `amphora`. */
function providerName(provider: string): string {
  return provider === 'octavia' ? 'amphora' : provider;
}

/** Why `lb` cannot be the Service's load balancer, or null when it qualifies. */
export function disqualification(
  lb: ObservedLoadBalancer,
  desired: DesiredLoadBalancer | null,
): string | null {
  if (desired === null) return 'Service no longer wants a load balancer';
  const uid = uidFromTags(lb.tags);
  if (uid !== desired.service.uid) return `previous incarnation (uid ${uid ?? 'unknown'})`;
  if (lb.provisioningStatus === 'ERROR') return 'in ERROR';
  if (lb.vipSubnetId !== desired.vipSubnetId) {
    return `VIP subnet changed ${lb.vipSubnetId} → ${desired.vipSubnetId}`;
  }
  if (lb.vipAddress !== desired.vipAddress) return `VIP changed ${lb.vipAddress} → ${desired.vipAddress}`;
  if (providerName(lb.provider) !== providerName(desired.provider)) {
    return `provider changed ${lb.provider} → ${desired.provider}`;
  }
  return null;
}

function byId(a: { readonly id: string }, b: { readonly id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** ACTIVE first, then the lowest id: the deterministic survivor among duplicates. */
function keepOrder(a: ObservedLoadBalancer, b: ObservedLoadBalancer): number {
  const activeA = a.provisioningStatus === 'ACTIVE' ? 0 : 1;
  const activeB = b.provisioningStatus === 'ACTIVE' ? 0 : 1;
  return activeA - activeB || byId(a, b);
}

/**
 * Sorts the Service's owned load balancers into the kept one, deletions and the vanishing.
 * `condemned` names load balancers that must be replaced whatever they look like (id →
 * why, e.g. children stuck PENDING_* past the limit).
 */
export function selectLoadBalancers(
  owned: readonly ObservedLoadBalancer[],
  desired: DesiredLoadBalancer | null,
  condemned: ReadonlyMap<string, string> = new Map(),
): LoadBalancerSelection {
  const deletions: LoadBalancerDeletion[] = [];
  const vanishing: ObservedLoadBalancer[] = [];
  const candidates: ObservedLoadBalancer[] = [];
  for (const lb of [...owned].sort(byId)) {
    if (isVanishing(lb.provisioningStatus)) {
      vanishing.push(lb);
      continue;
    }
    const reason = condemned.get(lb.id) ?? disqualification(lb, desired);
    if (reason === null) candidates.push(lb);
    else deletions.push({ loadBalancer: lb, reason });
  }
  const [kept, ...duplicates] = candidates.sort(keepOrder);
  for (const lb of duplicates) {
    deletions.push({ loadBalancer: lb, reason: `duplicate of ${kept?.id ?? 'another load balancer'}` });
  }
  deletions.sort((a, b) => byId(a.loadBalancer, b.loadBalancer));
  return { kept: kept ?? null, deletions, vanishing };
}

/**
 * When no load balancer is kept, an owned one that is going away may still hold the desired
 * VIP: Neutron refuses a second port with that address until Octavia has removed the old
 * VIP port, so the create must wait. Returns that wait, or null.
 */
export function vipHolderWait(
  selection: LoadBalancerSelection,
  desired: DesiredLoadBalancer,
): PlanWait | null {
  const goingAway = [
    ...selection.deletions.map((d) => d.loadBalancer),
    ...selection.vanishing.filter((lb) => lb.provisioningStatus !== 'DELETED'),
  ].sort(byId);
  const holder = goingAway.find(
    (lb) => lb.vipAddress === desired.vipAddress && lb.vipSubnetId === desired.vipSubnetId,
  );
  if (holder === undefined) return null;
  return {
    loadBalancerId: holder.id,
    reason: `VIP ${desired.vipAddress} is still held by load balancer ${holder.id}, which is being deleted`,
  };
}
