/**
 * Octavia members of a pool: single create/update/delete and the batch update (PUT
 * /pools/{id}/members, 202) that matches members by address and port: unmatched ones in the
 * body are created (PENDING_CREATE), matched ones updated (PENDING_UPDATE, even when
 * unchanged), missing ones deleted (PENDING_DELETE) unless `additive_only`; an empty batch
 * on an empty pool is a no-op. Writes need the pool and the load balancer ACTIVE (409).
 * A member's operating status is NO_MONITOR, or OFFLINE when its pool has a monitor.
 */
import { octaviaFault, octaviaNotFound } from '../errors.js';
import type { NeutronState } from '../neutron/state.js';
import { empty, type FakeRequest, INVALID_JSON, isObject, json } from '../request.js';
import { envelope, F, get, readShape, type Shape } from './body.js';
import { findPool, newRow, type OctaviaCtx, type OctaviaHandler, parentOf } from './context.js';
import { assertMutable, lockForChild, mark, requireActivePool, schedule, type Touched } from './lifecycle.js';
import { boolColumn, listOctavia, type OctaviaListSpec, pickFields } from './list.js';
import { touchPool } from './pools.js';
import { type MemberRow, type PoolRow, sortedTags } from './rows.js';
import { memberView } from './views.js';

/** A member in a create or batch body. */
export const MEMBER_SHAPE: Shape = {
  name: F.str(),
  admin_state_up: F.bool,
  address: { type: { kind: 'ip' }, mandatory: true },
  protocol_port: { type: { kind: 'int', min: 1, max: 65_535 }, mandatory: true },
  weight: F.int(0, 256),
  backup: F.bool,
  subnet_id: F.uuid,
  project_id: F.str(36),
  monitor_port: F.int(1, 65_535),
  monitor_address: F.ip,
  tags: F.tags,
};

const PUT_SHAPE: Shape = {
  name: F.str(),
  admin_state_up: F.bool,
  weight: F.int(0, 256),
  backup: F.bool,
  monitor_port: F.int(1, 65_535),
  monitor_address: F.ip,
  tags: F.tags,
};

/** How a pool's members are listed. */
export const memberSpec: OctaviaListSpec<MemberRow> = {
  plural: 'members',
  table: (s) => s.members,
  filters: {
    id: (m) => m.id,
    name: (m) => m.name,
    provisioning_status: (m) => m.provisioningStatus,
    operating_status: (m) => m.operatingStatus,
    admin_state_up: (m) => boolColumn(m.adminStateUp),
    address: (m) => m.address,
    protocol_port: (m) => String(m.protocolPort),
    subnet_id: (m) => m.subnetId,
    weight: (m) => String(m.weight),
    backup: (m) => boolColumn(m.backup),
  },
  projectScoped: false,
  view: (m) => memberView(m),
};

const keyOf = (address: string, port: number): string => `${address}|${port}`;

/** 404 `Subnet <id> not found.` unless the subnet exists. */
export function checkSubnet(neutron: NeutronState, subnetId: string | undefined): void {
  if (subnetId !== undefined && neutron.subnets.get(subnetId) === undefined)
    throw octaviaNotFound('Subnet', subnetId);
}

/** A new member row (PENDING_CREATE) for validated `body` in `pool`; not inserted. */
export function buildMember(ctx: OctaviaCtx, pool: PoolRow, body: Record<string, unknown>): MemberRow {
  return {
    ...newRow(ctx, { projectId: pool.projectId, name: get.str(body, 'name') }),
    operatingStatus: pool.healthMonitorId === null ? 'NO_MONITOR' : 'OFFLINE',
    adminStateUp: get.bool(body, 'admin_state_up') ?? true,
    tags: sortedTags(get.strings(body, 'tags') ?? []),
    poolId: pool.id,
    address: get.str(body, 'address') ?? '',
    protocolPort: get.int(body, 'protocol_port') ?? 0,
    weight: get.int(body, 'weight') ?? 1,
    backup: get.bool(body, 'backup') ?? false,
    subnetId: get.str(body, 'subnet_id') ?? null,
    monitorAddress: get.str(body, 'monitor_address') ?? null,
    monitorPort: get.int(body, 'monitor_port') ?? null,
  };
}

/** 409 DuplicateMemberEntry when an address and port of `rows` repeat (in `pool` or among them). */
export function checkNewMembers(ctx: OctaviaCtx, pool: PoolRow, rows: readonly MemberRow[]): void {
  const taken = new Set(
    pool.memberIds
      .map((id) => ctx.state.members.get(id))
      .map((m) => (m ? keyOf(m.address, m.protocolPort) : '')),
  );
  for (const row of rows) {
    const key = keyOf(row.address, row.protocolPort);
    if (taken.has(key)) {
      throw octaviaFault(
        409,
        `Another member on this pool is already using ip ${row.address} on protocol_port ${row.protocolPort}`,
      );
    }
    taken.add(key);
  }
}

/** Inserts checked members into `pool`. */
export function insertMembers(ctx: OctaviaCtx, pool: PoolRow, rows: readonly MemberRow[]): void {
  for (const row of rows) {
    ctx.state.members.insert(row);
    pool.memberIds.push(row.id);
  }
}

function findMember(ctx: OctaviaCtx, pool: PoolRow, id: string): MemberRow {
  const member = ctx.state.members.get(id);
  if (member?.poolId !== pool.id) throw octaviaNotFound('Member', id);
  return member;
}

function lockPool(ctx: OctaviaCtx, pool: PoolRow): void {
  requireActivePool(pool);
  lockForChild(ctx.state, parentOf(ctx, pool.lbId));
}

const create: OctaviaHandler = (ctx, req, { poolId = '' }) => {
  const pool = findPool(ctx, poolId);
  const body = envelope(req, 'member', MEMBER_SHAPE, 'member_.member');
  checkSubnet(ctx.state.neutron, get.str(body, 'subnet_id'));
  const row = buildMember(ctx, pool, body);
  const lb = parentOf(ctx, pool.lbId);
  requireActivePool(pool);
  assertMutable(lb);
  checkNewMembers(ctx, pool, [row]);
  lockForChild(ctx.state, lb);
  insertMembers(ctx, pool, [row]);
  const touched = [{ table: 'member', id: row.id } as const, ...touchPool(ctx, pool, 'PENDING_UPDATE')];
  schedule(ctx.state, { lbId: pool.lbId, kind: 'update', touched });
  return json(201, { member: memberView(row) });
};

const update: OctaviaHandler = (ctx, req, { poolId = '', id = '' }) => {
  const pool = findPool(ctx, poolId);
  const member = findMember(ctx, pool, id);
  const body = envelope(req, 'member', PUT_SHAPE, 'member_.member');
  lockPool(ctx, pool);
  applyMember(member, body);
  mark(ctx.state, member, 'PENDING_UPDATE');
  const touched = [{ table: 'member', id: member.id } as const, ...touchPool(ctx, pool, 'PENDING_UPDATE')];
  schedule(ctx.state, { lbId: pool.lbId, kind: 'update', touched });
  return json(200, { member: memberView(member) });
};

function applyMember(m: MemberRow, body: Record<string, unknown>): void {
  m.name = get.isNull(body, 'name') ? '' : (get.str(body, 'name') ?? m.name);
  m.weight = get.isNull(body, 'weight') ? 1 : (get.int(body, 'weight') ?? m.weight);
  m.backup = get.isNull(body, 'backup') ? false : (get.bool(body, 'backup') ?? m.backup);
  m.adminStateUp = get.bool(body, 'admin_state_up') ?? m.adminStateUp;
  m.subnetId = get.str(body, 'subnet_id') ?? m.subnetId;
  m.monitorAddress = get.str(body, 'monitor_address') ?? m.monitorAddress;
  m.monitorPort = get.int(body, 'monitor_port') ?? m.monitorPort;
  const tags = get.strings(body, 'tags');
  if (tags !== undefined) m.tags = sortedTags(tags);
}

const remove: OctaviaHandler = (ctx, _req, { poolId = '', id = '' }) => {
  const pool = findPool(ctx, poolId);
  const member = findMember(ctx, pool, id);
  lockPool(ctx, pool);
  mark(ctx.state, member, 'PENDING_DELETE');
  const touched = [{ table: 'member', id: member.id } as const, ...touchPool(ctx, pool, 'PENDING_UPDATE')];
  schedule(ctx.state, { lbId: pool.lbId, kind: 'update', touched });
  return empty(204);
};

function batchBody(req: FakeRequest): Record<string, unknown>[] {
  if (req.body === INVALID_JSON) throw octaviaFault(400, 'Request is not in valid JSON format');
  const members = isObject(req.body) ? req.body.members : undefined;
  if (!Array.isArray(members))
    throw octaviaFault(
      400,
      "Invalid input for field/attribute members. Value: 'None'. Mandatory field missing.",
    );
  return members.map((m: unknown) => readShape(m, MEMBER_SHAPE, 'members_.members'));
}

const batch: OctaviaHandler = (ctx, req, { poolId = '' }) => {
  const pool = findPool(ctx, poolId);
  const wanted = batchBody(req);
  const additive = (req.query.get('additive_only') ?? 'false').toLowerCase() === 'true';
  const old = new Map(
    pool.memberIds.flatMap((id) => {
      const m = ctx.state.members.get(id);
      return m === undefined ? [] : [[keyOf(m.address, m.protocolPort), m] as const];
    }),
  );
  const matched = wanted.filter((w) =>
    old.has(keyOf(get.str(w, 'address') ?? '', get.int(w, 'protocol_port') ?? 0)),
  );
  const fresh = wanted.filter((w) => !matched.includes(w));
  const keep = new Set(
    wanted.map((w) => keyOf(get.str(w, 'address') ?? '', get.int(w, 'protocol_port') ?? 0)),
  );
  const gone = additive ? [] : [...old.values()].filter((m) => !keep.has(keyOf(m.address, m.protocolPort)));
  const lb = parentOf(ctx, pool.lbId);
  requireActivePool(pool);
  assertMutable(lb);
  if (matched.length === 0 && fresh.length === 0 && gone.length === 0) return empty(202);
  for (const w of fresh) checkSubnet(ctx.state.neutron, get.str(w, 'subnet_id'));
  const created = fresh.map((w) => buildMember(ctx, pool, w));
  checkNewMembers(ctx, pool, created);
  lockForChild(ctx.state, lb);
  insertMembers(ctx, pool, created);
  const touched: Touched[] = created.map((m) => ({ table: 'member', id: m.id }));
  for (const w of matched) {
    const m = old.get(keyOf(get.str(w, 'address') ?? '', get.int(w, 'protocol_port') ?? 0));
    if (m === undefined) continue;
    ctx.state.members.update(m.id, (row) => {
      applyMember(row, w);
      mark(ctx.state, row, 'PENDING_UPDATE');
    });
    touched.push({ table: 'member', id: m.id });
  }
  for (const m of gone) {
    mark(ctx.state, m, 'PENDING_DELETE');
    touched.push({ table: 'member', id: m.id });
  }
  schedule(ctx.state, {
    lbId: pool.lbId,
    kind: 'update',
    touched: [...touched, ...touchPool(ctx, pool, 'PENDING_UPDATE')],
  });
  return empty(202);
};

/** Route handlers of /v2/lbaas/pools/{poolId}/members. */
export const memberHandlers = {
  list: ((ctx, req, { poolId = '' }) =>
    listOctavia(memberSpec, req, {
      ...ctx,
      terms: [['pool', findPool(ctx, poolId).id]],
    })) satisfies OctaviaHandler,
  show: ((ctx, req, { poolId = '', id = '' }) =>
    json(200, {
      member: pickFields(memberView(findMember(ctx, findPool(ctx, poolId), id)), req.query.all('fields')),
    })) satisfies OctaviaHandler,
  create,
  update,
  remove,
  batch,
};
