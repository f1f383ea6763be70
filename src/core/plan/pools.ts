/**
 * The writes converging the default pool of one matched listener: create it when missing,
 * recreate it when in ERROR (or of the wrong protocol), update its algorithm and session
 * persistence, replace its members in one batch, converge its health monitor
 * (health-monitors.ts). Pure. A foreign pool (no ownership tags) or one already being deleted
 * is left alone. A created pool gets its members and monitor in later passes (Octavia refuses
 * them nested in a standalone pool create, see src/openstack/octavia/pools.ts).
 */
import type { Action } from './actions.js';
import type { DesiredPool, ObservedListener, ObservedLoadBalancer, ObservedPool } from '../model.js';
import { planHealthMonitor } from './health-monitors.js';
import { planMemberBatch } from './members.js';

/** The default pool of `listener`: by its default_pool_id, else the pool naming it. */
export function poolOfListener(lb: ObservedLoadBalancer, listener: ObservedListener): ObservedPool | null {
  if (listener.defaultPoolId !== null) {
    return lb.pools.find((pool) => pool.id === listener.defaultPoolId) ?? null;
  }
  const named = lb.pools.filter((pool) => pool.listenerId === listener.id);
  return named.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0] ?? null;
}

/** One pool's writes, grouped by the phase they run in. */
export interface PoolChanges {
  readonly deletes: readonly Action[];
  readonly creates: readonly Action[];
  readonly updates: readonly Action[];
  readonly members: readonly Action[];
  /** Health monitor writes: after the members, which carry the traffic. */
  readonly monitors: readonly Action[];
}

/** Arguments of `planPoolChanges`. */
export interface PoolInput {
  readonly loadBalancer: ObservedLoadBalancer;
  readonly listener: ObservedListener;
  readonly desired: DesiredPool;
  readonly isOwned: (tags: readonly string[]) => boolean;
}

type PoolUpdate = Extract<Action, { kind: 'updatePool' }>['changes'];

/** Only the fields that differ. */
export function poolChanges(observed: ObservedPool, desired: DesiredPool): PoolUpdate {
  const changes: {
    lbAlgorithm?: DesiredPool['lbAlgorithm'];
    sessionPersistence?: DesiredPool['sessionPersistence'];
  } = {};
  if (observed.lbAlgorithm !== desired.lbAlgorithm) changes.lbAlgorithm = desired.lbAlgorithm;
  if ((observed.sessionPersistence?.type ?? null) !== (desired.sessionPersistence?.type ?? null)) {
    changes.sessionPersistence = desired.sessionPersistence;
  }
  return changes;
}

const NONE: PoolChanges = { deletes: [], creates: [], updates: [], members: [], monitors: [] };

/** The writes for the default pool of one listener that is kept. */
export function planPoolChanges(input: PoolInput): PoolChanges {
  const loadBalancerId = input.loadBalancer.id;
  const listenerId = input.listener.id;
  const create: Action = { kind: 'createPool', loadBalancerId, listenerId, pool: input.desired };
  const pool = poolOfListener(input.loadBalancer, input.listener);
  if (pool === null) return { ...NONE, creates: [create] };
  if (!input.isOwned(pool.tags) || pool.provisioningStatus === 'PENDING_DELETE') return NONE;
  if (pool.provisioningStatus === 'ERROR' || pool.protocol !== input.desired.protocol) {
    return { ...NONE, deletes: [{ kind: 'deletePool', loadBalancerId, poolId: pool.id }], creates: [create] };
  }
  const changes = poolChanges(pool, input.desired);
  const updates: Action[] =
    Object.keys(changes).length > 0 ? [{ kind: 'updatePool', loadBalancerId, poolId: pool.id, changes }] : [];
  const batch = planMemberBatch({
    desired: input.desired.members,
    observed: pool.members,
    isOwned: input.isOwned,
  });
  const members: Action[] =
    batch === null ? [] : [{ kind: 'replaceMembers', loadBalancerId, poolId: pool.id, members: batch }];
  const monitors = planHealthMonitor({
    loadBalancerId,
    pool,
    desired: input.desired.healthMonitor,
    isOwned: input.isOwned,
  });
  return { ...NONE, updates, members, monitors };
}
