/**
 * The writes adopting kuryr's proven load balancer (see adoption.ts): our tags on its kuryr-named
 * listeners and pools, one batch of the desired members per wanted pool, the load balancer's own
 * tags last. Pure.
 */
import type { Action } from './actions.js';
import type { DesiredLoadBalancer, ObservedLoadBalancer, ServiceRef } from '../model.js';
import { listenerName } from '../naming.js';
import { adoptedTags, untagged, type AdoptionInput } from './adoption.js';
import { isBusy } from './load-balancers.js';
import { listenerSlot } from './listeners.js';
import { poolOfListener } from './pools.js';

/** The adoption writes of a proven, not yet tagged load balancer (see the module comment). */
export interface AdoptionSteps {
  readonly actions: readonly Action[];
  /** Set when the load balancer is busy: nothing is written this round. */
  readonly wait: { readonly loadBalancerId: string; readonly reason: string } | null;
}

type Steps = { readonly desired: DesiredLoadBalancer; readonly service: ServiceRef };
type Wanted = ReadonlyMap<string, DesiredLoadBalancer['listeners'][number]>;

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

/** PUT tags on kuryr's listeners (untagged, named as kuryr and we name them). */
function listenerTagWrites(input: Steps, lb: ObservedLoadBalancer, wanted: Wanted): Action[] {
  return lb.listeners.flatMap((listener): Action[] => {
    const kuryrs = listener.name === listenerName(input.service, listener.protocol, listener.protocolPort);
    if (listener.provisioningStatus === 'PENDING_DELETE' || !untagged(listener.tags) || !kuryrs) return [];
    const want = wanted.get(listenerSlot(listener));
    const tags = union(listener.tags, want?.tags ?? input.desired.tags);
    return [{ kind: 'updateListener', loadBalancerId: lb.id, listenerId: listener.id, changes: { tags } }];
  });
}

/** PUT tags on kuryr's pools, and one batch of the desired members where kuryr's members are. */
function poolWrites(
  input: Steps,
  lb: ObservedLoadBalancer,
  wanted: Wanted,
): { tags: Action[]; members: Action[] } {
  const tags: Action[] = [];
  const members: Action[] = [];
  for (const listener of lb.listeners) {
    const pool = poolOfListener(lb, listener);
    const named = listenerName(input.service, listener.protocol, listener.protocolPort);
    if (pool?.name !== named || pool.provisioningStatus === 'PENDING_DELETE') continue;
    const want = wanted.get(listenerSlot(listener));
    if (untagged(pool.tags)) {
      const poolTags = union(pool.tags, want?.pool.tags ?? input.desired.tags);
      tags.push({ kind: 'updatePool', loadBalancerId: lb.id, poolId: pool.id, changes: { tags: poolTags } });
    }
    const kuryrMembers = pool.members.some((m) => untagged(m.tags));
    if (want?.pool.protocol === pool.protocol && kuryrMembers) {
      members.push({
        kind: 'replaceMembers',
        loadBalancerId: lb.id,
        poolId: pool.id,
        members: want.pool.members,
      });
    }
  }
  return { tags: dedupePools(tags), members: dedupePools(members) };
}

/**
 * The writes that put our ownership tags on kuryr's load balancer `lb` and its children, in
 * order (the load balancer's own tags only once nothing else is left), for an ensure.
 */
export function adoptionSteps(
  input: AdoptionInput & { readonly desired: DesiredLoadBalancer },
  lb: ObservedLoadBalancer,
): AdoptionSteps {
  if (isBusy(lb.provisioningStatus)) {
    const reason = `kuryr's load balancer ${lb.id} is ${lb.provisioningStatus}; waiting to adopt it`;
    return { actions: [], wait: { loadBalancerId: lb.id, reason } };
  }
  const wanted: Wanted = new Map(input.desired.listeners.map((l) => [listenerSlot(l), l]));
  const pools = poolWrites(input, lb, wanted);
  const children = [...listenerTagWrites(input, lb, wanted), ...pools.tags, ...pools.members];
  if (children.length > 0) return { actions: children, wait: null };
  return {
    actions: [{ kind: 'tagLoadBalancer', loadBalancerId: lb.id, tags: adoptedTags(input, lb) }],
    wait: null,
  };
}

/** One write per pool (two listeners cannot share a default pool in Octavia, but be sure). */
function dedupePools(actions: readonly Action[]): Action[] {
  const seen = new Set<string>();
  return actions.filter((a) => {
    const id = 'poolId' in a ? a.poolId : '';
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
