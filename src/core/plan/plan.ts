/**
 * `plan`: desired load balancer vs what OpenStack holds → the ordered single-call writes that
 * converge them, or a wait while a load balancer is busy. Pure: no I/O, clock or logging.
 *
 * Only objects carrying this Service's ownership tags are written to (floating IPs of the
 * user excepted, which are only associated or disassociated; see floating-ips.ts). Objects
 * with our cluster id but another writer (a cluster-id collision) are not ours: never
 * touched, returned in `conflicts` so the caller can report them.
 *
 * Order of the actions:
 *   1. floating IP releases (disassociate, disown, delete) — before the VIP port they use goes away;
 *   2. deletes of owned load balancers (cascade) that are not the Service's load balancer;
 *   3. the create of the load balancer (one fully-populated call, or a bare one on the
 *      step-by-step path), or the writes on the children of the kept one (deletes, creates,
 *      updates, member batches);
 *   4. floating IP attaches (create, associate) — after the VIP port exists.
 *
 * Waits: a kept load balancer in PENDING_CREATE/UPDATE gets no Octavia write this round; an
 * owned load balancer to delete that is PENDING_CREATE/UPDATE is not deleted yet (Octavia
 * would answer 409); a create whose VIP is still held by a load balancer being deleted is
 * postponed. Other actions of the same plan still run. A load balancer already in
 * PENDING_DELETE is never deleted again and blocks nothing else.
 */
import type { Action, Plan, PlanWait, PortRef } from './actions.js';
import type {
  DesiredLoadBalancer,
  Observed,
  ObservedFloatingIp,
  ObservedLoadBalancer,
  ServiceRef,
} from '../model.js';
import { isConflictForService, isOwnedForService, type Owner } from '../ownership.js';
import { KEEP_NOTHING, planFloatingIps, type KeepRules } from './floating-ips.js';
import { immutableDrift } from './immutable.js';
import { planListeners } from './listeners.js';
import { planVipPort } from './vip-port.js';
import {
  isBusy,
  selectLoadBalancers,
  vipHolderWait,
  type LoadBalancerDeletion,
  type LoadBalancerSelection,
} from './load-balancers.js';

/** How a load balancer is created: listeners nested (one call) or a bare load balancer first. */
export type CreatePath = 'fully-populated' | 'step-by-step';

/** What `plan` reconciles: one Service key, its desired load balancer (null = nothing), and what exists. */
export interface PlanInput {
  /** The key being reconciled. */
  readonly service: ServiceRef;
  readonly owner: Owner;
  /** null = the Service should have nothing. */
  readonly desired: DesiredLoadBalancer | null;
  readonly observed: Observed;
  /** Load balancers to replace whatever they look like (id → why); default none. */
  readonly condemned?: ReadonlyMap<string, string>;
  /** How a needed create is sent (default fully-populated). */
  readonly createPath?: CreatePath;
  /** Floating IPs never deleted (default: only the tag rules). */
  readonly keep?: KeepRules;
}

/** The plan and the facts it was made from, for the decision around it. */
export interface PlanOutcome extends Plan {
  /** The owned load balancer converged (null when one must be created, or desired is null). */
  readonly kept: ObservedLoadBalancer | null;
  /** Owned load balancers, whatever their state. */
  readonly owned: readonly ObservedLoadBalancer[];
  /** Objects of this Service carrying our cluster id but another writer (never touched). */
  readonly conflicts: readonly string[];
  /** Why the kept load balancer differs from desired in what Octavia cannot change (immutable.ts). */
  readonly immutable: readonly string[];
}

type Owned = (tags: readonly string[]) => boolean;

/** The Octavia side of a plan: what happens to load balancers, and where floating IPs point. */
interface OctaviaPlan {
  readonly actions: readonly Action[];
  readonly waits: readonly PlanWait[];
  readonly target: PortRef | null;
}

function busyWait(lb: ObservedLoadBalancer, purpose: string): PlanWait {
  return { loadBalancerId: lb.id, reason: `load balancer ${lb.id} is ${lb.provisioningStatus}; ${purpose}` };
}

function planDeletes(deletions: readonly LoadBalancerDeletion[]): OctaviaPlan {
  const actions: Action[] = [];
  const waits: PlanWait[] = [];
  for (const { loadBalancer, reason } of deletions) {
    if (isBusy(loadBalancer.provisioningStatus)) {
      waits.push(busyWait(loadBalancer, `waiting to delete it (${reason})`));
    } else {
      actions.push({ kind: 'deleteLoadBalancer', loadBalancerId: loadBalancer.id, reason });
    }
  }
  return { actions, waits, target: null };
}

interface KeptInput {
  readonly selection: LoadBalancerSelection;
  readonly desired: DesiredLoadBalancer;
  readonly isOwned: Owned;
  readonly createPath: CreatePath;
}

function planKept({ selection, desired, isOwned, createPath }: KeptInput): OctaviaPlan {
  const kept = selection.kept;
  if (kept === null) {
    const wait = vipHolderWait(selection, desired);
    if (wait !== null) return { actions: [], waits: [wait], target: null };
    const loadBalancer = createPath === 'step-by-step' ? { ...desired, listeners: [] } : desired;
    const create: Action = { kind: 'createLoadBalancer', loadBalancer };
    return { actions: [create], waits: [], target: { kind: 'createdLoadBalancer' } };
  }
  const target: PortRef | null = kept.vipPortId === null ? null : { kind: 'port', portId: kept.vipPortId };
  if (isBusy(kept.provisioningStatus)) {
    return { actions: [], waits: [busyWait(kept, 'waiting before converging it')], target };
  }
  const actions = [...planListeners({ loadBalancer: kept, desired, isOwned }), ...planVipPort(kept, desired)];
  return { actions, waits: [], target };
}

/** Every floating IP observed, once (the user's may also be listed among the others). */
function allFloatingIps(observed: Observed): ObservedFloatingIp[] {
  const byId = new Map(observed.floatingIps.map((fip) => [fip.id, fip]));
  const user = observed.userFloatingIp ?? null;
  if (user !== null && !byId.has(user.id)) byId.set(user.id, user);
  return [...byId.values()];
}

/** Names of the observed objects that carry our cluster id but another writer. */
function conflictsOf(input: PlanInput): string[] {
  const clash = (tags: readonly string[]): boolean => isConflictForService(tags, input.owner, input.service);
  return [
    ...input.observed.loadBalancers.filter((lb) => clash(lb.tags)).map((lb) => `load balancer ${lb.id}`),
    ...allFloatingIps(input.observed)
      .filter((f) => clash(f.tags))
      .map((f) => `floating IP ${f.address} (${f.id})`),
  ];
}

/**
 * The ordered actions converging OpenStack to `input.desired` for `input.service`, and at
 * most one wait (the reconciler requeues when `wait` is set, after running the actions).
 * Deterministic; idempotent: planning again from the state the actions produce yields
 * nothing when this plan had no wait.
 */
export function plan(input: PlanInput): PlanOutcome {
  const isOwned: Owned = (tags) => isOwnedForService(tags, input.owner, input.service);
  const owned = input.observed.loadBalancers.filter((lb) => isOwned(lb.tags));
  const selection = selectLoadBalancers(owned, input.desired, input.condemned);
  const deletes = planDeletes(selection.deletions);
  const createPath = input.createPath ?? 'fully-populated';
  const octavia: OctaviaPlan =
    input.desired === null
      ? { actions: [], waits: [], target: null }
      : planKept({ selection, desired: input.desired, isOwned, createPath });
  const floating = planFloatingIps({
    desired: input.desired,
    floatingIps: allFloatingIps(input.observed),
    userFloatingIp: input.observed.userFloatingIp ?? null,
    ownedLoadBalancers: owned,
    target: octavia.target,
    isOwned,
    keep: input.keep ?? KEEP_NOTHING,
  });
  const waits = [...octavia.waits, ...deletes.waits];
  return {
    actions: [...floating.releases, ...deletes.actions, ...octavia.actions, ...floating.attaches],
    wait: waits[0] ?? null,
    kept: input.desired === null ? null : selection.kept,
    owned,
    conflicts: conflictsOf(input),
    immutable:
      input.desired === null || selection.kept === null ? [] : immutableDrift(selection.kept, input.desired),
  };
}
