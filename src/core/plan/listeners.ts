/**
 * The minimal Octavia writes that turn the children of an existing, ACTIVE load balancer
 * into the desired listeners, pools and members. Pure.
 *
 * Order (each group sorted deterministically): deletes, creates, updates, member batches,
 * health monitor writes.
 *
 * Deleting a listener: Octavia does not cascade a listener delete to its default pool
 * (octavia api/v2/controllers/listener.py `delete` removes the listener only), and it does
 * not refuse to delete a pool that is still a listener's default pool (controllers/pool.py
 * `delete` refuses only a pool used by an L7 policy; common/data_models.py `Pool.delete`
 * clears the listener's default_pool_id). So the listener's owned pool is deleted
 * explicitly, pool first, then the listener: each write is valid on its own, and a crash
 * between the two leaves a listener without pool, which the next round deletes (were the
 * listener deleted first, a crash would leave an orphaned pool; that is handled too: owned
 * pools no listener uses are deleted).
 *
 * Foreign children (no ownership tags) are never deleted or updated. A foreign listener
 * occupies its (protocol, port): we do not create ours beside it (Octavia would refuse).
 * Children in PENDING_DELETE likewise occupy their slot and are left alone.
 */
import type { Action } from './actions.js';
import type {
  DesiredListener,
  DesiredLoadBalancer,
  ObservedListener,
  ObservedLoadBalancer,
} from '../model.js';
import { planPoolChanges, poolOfListener, type PoolChanges } from './pools.js';
import { TIMEOUT_CLIENT_TAG, TIMEOUT_MEMBER_TAG } from '../ownership.js';

/** Arguments of `planListeners`. */
export interface ListenersInput {
  readonly loadBalancer: ObservedLoadBalancer;
  readonly desired: DesiredLoadBalancer;
  readonly isOwned: (tags: readonly string[]) => boolean;
}

/** A listener's (protocol, port): Octavia's uniqueness key on one load balancer. */
export function listenerSlot(listener: { readonly protocol: string; readonly protocolPort: number }): string {
  return `${listener.protocol}|${listener.protocolPort}`;
}

function byId(a: { readonly id: string }, b: { readonly id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** "No restriction" in any spelling Octavia may return, as the empty set. */
function normalizedCidrs(cidrs: readonly string[]): string {
  const set = new Set(cidrs);
  if ([...set].every((cidr) => cidr === '0.0.0.0/0' || cidr === '::/0')) return '';
  return [...set].sort().join(',');
}

type ListenerChanges = Extract<Action, { kind: 'updateListener' }>['changes'];

/**
 * The timeout to send, or undefined for none: a set timeout that differs, or null (reset to
 * Octavia's default) for one no longer wanted that the listener's marker tag says we set.
 */
function timeoutChange(
  desired: number | null,
  observed: ObservedListener,
  observedValue: number | null,
  marker: string,
): number | null | undefined {
  if (desired !== null) return desired === observedValue ? undefined : desired;
  return observed.tags.includes(marker) ? null : undefined;
}

/** Only the fields that differ; a null desired timeout is Octavia's default (see model). */
export function listenerChanges(observed: ObservedListener, desired: DesiredListener): ListenerChanges {
  const changes: {
    allowedCidrs?: readonly string[];
    timeoutClientData?: number | null;
    timeoutMemberData?: number | null;
    tags?: readonly string[];
  } = {};
  if (normalizedCidrs(observed.allowedCidrs) !== normalizedCidrs(desired.allowedCidrs)) {
    changes.allowedCidrs = desired.allowedCidrs;
  }
  const client = timeoutChange(
    desired.timeoutClientData,
    observed,
    observed.timeoutClientData,
    TIMEOUT_CLIENT_TAG,
  );
  if (client !== undefined) changes.timeoutClientData = client;
  const member = timeoutChange(
    desired.timeoutMemberData,
    observed,
    observed.timeoutMemberData,
    TIMEOUT_MEMBER_TAG,
  );
  if (member !== undefined) changes.timeoutMemberData = member;
  const markers = [TIMEOUT_CLIENT_TAG, TIMEOUT_MEMBER_TAG];
  if (markers.some((t) => observed.tags.includes(t) !== desired.tags.includes(t)))
    changes.tags = desired.tags;
  return changes;
}

/** The observed listener serving each desired slot, the slots we must not touch, and the rest. */
interface ListenerMatch {
  readonly matched: ReadonlyMap<string, ObservedListener>;
  readonly occupied: ReadonlySet<string>;
  readonly doomed: readonly ObservedListener[];
}

function matchListeners(input: ListenersInput): ListenerMatch {
  const wanted = new Set(input.desired.listeners.map(listenerSlot));
  const matched = new Map<string, ObservedListener>();
  const occupied = new Set<string>();
  const doomed: ObservedListener[] = [];
  for (const listener of [...input.loadBalancer.listeners].sort(byId)) {
    const slot = listenerSlot(listener);
    if (!input.isOwned(listener.tags) || listener.provisioningStatus === 'PENDING_DELETE') {
      occupied.add(slot);
    } else if (!wanted.has(slot) || listener.provisioningStatus === 'ERROR' || matched.has(slot)) {
      doomed.push(listener);
    } else {
      matched.set(slot, listener);
    }
  }
  return { matched, occupied, doomed };
}

/** Owned pools no listener uses (left by a crash or by an older version): deleted. */
function orphanPools(input: ListenersInput, alreadyDeleted: ReadonlySet<string>): Action[] {
  const { loadBalancer } = input;
  const listenerIds = new Set(loadBalancer.listeners.map((l) => l.id));
  const used = new Set(loadBalancer.listeners.map((l) => poolOfListener(loadBalancer, l)?.id));
  return [...loadBalancer.pools]
    .sort(byId)
    .filter(
      (pool) =>
        input.isOwned(pool.tags) &&
        pool.provisioningStatus !== 'PENDING_DELETE' &&
        !alreadyDeleted.has(pool.id) &&
        !used.has(pool.id) &&
        (pool.listenerId === null || !listenerIds.has(pool.listenerId)),
    )
    .map((pool) => ({ kind: 'deletePool', loadBalancerId: loadBalancer.id, poolId: pool.id }));
}

function deletesOfDoomed(input: ListenersInput, match: ListenerMatch): Action[] {
  const loadBalancerId = input.loadBalancer.id;
  const doomed = new Set(match.doomed);
  // A pool still used by a listener that stays is not deleted with a doomed one.
  const stillUsed = new Set(
    input.loadBalancer.listeners
      .filter((l) => !doomed.has(l))
      .map((l) => poolOfListener(input.loadBalancer, l)?.id),
  );
  return match.doomed.flatMap((listener): Action[] => {
    const pool = poolOfListener(input.loadBalancer, listener);
    const poolDelete: Action[] =
      pool !== null &&
      input.isOwned(pool.tags) &&
      pool.provisioningStatus !== 'PENDING_DELETE' &&
      !stillUsed.has(pool.id)
        ? [{ kind: 'deletePool', loadBalancerId, poolId: pool.id }]
        : [];
    return [...poolDelete, { kind: 'deleteListener', loadBalancerId, listenerId: listener.id }];
  });
}

/**
 * The ordered Octavia writes converging the children of `loadBalancer` (which the caller has
 * checked is neither busy nor in ERROR) to `desired`. Empty when they already match.
 */
export function planListeners(input: ListenersInput): Action[] {
  const loadBalancerId = input.loadBalancer.id;
  const match = matchListeners(input);
  const { matched, occupied } = match;
  const deletes = deletesOfDoomed(input, match);
  const creates: Action[] = [];
  const updates: Action[] = [];
  const pools: PoolChanges[] = [];
  for (const desired of input.desired.listeners) {
    const slot = listenerSlot(desired);
    const observed = matched.get(slot);
    if (observed === undefined) {
      if (!occupied.has(slot)) creates.push({ kind: 'createListener', loadBalancerId, listener: desired });
      continue;
    }
    const changes = listenerChanges(observed, desired);
    if (Object.keys(changes).length > 0) {
      updates.push({ kind: 'updateListener', loadBalancerId, listenerId: observed.id, changes });
    }
    pools.push(planPoolChanges({ ...input, listener: observed, desired: desired.pool }));
  }
  const deletedPools = new Set(
    [...deletes, ...pools.flatMap((p) => p.deletes)].flatMap((a) =>
      a.kind === 'deletePool' ? [a.poolId] : [],
    ),
  );
  return [
    ...deletes,
    ...pools.flatMap((p) => p.deletes),
    ...orphanPools(input, deletedPools),
    ...creates,
    ...pools.flatMap((p) => p.creates),
    ...updates,
    ...pools.flatMap((p) => p.updates),
    ...pools.flatMap((p) => p.members),
    ...pools.flatMap((p) => p.monitors),
  ];
}
