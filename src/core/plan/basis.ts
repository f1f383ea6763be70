/**
 * The created basis (docs/adr/0020): what a pass that created the Service's whole tree knows
 * of it without reading it again. A fully-populated POST answers every listener, pool, member
 * and monitor it made, with every field; while the load balancer is PENDING_CREATE Octavia
 * refuses every write under it, so when it turns ACTIVE the tree is the answer with new
 * statuses. One status-tree GET then stands in for the full observation: it gives every
 * status and proves the ids are still those the answer named. Pure.
 *
 * When is it sound? Only for a first create on a clean slate:
 * - the pass's full observation held no load balancer and no floating IP of the Service, and
 *   looked up no user floating IP (nothing else of it can be in Neutron but what the pass made);
 * - the pass did only the create, and possibly the Pool floating IP's create on the new VIP
 *   port, and both answered (nothing deferred, no 409);
 * - the status tree names exactly the answer's ids (else: observe in full).
 * A decision taken on the basis is kept only if it releases, detaches or deletes nothing,
 * creates no other load balancer and writes nothing to Neutron (`usableOnBasis`): the floating IP side is as old as the create,
 * so anything it could be wrong about is left to a full observation.
 */
import type {
  Observed,
  ObservedFloatingIp,
  ObservedLoadBalancer,
  ObservedLoadBalancerHead,
  ObservedPool,
  ProvisioningStatus,
} from '../model.js';
import type { Action } from './actions.js';
import { isOctaviaWrite } from './actions.js';
import type { Decision } from './decision.js';

/** What the created basis holds. */
export interface CreatedBasis {
  /** The tree as the POST answered it (its statuses are the POST's). */
  readonly loadBalancer: ObservedLoadBalancer;
  /** The floating IPs the pass created for it (Pool method), as created and tagged. */
  readonly floatingIps: readonly ObservedFloatingIp[];
}

/** What the run of a creating pass reports (src/core/plan/settle.ts ExecutionReport). */
export interface CreateRun {
  readonly done: readonly Action[];
  readonly deferred: readonly Action[];
  readonly conflict: boolean;
  /** The tree the create answered; null when the answer did not hold it whole. */
  readonly createdTree?: ObservedLoadBalancer | null;
  readonly createdFloatingIps?: readonly ObservedFloatingIp[];
}

/** Nothing of the Service was seen: no load balancer, no floating IP, no user floating IP looked up. */
function cleanSlate(observed: Observed): boolean {
  return (
    observed.loadBalancers.length === 0 &&
    observed.floatingIps.length === 0 &&
    observed.userFloatingIp === undefined
  );
}

/** The basis a creating pass leaves, or null (see the module comment). */
export function basisOf(observed: Observed, run: CreateRun): CreatedBasis | null {
  const tree = run.createdTree ?? null;
  if (tree === null || run.conflict || run.deferred.length > 0 || !cleanSlate(observed)) return null;
  const creates = run.done.filter((a) => a.kind === 'createLoadBalancer').length;
  const fipCreates = run.done.filter(
    (a) => a.kind === 'createFloatingIp' && a.port.kind === 'createdLoadBalancer',
  ).length;
  if (creates !== 1 || creates + fipCreates !== run.done.length) return null;
  const floatingIps = run.createdFloatingIps ?? [];
  if (floatingIps.length !== fipCreates) return null;
  if (!floatingIps.every((fip) => fip.portId !== null && fip.portId === tree.vipPortId)) return null;
  return { loadBalancer: tree, floatingIps };
}

/** One node of Octavia's status tree as the basis reads it (src/openstack/octavia/statuses.ts). */
interface StatusNodeView {
  readonly id: string;
  readonly provisioningStatus: ProvisioningStatus;
}

/** The status tree of a load balancer, as much as the basis needs of it. */
export interface StatusTreeView extends StatusNodeView {
  readonly operatingStatus: string;
  readonly listeners: readonly (StatusNodeView & {
    readonly pools: readonly (StatusNodeView & {
      readonly members: readonly StatusNodeView[];
      readonly healthMonitor: StatusNodeView | null;
    })[];
  })[];
}

function statusesOf(nodes: readonly StatusNodeView[]): Map<string, ProvisioningStatus> | null {
  const out = new Map(nodes.map((n) => [n.id, n.provisioningStatus]));
  return out.size === nodes.length ? out : null;
}

function sameKeys(map: ReadonlyMap<string, unknown>, ids: readonly string[]): boolean {
  return map.size === ids.length && ids.every((id) => map.has(id));
}

/** The pool with the statuses the tree gives it, or null when its ids differ. */
function poolOnStatus(
  pool: ObservedPool,
  status: StatusTreeView['listeners'][number]['pools'][number],
  listenerId: string,
): ObservedPool | null {
  if (pool.listenerId !== listenerId) return null;
  const members = statusesOf(status.members);
  if (
    members === null ||
    !sameKeys(
      members,
      pool.members.map((m) => m.id),
    )
  )
    return null;
  const monitor = pool.healthMonitor;
  if ((monitor?.id ?? null) !== (status.healthMonitor?.id ?? null)) return null;
  return {
    ...pool,
    provisioningStatus: status.provisioningStatus,
    members: pool.members.map((m) => ({
      ...m,
      provisioningStatus: members.get(m.id) ?? m.provisioningStatus,
    })),
    ...(monitor === undefined || status.healthMonitor === null
      ? {}
      : { healthMonitor: { ...monitor, provisioningStatus: status.healthMonitor.provisioningStatus } }),
  };
}

function withoutVersion(lb: ObservedLoadBalancer): Omit<ObservedLoadBalancer, 'version'> {
  return Object.fromEntries(Object.entries(lb).filter(([key]) => key !== 'version')) as Omit<
    ObservedLoadBalancer,
    'version'
  >;
}

/**
 * The head a pass may decide on the basis with: the one licensed load balancer, answered
 * ACTIVE and being the one the basis holds; else null (observe in full).
 */
export function basisHead(
  basis: CreatedBasis | undefined,
  heads: readonly { readonly head: ObservedLoadBalancerHead | null }[],
): ObservedLoadBalancerHead | null {
  const head = heads.length === 1 ? (heads[0]?.head ?? null) : null;
  if (basis === undefined || head === null) return null;
  return head.id === basis.loadBalancer.id && head.provisioningStatus === 'ACTIVE' ? head : null;
}

/**
 * The observation the basis stands for, now: the answered tree with the statuses of `status`
 * and the head's name, tags and version; the created floating IPs. Null when the head or the
 * status tree is of another load balancer, or names other ids than the answer did.
 */
export function observedOnBasis(
  basis: CreatedBasis,
  head: ObservedLoadBalancerHead,
  status: StatusTreeView,
): Observed | null {
  const lb = basis.loadBalancer;
  if (head.id !== lb.id || status.id !== lb.id) return null;
  const listenerStatus = statusesOf(status.listeners);
  if (
    listenerStatus === null ||
    !sameKeys(
      listenerStatus,
      lb.listeners.map((l) => l.id),
    )
  )
    return null;
  const poolStatus = new Map(
    status.listeners.flatMap((l) => l.pools.map((p) => [p.id, { status: p, listenerId: l.id }] as const)),
  );
  if (
    !sameKeys(
      poolStatus,
      lb.pools.map((p) => p.id),
    )
  )
    return null;
  const pools: ObservedPool[] = [];
  for (const pool of lb.pools) {
    const entry = poolStatus.get(pool.id);
    const merged = entry === undefined ? null : poolOnStatus(pool, entry.status, entry.listenerId);
    if (merged === null) return null;
    pools.push(merged);
  }
  const listeners = lb.listeners.map((l) => ({
    ...l,
    provisioningStatus: listenerStatus.get(l.id) ?? l.provisioningStatus,
  }));
  const loadBalancer: ObservedLoadBalancer = {
    ...withoutVersion(lb),
    name: head.name,
    tags: head.tags,
    provisioningStatus: status.provisioningStatus,
    operatingStatus: status.operatingStatus,
    listeners,
    pools,
    ...(head.version === undefined ? {} : { version: head.version }),
  };
  return { loadBalancers: [loadBalancer], floatingIps: basis.floatingIps };
}

/** What a decision on the basis may not do: delete, or create another load balancer. */
const REFUSED: ReadonlySet<Action['kind']> = new Set([
  'createLoadBalancer',
  'deleteLoadBalancer',
  'deleteListener',
  'deletePool',
  'deleteHealthMonitor',
]);

/** True when a decision taken on the basis may be carried out (see the module comment). */
export function usableOnBasis(decision: Decision): boolean {
  const next = decision.next.kind;
  if (next !== 'converged' && next !== 'verify' && next !== 'wait') return false;
  return decision.actions.every((a) => isOctaviaWrite(a) && !REFUSED.has(a.kind));
}
