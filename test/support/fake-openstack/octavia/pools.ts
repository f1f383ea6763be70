/**
 * Octavia pools: create for a listener (as its default pool; 409 when it has one) or a load
 * balancer, with the listener/pool protocol pairs Octavia allows and the provider's
 * algorithms (amphora refuses SOURCE_IP_PORT with a 501, OVN takes only it); update of
 * name, algorithm, session persistence and tags; delete (members and monitor go along, the
 * listener loses its default pool); list/show. Members nested in a standalone POST answer
 * 500, as Octavia 11 does.
 */
import { octaviaFault, octaviaValidation } from '../errors.js';
import { empty, json } from '../request.js';
import { envelope, F, get, oneOf, readShape, type Shape } from './body.js';
import {
  findListener,
  findLoadBalancer,
  findPool,
  newRow,
  type OctaviaCtx,
  type OctaviaHandler,
  parentOf,
} from './context.js';
import { lockForChild, mark, schedule, type Touched } from './lifecycle.js';
import { boolColumn, listOctavia, type OctaviaListSpec, pickFields } from './list.js';
import {
  type ListenerRow,
  type LoadBalancerRow,
  type PoolRow,
  type SessionPersistenceRow,
  sortedTags,
} from './rows.js';
import { poolView } from './views.js';

/** Pool protocols Octavia 11 accepts. */
export const POOL_PROTOCOLS = ['HTTP', 'HTTPS', 'PROXY', 'PROXYV2', 'TCP', 'UDP', 'SCTP'];
/** In the order Octavia's message lists them. */
export const LB_ALGORITHMS = ['LEAST_CONNECTIONS', 'SOURCE_IP', 'SOURCE_IP_PORT', 'ROUND_ROBIN'];
const PERSISTENCE_TYPES = ['SOURCE_IP', 'HTTP_COOKIE', 'APP_COOKIE'];

const VALID_POOL_PROTOCOLS: Readonly<Record<string, readonly string[]>> = {
  TCP: ['HTTP', 'HTTPS', 'PROXY', 'PROXYV2', 'TCP'],
  HTTP: ['HTTP', 'PROXY', 'PROXYV2'],
  HTTPS: ['HTTPS', 'PROXY', 'PROXYV2', 'TCP'],
  TERMINATED_HTTPS: ['HTTP', 'PROXY', 'PROXYV2'],
  UDP: ['UDP'],
  SCTP: ['SCTP'],
};

const SESSION_PERSISTENCE: Shape = {
  type: oneOf(PERSISTENCE_TYPES, true),
  cookie_name: F.str(),
  persistence_timeout: F.int(),
  persistence_granularity: F.str(),
};

const COMMON: Shape = {
  name: F.str(),
  description: F.str(),
  admin_state_up: F.bool,
  lb_algorithm: oneOf(LB_ALGORITHMS),
  session_persistence: F.any,
  tags: F.tags,
  tls_container_ref: F.any,
  ca_tls_container_ref: F.any,
  crl_container_ref: F.any,
  tls_enabled: F.bool,
  tls_ciphers: F.any,
  tls_versions: F.any,
  alpn_protocols: F.any,
};

/** A pool nested in a load balancer or listener create. */
export const POOL_SINGLE_SHAPE: Shape = {
  ...COMMON,
  protocol: oneOf(POOL_PROTOCOLS),
  project_id: F.str(36),
  healthmonitor: F.any,
  members: F.any,
};

const POST_SHAPE: Shape = {
  ...POOL_SINGLE_SHAPE,
  protocol: oneOf(POOL_PROTOCOLS, true),
  lb_algorithm: oneOf(LB_ALGORITHMS, true),
  listener_id: F.uuid,
  loadbalancer_id: F.uuid,
};

/** How pools are listed. */
export const poolSpec: OctaviaListSpec<PoolRow> = {
  plural: 'pools',
  table: (s) => s.pools,
  filters: {
    id: (p) => p.id,
    name: (p) => p.name,
    description: (p) => p.description,
    provisioning_status: (p) => p.provisioningStatus,
    operating_status: (p) => p.operatingStatus,
    admin_state_up: (p) => boolColumn(p.adminStateUp),
    protocol: (p) => p.protocol,
    lb_algorithm: (p) => p.lbAlgorithm,
    loadbalancer_id: (p) => p.lbId,
  },
  indexed: { name: 'name', loadbalancer_id: 'lb' },
  view: (p) => poolView(p),
};

/** 400 unless a `listener` protocol may use a `pool` protocol. */
export function checkProtocols(listener: string, pool: string): void {
  if (!(VALID_POOL_PROTOCOLS[listener] ?? []).includes(pool)) {
    throw octaviaValidation(
      `The pool protocol '${pool}' is invalid while the listener protocol is '${listener}'.`,
    );
  }
}

/** 501 when `provider` does not implement `algorithm` (amphora: no SOURCE_IP_PORT; ovn: only it). */
export function checkAlgorithm(provider: string, algorithm: string): void {
  if (provider === 'ovn' && algorithm !== 'SOURCE_IP_PORT') {
    throw octaviaFault(
      501,
      `Provider 'ovn' does not support a requested option: OVN provider does not support ${algorithm} algorithm.`,
    );
  }
  if (provider !== 'ovn' && algorithm === 'SOURCE_IP_PORT') {
    throw octaviaFault(
      501,
      `Provider '${provider}' does not support a requested option: Amphora provider does not support SOURCE_IP_PORT algorithm.`,
    );
  }
}

function persistenceOf(raw: unknown): SessionPersistenceRow | null {
  if (raw === null || raw === undefined) return null;
  const sp = readShape(raw, SESSION_PERSISTENCE, 'session_persistence');
  return {
    type: get.str(sp, 'type') ?? 'SOURCE_IP',
    cookieName: get.str(sp, 'cookie_name') ?? null,
    persistenceTimeout: get.int(sp, 'persistence_timeout') ?? null,
    persistenceGranularity: get.str(sp, 'persistence_granularity') ?? null,
  };
}

/** A new pool row (PENDING_CREATE) for validated `body` on `lb`; not inserted. */
export function buildPool(ctx: OctaviaCtx, lb: LoadBalancerRow, body: Record<string, unknown>): PoolRow {
  const algorithm = get.str(body, 'lb_algorithm') ?? 'ROUND_ROBIN';
  checkAlgorithm(lb.provider, algorithm);
  return {
    ...newRow(ctx, {
      projectId: lb.projectId,
      name: get.str(body, 'name'),
      description: get.str(body, 'description'),
    }),
    adminStateUp: get.bool(body, 'admin_state_up') ?? true,
    tags: sortedTags(get.strings(body, 'tags') ?? []),
    lbId: lb.id,
    listenerIds: [],
    protocol: get.str(body, 'protocol') ?? 'TCP',
    lbAlgorithm: algorithm,
    sessionPersistence: persistenceOf(body.session_persistence),
    memberIds: [],
    healthMonitorId: null,
  };
}

/** Inserts a built pool on its load balancer, as `listener`'s default pool when given. */
export function insertPool(
  ctx: OctaviaCtx,
  lb: LoadBalancerRow,
  row: PoolRow,
  listener?: ListenerRow,
): PoolRow {
  ctx.state.pools.insert(row);
  lb.poolIds.push(row.id);
  if (listener !== undefined) {
    row.listenerIds.push(listener.id);
    listener.defaultPoolId = row.id;
  }
  return row;
}

function targetOf(
  ctx: OctaviaCtx,
  body: Record<string, unknown>,
): { lb: LoadBalancerRow; listener?: ListenerRow } {
  const listenerId = get.str(body, 'listener_id');
  if (listenerId !== undefined) {
    const listener = findListener(ctx, listenerId);
    return { lb: parentOf(ctx, listener.lbId), listener };
  }
  const lbId = get.str(body, 'loadbalancer_id');
  if (lbId === undefined)
    throw octaviaValidation('Must provide at least one of: loadbalancer_id, listener_id');
  return { lb: findLoadBalancer(ctx, lbId) };
}

const create: OctaviaHandler = (ctx, req) => {
  const body = envelope(req, 'pool', POST_SHAPE, 'pool_.pool');
  const { lb, listener } = targetOf(ctx, body);
  const row = buildPool(ctx, lb, body);
  if (listener !== undefined) checkProtocols(listener.protocol, row.protocol);
  if (listener?.defaultPoolId != null) throw octaviaFault(409, 'This listener already has a default pool');
  if (Array.isArray(body.members) && body.members.length > 0) {
    throw octaviaFault(500, "'dict' object has no attribute '_sa_instance_state'");
  }
  lockForChild(ctx.state, lb);
  insertPool(ctx, lb, row, listener);
  const touched: Touched[] = [{ table: 'pool', id: row.id }];
  if (listener !== undefined) {
    mark(ctx.state, listener, 'PENDING_UPDATE');
    touched.push({ table: 'listener', id: listener.id });
  }
  schedule(ctx.state, { lbId: lb.id, kind: 'update', touched });
  return json(201, { pool: poolView(row) });
};

/** The pool and its listeners marked PENDING_UPDATE; what a completion must settle. */
export function touchPool(
  ctx: OctaviaCtx,
  pool: PoolRow,
  status: 'PENDING_UPDATE' | 'PENDING_DELETE',
): Touched[] {
  mark(ctx.state, pool, status);
  const touched: Touched[] = [{ table: 'pool', id: pool.id }];
  for (const id of pool.listenerIds) {
    const listener = ctx.state.listeners.get(id);
    if (listener === undefined) continue;
    mark(ctx.state, listener, 'PENDING_UPDATE');
    touched.push({ table: 'listener', id });
  }
  return touched;
}

const update: OctaviaHandler = (ctx, req, { id = '' }) => {
  const row = findPool(ctx, id);
  const body = envelope(req, 'pool', COMMON, 'pool_.pool');
  const lb = parentOf(ctx, row.lbId);
  const algorithm = get.str(body, 'lb_algorithm');
  if (algorithm !== undefined) checkAlgorithm(lb.provider, algorithm);
  const persistence = 'session_persistence' in body ? persistenceOf(body.session_persistence) : undefined;
  lockForChild(ctx.state, lb);
  ctx.state.pools.update(row.id, (p) => {
    p.name = get.isNull(body, 'name') ? '' : (get.str(body, 'name') ?? p.name);
    p.description = get.str(body, 'description') ?? p.description;
    p.lbAlgorithm = algorithm ?? p.lbAlgorithm;
    if (persistence !== undefined) p.sessionPersistence = persistence;
    const tags = get.strings(body, 'tags');
    if (tags !== undefined) p.tags = sortedTags(tags);
  });
  schedule(ctx.state, { lbId: lb.id, kind: 'update', touched: touchPool(ctx, row, 'PENDING_UPDATE') });
  return json(200, { pool: poolView(row) });
};

const remove: OctaviaHandler = (ctx, _req, { id = '' }) => {
  const row = findPool(ctx, id);
  const lb = parentOf(ctx, row.lbId);
  lockForChild(ctx.state, lb);
  schedule(ctx.state, { lbId: lb.id, kind: 'update', touched: touchPool(ctx, row, 'PENDING_DELETE') });
  return empty(204);
};

/** Route handlers of /v2/lbaas/pools. */
export const poolHandlers = {
  list: ((ctx, req) => listOctavia(poolSpec, req, ctx)) satisfies OctaviaHandler,
  show: ((ctx, req, { id = '' }) =>
    json(200, {
      pool: pickFields(poolView(findPool(ctx, id)), req.query.all('fields')),
    })) satisfies OctaviaHandler,
  create,
  update,
  remove,
};
