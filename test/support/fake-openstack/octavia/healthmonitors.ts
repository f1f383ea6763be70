/**
 * Octavia health monitors: one per pool (409 `This pool already has a health monitor`), of a
 * type the pool's protocol allows, created/updated/deleted under an ACTIVE pool and load
 * balancer; list/show. Defaults as Octavia's: `max_retries_down` 3, name ''.
 */
import { octaviaFault, octaviaNotFound, octaviaValidation } from '../errors.js';
import { empty, json } from '../request.js';
import { envelope, F, get, oneOf, type Shape } from './body.js';
import { findPool, newRow, type OctaviaCtx, type OctaviaHandler, parentOf } from './context.js';
import { assertMutable, lockForChild, mark, requireActivePool, schedule } from './lifecycle.js';
import { boolColumn, listOctavia, type OctaviaListSpec, pickFields, visibleTo } from './list.js';
import { touchPool } from './pools.js';
import { type HealthMonitorRow, type PoolRow, sortedTags } from './rows.js';
import { healthMonitorView } from './views.js';

const TYPES = ['HTTP', 'HTTPS', 'PING', 'TCP', 'TLS-HELLO', 'UDP-CONNECT', 'SCTP'];
const L4_TYPES = ['UDP-CONNECT', 'SCTP', 'TCP', 'HTTP'];

const COMMON: Shape = {
  name: F.str(),
  delay: F.int(0),
  timeout: F.int(0),
  max_retries: F.int(1, 10),
  max_retries_down: F.int(1, 10),
  http_method: F.any,
  url_path: F.any,
  expected_codes: F.any,
  admin_state_up: F.bool,
  tags: F.tags,
  http_version: F.any,
  domain_name: F.any,
};

/** A monitor nested in a pool of a load balancer create. */
export const MONITOR_SINGLE_SHAPE: Shape = {
  ...COMMON,
  type: oneOf(TYPES, true),
  delay: { type: { kind: 'int', min: 0 }, mandatory: true },
  timeout: { type: { kind: 'int', min: 0 }, mandatory: true },
  max_retries: { type: { kind: 'int', min: 1, max: 10 }, mandatory: true },
  project_id: F.str(36),
};

const POST_SHAPE: Shape = { ...MONITOR_SINGLE_SHAPE, pool_id: { type: { kind: 'uuid' }, mandatory: true } };

/** How monitors are listed. */
export const monitorSpec: OctaviaListSpec<HealthMonitorRow> = {
  plural: 'healthmonitors',
  table: (s) => s.healthMonitors,
  filters: {
    id: (h) => h.id,
    name: (h) => h.name,
    type: (h) => h.type,
    delay: (h) => String(h.delay),
    timeout: (h) => String(h.timeout),
    max_retries: (h) => String(h.maxRetries),
    max_retries_down: (h) => String(h.maxRetriesDown),
    admin_state_up: (h) => boolColumn(h.adminStateUp),
    provisioning_status: (h) => h.provisioningStatus,
    operating_status: (h) => h.operatingStatus,
    pool_id: (h) => h.poolId,
  },
  view: (h) => healthMonitorView(h),
};

/** 400 when `type` does not fit `pool`'s protocol; 409 when the pool has a monitor. */
export function checkMonitor(pool: PoolRow, type: string): void {
  if ((pool.protocol === 'UDP' || pool.protocol === 'SCTP') && !L4_TYPES.includes(type)) {
    throw octaviaValidation(
      `The associated pool protocol is ${pool.protocol}, so only a UDP-CONNECT, SCTP, TCP or HTTP type health monitor is supported.`,
    );
  }
  if (pool.healthMonitorId !== null) throw octaviaFault(409, 'This pool already has a health monitor');
}

/** A new monitor row (PENDING_CREATE) on `pool`; not inserted. */
export function buildMonitor(
  ctx: OctaviaCtx,
  pool: PoolRow,
  body: Record<string, unknown>,
): HealthMonitorRow {
  const type = get.str(body, 'type') ?? 'TCP';
  const http = type === 'HTTP' || type === 'HTTPS';
  return {
    ...newRow(ctx, { projectId: pool.projectId, name: get.str(body, 'name') }),
    adminStateUp: get.bool(body, 'admin_state_up') ?? true,
    tags: sortedTags(get.strings(body, 'tags') ?? []),
    poolId: pool.id,
    type,
    delay: get.int(body, 'delay') ?? 0,
    timeout: get.int(body, 'timeout') ?? 0,
    maxRetries: get.int(body, 'max_retries') ?? 3,
    maxRetriesDown: get.int(body, 'max_retries_down') ?? 3,
    httpMethod: http ? (get.str(body, 'http_method') ?? 'GET') : null,
    urlPath: http ? (get.str(body, 'url_path') ?? '/') : null,
    expectedCodes: http ? (get.str(body, 'expected_codes') ?? '200') : null,
    httpVersion: null,
    domainName: null,
  };
}

/** Inserts a built monitor on its pool. */
export function insertMonitor(ctx: OctaviaCtx, pool: PoolRow, row: HealthMonitorRow): void {
  ctx.state.healthMonitors.insert(row);
  pool.healthMonitorId = row.id;
}

function findMonitor(ctx: OctaviaCtx, id: string): HealthMonitorRow {
  const row = ctx.state.healthMonitors.get(id);
  if (row === undefined || !visibleTo(row, ctx.caller)) throw octaviaNotFound('Health Monitor', id);
  return row;
}

const create: OctaviaHandler = (ctx, req) => {
  const body = envelope(req, 'healthmonitor', POST_SHAPE, 'health_monitor_.healthmonitor');
  const pool = findPool(ctx, get.str(body, 'pool_id') ?? '');
  const lb = parentOf(ctx, pool.lbId);
  requireActivePool(pool);
  assertMutable(lb);
  const row = buildMonitor(ctx, pool, body);
  checkMonitor(pool, row.type);
  lockForChild(ctx.state, lb);
  insertMonitor(ctx, pool, row);
  const touched = [
    { table: 'healthmonitor', id: row.id } as const,
    ...touchPool(ctx, pool, 'PENDING_UPDATE'),
  ];
  schedule(ctx.state, { lbId: lb.id, kind: 'update', touched });
  return json(201, { healthmonitor: healthMonitorView(row) });
};

function lockMonitor(ctx: OctaviaCtx, row: HealthMonitorRow): PoolRow {
  const pool = findPool(ctx, row.poolId);
  requireActivePool(pool);
  lockForChild(ctx.state, parentOf(ctx, pool.lbId));
  return pool;
}

const update: OctaviaHandler = (ctx, req, { id = '' }) => {
  const row = findMonitor(ctx, id);
  const body = envelope(req, 'healthmonitor', COMMON, 'health_monitor_.healthmonitor');
  const pool = lockMonitor(ctx, row);
  ctx.state.healthMonitors.update(row.id, (h) => {
    h.name = get.str(body, 'name') ?? h.name;
    h.delay = get.int(body, 'delay') ?? h.delay;
    h.timeout = get.int(body, 'timeout') ?? h.timeout;
    h.maxRetries = get.int(body, 'max_retries') ?? h.maxRetries;
    h.maxRetriesDown = get.int(body, 'max_retries_down') ?? h.maxRetriesDown;
    h.adminStateUp = get.bool(body, 'admin_state_up') ?? h.adminStateUp;
    const tags = get.strings(body, 'tags');
    if (tags !== undefined) h.tags = sortedTags(tags);
    mark(ctx.state, h, 'PENDING_UPDATE');
  });
  const touched = [
    { table: 'healthmonitor', id: row.id } as const,
    ...touchPool(ctx, pool, 'PENDING_UPDATE'),
  ];
  schedule(ctx.state, { lbId: pool.lbId, kind: 'update', touched });
  return json(200, { healthmonitor: healthMonitorView(row) });
};

const remove: OctaviaHandler = (ctx, _req, { id = '' }) => {
  const row = findMonitor(ctx, id);
  const pool = lockMonitor(ctx, row);
  mark(ctx.state, row, 'PENDING_DELETE');
  const touched = [
    { table: 'healthmonitor', id: row.id } as const,
    ...touchPool(ctx, pool, 'PENDING_UPDATE'),
  ];
  schedule(ctx.state, { lbId: pool.lbId, kind: 'update', touched });
  return empty(204);
};

/** Route handlers of /v2/lbaas/healthmonitors. */
export const monitorHandlers = {
  list: ((ctx, req) => listOctavia(monitorSpec, req, ctx)) satisfies OctaviaHandler,
  show: ((ctx, req, { id = '' }) =>
    json(200, {
      healthmonitor: pickFields(healthMonitorView(findMonitor(ctx, id)), req.query.all('fields')),
    })) satisfies OctaviaHandler,
  create,
  update,
  remove,
};
