/**
 * Octavia listeners: create on an ACTIVE load balancer (PENDING_CREATE under PENDING_UPDATE;
 * one listener per L4 protocol family and port, 409 otherwise; allowed CIDRs of the VIP's
 * IP version; Octavia's timeout defaults), update (null resets a timeout to its default and
 * lifts the CIDR restriction), delete (the default pool stays), list/show. A standalone POST
 * with a nested `default_pool` answers 500, as Octavia 11 does.
 */
import { octaviaFault, octaviaValidation } from '../errors.js';
import { parseAddress, parseCidr } from '../neutron/ip.js';
import { empty, json } from '../request.js';
import { envelope, F, get, oneOf, type Shape } from './body.js';
import {
  findListener,
  findLoadBalancer,
  newRow,
  type OctaviaCtx,
  type OctaviaHandler,
  parentOf,
} from './context.js';
import { lockForChild, mark, schedule } from './lifecycle.js';
import { boolColumn, listOctavia, type OctaviaListSpec, pickFields } from './list.js';
import { LISTENER_DEFAULTS, type ListenerRow, type LoadBalancerRow, sortedTags } from './rows.js';
import { listenerView } from './views.js';

/** Listener protocols Octavia 11 accepts. */
export const LISTENER_PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'TERMINATED_HTTPS', 'UDP', 'SCTP', 'PROMETHEUS'];

const L4: Readonly<Record<string, string>> = { UDP: 'UDP', SCTP: 'SCTP' };

/** The L4 family of a listener protocol (TCP for HTTP, HTTPS, …). */
export function l4Of(protocol: string): string {
  return L4[protocol] ?? 'TCP';
}

const timeout = F.int(0, 31_536_000);
const COMMON: Shape = {
  name: F.str(),
  description: F.str(),
  admin_state_up: F.bool,
  connection_limit: F.int(-1),
  default_tls_container_ref: F.any,
  sni_container_refs: F.any,
  default_pool_id: F.uuid,
  insert_headers: F.any,
  timeout_client_data: timeout,
  timeout_member_connect: timeout,
  timeout_member_data: timeout,
  timeout_tcp_inspect: timeout,
  tags: F.tags,
  client_ca_tls_container_ref: F.any,
  client_authentication: F.any,
  client_crl_container_ref: F.any,
  allowed_cidrs: { type: { kind: 'cidrs' } },
  tls_ciphers: F.any,
  tls_versions: F.any,
  alpn_protocols: F.any,
};

/** A listener nested in a load balancer create. */
export const LISTENER_SINGLE_SHAPE: Shape = {
  ...COMMON,
  protocol: oneOf(LISTENER_PROTOCOLS, true),
  protocol_port: { type: { kind: 'int', min: 1, max: 65_535 }, mandatory: true },
  project_id: F.str(36),
  default_pool: F.any,
  l7policies: F.any,
};

const POST_SHAPE: Shape = {
  ...LISTENER_SINGLE_SHAPE,
  loadbalancer_id: { type: { kind: 'uuid' }, mandatory: true },
};

/** How listeners are listed. */
export const listenerSpec: OctaviaListSpec<ListenerRow> = {
  plural: 'listeners',
  table: (s) => s.listeners,
  filters: {
    id: (l) => l.id,
    name: (l) => l.name,
    description: (l) => l.description,
    provisioning_status: (l) => l.provisioningStatus,
    operating_status: (l) => l.operatingStatus,
    admin_state_up: (l) => boolColumn(l.adminStateUp),
    protocol: (l) => l.protocol,
    protocol_port: (l) => String(l.protocolPort),
    connection_limit: (l) => String(l.connectionLimit),
    loadbalancer_id: (l) => l.lbId,
    default_pool_id: (l) => l.defaultPoolId,
    timeout_client_data: (l) => String(l.timeoutClientData),
    timeout_member_data: (l) => String(l.timeoutMemberData),
  },
  indexed: { name: 'name', loadbalancer_id: 'lb' },
  view: (l) => listenerView(l),
};

function checkCidrs(lb: LoadBalancerRow, cidrs: readonly string[]): void {
  const vipVersion = parseAddress(lb.vipAddress)?.version;
  for (const cidr of cidrs) {
    if (parseCidr(cidr)?.version !== vipVersion) {
      throw octaviaValidation(`CIDR ${cidr} IP version incompatible with VIP ${lb.vipAddress} IP version.`);
    }
  }
}

/** 409 when `lb` (or `siblings` of the same create) already listens on this L4 protocol and port. */
export function checkDuplicate(
  ctx: OctaviaCtx,
  lb: { readonly listenerIds: readonly string[] },
  wanted: { readonly protocol: string; readonly port: number; readonly siblings?: readonly ListenerRow[] },
): void {
  const existing = [...lb.listenerIds.map((id) => ctx.state.listeners.get(id)), ...(wanted.siblings ?? [])];
  const clash = existing.find(
    (l) => l?.protocolPort === wanted.port && l4Of(l.protocol) === l4Of(wanted.protocol),
  );
  if (clash !== undefined) {
    throw octaviaFault(
      409,
      `Another Listener on this Load Balancer is already using protocol ${clash.protocol} and protocol_port ${wanted.port}`,
    );
  }
}

/** A new listener row (PENDING_CREATE) for validated `body` on `lb`; not inserted. */
export function buildListener(
  ctx: OctaviaCtx,
  lb: LoadBalancerRow,
  body: Record<string, unknown>,
): ListenerRow {
  const cidrs = get.strings(body, 'allowed_cidrs');
  if (cidrs !== undefined) checkCidrs(lb, cidrs);
  return {
    ...newRow(ctx, {
      projectId: lb.projectId,
      name: get.str(body, 'name'),
      description: get.str(body, 'description'),
    }),
    adminStateUp: get.bool(body, 'admin_state_up') ?? true,
    tags: sortedTags(get.strings(body, 'tags') ?? []),
    lbId: lb.id,
    protocol: get.str(body, 'protocol') ?? 'TCP',
    protocolPort: get.int(body, 'protocol_port') ?? 0,
    connectionLimit: get.int(body, 'connection_limit') ?? LISTENER_DEFAULTS.connectionLimit,
    defaultPoolId: null,
    timeoutClientData: get.int(body, 'timeout_client_data') ?? LISTENER_DEFAULTS.timeoutClientData,
    timeoutMemberConnect: get.int(body, 'timeout_member_connect') ?? LISTENER_DEFAULTS.timeoutMemberConnect,
    timeoutMemberData: get.int(body, 'timeout_member_data') ?? LISTENER_DEFAULTS.timeoutMemberData,
    timeoutTcpInspect: get.int(body, 'timeout_tcp_inspect') ?? LISTENER_DEFAULTS.timeoutTcpInspect,
    allowedCidrs: cidrs === undefined || cidrs.length === 0 ? null : cidrs,
    insertHeaders: {},
  };
}

/** Inserts a built listener on its load balancer. */
export function insertListener(ctx: OctaviaCtx, lb: LoadBalancerRow, row: ListenerRow): ListenerRow {
  ctx.state.listeners.insert(row);
  lb.listenerIds.push(row.id);
  return row;
}

const create: OctaviaHandler = (ctx, req) => {
  const body = envelope(req, 'listener', POST_SHAPE, 'listener_.listener');
  const lb = findLoadBalancer(ctx, get.str(body, 'loadbalancer_id') ?? '');
  if (body.default_pool != null) {
    throw octaviaFault(500, "'dict' object has no attribute '_sa_instance_state'");
  }
  const row = buildListener(ctx, lb, body);
  checkDuplicate(ctx, lb, { protocol: row.protocol, port: row.protocolPort });
  lockForChild(ctx.state, lb);
  insertListener(ctx, lb, row);
  schedule(ctx.state, { lbId: lb.id, kind: 'update', touched: [{ table: 'listener', id: row.id }] });
  return json(201, { listener: listenerView(row) });
};

const PUT_SHAPE: Shape = COMMON;

function applyUpdate(row: ListenerRow, body: Record<string, unknown>): void {
  const reset = (key: string, field: keyof typeof LISTENER_DEFAULTS): number | undefined =>
    get.isNull(body, key) ? LISTENER_DEFAULTS[field] : get.int(body, key);
  row.name = get.isNull(body, 'name') ? '' : (get.str(body, 'name') ?? row.name);
  row.description = get.isNull(body, 'description') ? '' : (get.str(body, 'description') ?? row.description);
  row.adminStateUp = get.bool(body, 'admin_state_up') ?? row.adminStateUp;
  row.connectionLimit = reset('connection_limit', 'connectionLimit') ?? row.connectionLimit;
  row.timeoutClientData = reset('timeout_client_data', 'timeoutClientData') ?? row.timeoutClientData;
  row.timeoutMemberConnect =
    reset('timeout_member_connect', 'timeoutMemberConnect') ?? row.timeoutMemberConnect;
  row.timeoutMemberData = reset('timeout_member_data', 'timeoutMemberData') ?? row.timeoutMemberData;
  row.timeoutTcpInspect = reset('timeout_tcp_inspect', 'timeoutTcpInspect') ?? row.timeoutTcpInspect;
  if ('allowed_cidrs' in body) {
    const cidrs = get.strings(body, 'allowed_cidrs') ?? [];
    row.allowedCidrs = cidrs.length === 0 ? null : cidrs;
  }
}

const update: OctaviaHandler = (ctx, req, { id = '' }) => {
  const row = findListener(ctx, id);
  const body = envelope(req, 'listener', PUT_SHAPE, 'listener_.listener');
  const lb = parentOf(ctx, row.lbId);
  checkCidrs(lb, get.strings(body, 'allowed_cidrs') ?? []);
  lockForChild(ctx.state, lb);
  ctx.state.listeners.update(row.id, (l) => {
    applyUpdate(l, body);
    const tags = get.strings(body, 'tags');
    if (tags !== undefined || get.isNull(body, 'tags')) l.tags = sortedTags(tags ?? []);
    mark(ctx.state, l, 'PENDING_UPDATE');
  });
  schedule(ctx.state, { lbId: lb.id, kind: 'update', touched: [{ table: 'listener', id: row.id }] });
  return json(200, { listener: listenerView(row) });
};

const remove: OctaviaHandler = (ctx, _req, { id = '' }) => {
  const row = findListener(ctx, id);
  const lb = parentOf(ctx, row.lbId);
  lockForChild(ctx.state, lb);
  mark(ctx.state, row, 'PENDING_DELETE');
  schedule(ctx.state, { lbId: lb.id, kind: 'update', touched: [{ table: 'listener', id: row.id }] });
  return empty(204);
};

/** Route handlers of /v2/lbaas/listeners. */
export const listenerHandlers = {
  list: ((ctx, req) => listOctavia(listenerSpec, req, ctx)) satisfies OctaviaHandler,
  show: ((ctx, req, { id = '' }) =>
    json(200, {
      listener: pickFields(listenerView(findListener(ctx, id)), req.query.all('fields')),
    })) satisfies OctaviaHandler,
  create,
  update,
  remove,
};
