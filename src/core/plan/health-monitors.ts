/**
 * The writes converging the health monitor of one kept pool. Pure.
 *
 * Octavia allows one monitor per pool (a second POST is a 409) and cannot change a monitor's
 * type, so:
 * - wanted, none there: create it;
 * - wanted, ours there: update the fields that differ; a monitor of another type or in ERROR
 *   is replaced: deleted, then created (two writes: the executor defers the create to a later
 *   pass, which plans it again from what it then sees);
 * - not wanted, ours there: delete it;
 * - a foreign monitor (no ownership tags) is never touched and occupies the pool: ours is not
 *   created beside it; one already being deleted is waited for.
 * Octavia reports no `max_retries_down` on some monitors (null): that is its default, 3.
 */
import type { Action, HealthMonitorChanges } from './actions.js';
import type { DesiredHealthMonitor, ObservedHealthMonitor, ObservedPool } from '../model.js';

/** Octavia's `max_retries_down` when none is given. */
export const OCTAVIA_DEFAULT_MAX_RETRIES_DOWN = 3;

/** Arguments of `planHealthMonitor`. */
export interface HealthMonitorInput {
  readonly loadBalancerId: string;
  readonly pool: ObservedPool;
  /** The pool's wanted monitor; undefined: none. */
  readonly desired: DesiredHealthMonitor | undefined;
  readonly isOwned: (tags: readonly string[]) => boolean;
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((tag, i) => tag === y[i]);
}

/** Only the fields of `observed` that differ from `desired` (the type is not compared). */
export function healthMonitorChanges(
  observed: ObservedHealthMonitor,
  desired: DesiredHealthMonitor,
): HealthMonitorChanges {
  const changes: { -readonly [K in keyof HealthMonitorChanges]: HealthMonitorChanges[K] } = {};
  if (observed.name !== desired.name) changes.name = desired.name;
  if (observed.delay !== desired.delay) changes.delay = desired.delay;
  if (observed.timeout !== desired.timeout) changes.timeout = desired.timeout;
  if (observed.maxRetries !== desired.maxRetries) changes.maxRetries = desired.maxRetries;
  if ((observed.maxRetriesDown ?? OCTAVIA_DEFAULT_MAX_RETRIES_DOWN) !== desired.maxRetriesDown) {
    changes.maxRetriesDown = desired.maxRetriesDown;
  }
  if (!sameTags(observed.tags, desired.tags)) changes.tags = desired.tags;
  return changes;
}

/**
 * The writes that bring the monitor of `input.pool` to `input.desired` (a replacement is a
 * delete then a create); empty when it matches. The caller has checked that the pool is ours
 * and kept.
 */
export function planHealthMonitor(input: HealthMonitorInput): Action[] {
  const { loadBalancerId, pool, desired } = input;
  const observed = pool.healthMonitor;
  const create: Action[] =
    desired === undefined
      ? []
      : [{ kind: 'createHealthMonitor', loadBalancerId, poolId: pool.id, monitor: desired }];
  if (observed === undefined) return create;
  if (!input.isOwned(observed.tags) || observed.provisioningStatus === 'PENDING_DELETE') return [];
  const remove: Action = { kind: 'deleteHealthMonitor', loadBalancerId, healthMonitorId: observed.id };
  if (desired === undefined) return [remove];
  // Octavia cannot change a monitor's type; one in ERROR is replaced too.
  if (observed.type !== desired.type || observed.provisioningStatus === 'ERROR') return [remove, ...create];
  const changes = healthMonitorChanges(observed, desired);
  if (Object.keys(changes).length === 0) return [];
  return [{ kind: 'updateHealthMonitor', loadBalancerId, healthMonitorId: observed.id, changes }];
}
