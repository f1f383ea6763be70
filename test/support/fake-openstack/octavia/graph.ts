/**
 * The children of a fully-populated load balancer create (listeners → default_pool →
 * members and healthmonitor), validated as a whole before anything is stored, with
 * Octavia's rules: nested pools must be named, pool names are unique within the create,
 * a pool needs protocol and lb_algorithm, a name-only default_pool refers to a top-level
 * pool, listener ports are unique per L4 protocol, listener and pool protocols must match.
 */
import { octaviaValidation } from '../errors.js';
import { get, readShape } from './body.js';
import type { OctaviaCtx } from './context.js';
import { buildMonitor, checkMonitor, insertMonitor, MONITOR_SINGLE_SHAPE } from './healthmonitors.js';
import type { Touched } from './lifecycle.js';
import { buildListener, checkDuplicate, insertListener, LISTENER_SINGLE_SHAPE } from './listeners.js';
import { buildMember, checkNewMembers, insertMembers, MEMBER_SHAPE } from './members.js';
import { buildPool, checkProtocols, insertPool, POOL_SINGLE_SHAPE } from './pools.js';
import type { HealthMonitorRow, ListenerRow, LoadBalancerRow, MemberRow, PoolRow } from './rows.js';

const ARG = 'load_balancer.loadbalancer';

/** Everything a fully-populated create will store, validated. */
export interface Graph {
  readonly listeners: readonly { readonly row: ListenerRow; readonly poolName: string | null }[];
  readonly pools: readonly {
    readonly row: PoolRow;
    readonly members: readonly MemberRow[];
    readonly monitor: HealthMonitorRow | null;
  }[];
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

/** A pool spec is "full" when it has more than a name (Octavia counts keys). */
function isFull(pool: Record<string, unknown>): boolean {
  return Object.keys(pool).some((k) => k !== 'name');
}

function planPool(
  ctx: OctaviaCtx,
  lb: LoadBalancerRow,
  raw: Record<string, unknown>,
): Graph['pools'][number] {
  const name = get.str(raw, 'name') ?? '';
  for (const attr of ['protocol', 'lb_algorithm']) {
    if (raw[attr] == null) {
      throw octaviaValidation(`Pool definition for '${name}' missing required attribute: ${attr}`);
    }
  }
  const hmRaw =
    raw.healthmonitor == null
      ? null
      : readShape(raw.healthmonitor, MONITOR_SINGLE_SHAPE, `${ARG}.pools.healthmonitor`);
  const row = buildPool(ctx, lb, raw);
  const monitor = hmRaw === null ? null : buildMonitor(ctx, row, hmRaw);
  if (monitor !== null) checkMonitor(row, monitor.type);
  if (monitor !== null) row.healthMonitorId = monitor.id;
  const members = list(raw.members).map((m) =>
    buildMember(ctx, row, readShape(m, MEMBER_SHAPE, `${ARG}.pools.members`)),
  );
  checkNewMembers(ctx, row, members);
  row.healthMonitorId = null;
  return { row, members, monitor };
}

function collectPools(listeners: readonly Record<string, unknown>[], top: readonly unknown[]) {
  const specs = top.map((p) => readShape(p, POOL_SINGLE_SHAPE, `${ARG}.pools`));
  const refs: (string | null)[] = [];
  for (const listener of listeners) {
    const pool =
      listener.default_pool == null
        ? null
        : readShape(listener.default_pool, POOL_SINGLE_SHAPE, `${ARG}.listeners.default_pool`);
    const name = pool === null ? null : (get.str(pool, 'name') ?? null);
    if (pool !== null && name === null) {
      throw octaviaValidation('Pools must be named when creating a fully populated loadbalancer.');
    }
    if (pool !== null && isFull(pool)) specs.push(pool);
    refs.push(name);
  }
  const names = specs.map((p) => get.str(p, 'name') ?? '');
  if (new Set(names).size !== names.length) {
    throw octaviaValidation('Pool names must be unique when creating a fully populated loadbalancer.');
  }
  for (const ref of refs) {
    if (ref !== null && !names.includes(ref)) {
      throw octaviaValidation(`Pool '${ref}' was referenced but no full definition was found.`);
    }
  }
  return { specs, refs };
}

/** Validates the children of a create; throws Octavia's 400/409/501 before anything is stored. */
export function planGraph(ctx: OctaviaCtx, lb: LoadBalancerRow, body: Record<string, unknown>): Graph {
  const rawListeners = list(body.listeners).map((l) =>
    readShape(l, LISTENER_SINGLE_SHAPE, `${ARG}.listeners`),
  );
  const { specs, refs } = collectPools(rawListeners, list(body.pools));
  const pools = specs.map((spec) => planPool(ctx, lb, spec));
  const listeners: { row: ListenerRow; poolName: string | null }[] = [];
  for (const [i, raw] of rawListeners.entries()) {
    const row = buildListener(ctx, lb, raw);
    checkDuplicate(ctx, lb, {
      protocol: row.protocol,
      port: row.protocolPort,
      siblings: listeners.map((l) => l.row),
    });
    const poolName = refs[i] ?? null;
    const pool = pools.find((p) => p.row.name === poolName);
    if (pool !== undefined) checkProtocols(row.protocol, pool.row.protocol);
    listeners.push({ row, poolName });
  }
  return { listeners, pools };
}

/** Stores a planned graph under `lb` (all PENDING_CREATE); returns what the create touched. */
export function insertGraph(ctx: OctaviaCtx, lb: LoadBalancerRow, graph: Graph): Touched[] {
  const touched: Touched[] = [];
  for (const { row, members, monitor } of graph.pools) {
    insertPool(ctx, lb, row);
    touched.push({ table: 'pool', id: row.id });
    if (monitor !== null) {
      insertMonitor(ctx, row, monitor);
      touched.push({ table: 'healthmonitor', id: monitor.id });
    }
    insertMembers(ctx, row, members);
    touched.push(...members.map((m) => ({ table: 'member', id: m.id }) as const));
  }
  for (const { row, poolName } of graph.listeners) {
    row.updatedAt = row.createdAt;
    const pool = graph.pools.find((p) => p.row.name === poolName)?.row;
    insertListener(ctx, lb, row);
    if (pool !== undefined) {
      pool.listenerIds.push(row.id);
      row.defaultPoolId = pool.id;
    }
    touched.push({ table: 'listener', id: row.id });
  }
  return touched;
}
