/**
 * Octavia v2 pools (`/v2/lbaas/pools`): body builders (a pool with its members nested),
 * thin calls and typed results.
 */
import { z } from 'zod';
import type { DesiredPool, LbAlgorithm, ObservedPool, SessionPersistence } from '../../core/model.js';
import type { OpenStackSession } from '../session.js';
import {
  type CommonFilters,
  commonQuery,
  listAll as listAllPages,
  type ListRequest,
  listPage,
  type Page,
} from '../pagination.js';
import { idRefSchema, send, sendNoContent, tagsSchema, textSchema } from '../response.js';
import {
  LBAAS,
  lbAlgorithmSchema,
  operatingStatusSchema,
  protocolSchema,
  provisioningStatusSchema,
} from './enums.js';
import { buildMemberBody, type MemberBody } from './members.js';

/** A pool as Octavia reports it: the model's ObservedPool without members, plus their ids. */
export interface PoolRecord extends Omit<ObservedPool, 'members'> {
  readonly description: string;
  readonly memberIds: readonly string[];
  readonly loadBalancerIds: readonly string[];
  readonly healthMonitorId: string | null;
  readonly operatingStatus: string;
}

/** The JSON of a pool in a create body (nested under a listener, or top level with listener_id). */
export interface PoolBody {
  readonly name: string;
  readonly protocol: string;
  readonly lb_algorithm: LbAlgorithm;
  readonly session_persistence?: { readonly type: SessionPersistence['type'] };
  readonly tags: readonly string[];
  readonly members?: readonly MemberBody[];
}

/** Pool fields a PUT may change (null persistence removes it). */
export interface PoolChanges {
  readonly name?: string;
  readonly lbAlgorithm?: LbAlgorithm;
  readonly sessionPersistence?: SessionPersistence | null;
  readonly tags?: readonly string[];
}

/** Filters of GET /pools. */
export interface PoolFilters extends CommonFilters {
  readonly name?: string;
  readonly loadBalancerId?: string;
}

const sessionPersistenceSchema = z
  .object({ type: z.literal('SOURCE_IP') })
  .nullish()
  .transform((sp): SessionPersistence | null => (sp ? { type: sp.type } : null));

/** Octavia's pool JSON → PoolRecord (unknown protocol/algorithm/persistence fail parsing). */
export const poolSchema = z
  .object({
    id: z.string(),
    name: textSchema,
    description: textSchema,
    protocol: protocolSchema,
    lb_algorithm: lbAlgorithmSchema,
    session_persistence: sessionPersistenceSchema,
    listeners: z.array(idRefSchema).nullish(),
    loadbalancers: z.array(idRefSchema).nullish(),
    members: z.array(idRefSchema).nullish(),
    healthmonitor_id: z.string().nullish(),
    tags: tagsSchema,
    provisioning_status: provisioningStatusSchema,
    operating_status: operatingStatusSchema,
  })
  .transform((p): PoolRecord => ({
    id: p.id,
    name: p.name,
    description: p.description,
    protocol: p.protocol,
    lbAlgorithm: p.lb_algorithm,
    sessionPersistence: p.session_persistence,
    listenerId: p.listeners?.[0]?.id ?? null,
    tags: p.tags,
    provisioningStatus: p.provisioning_status,
    memberIds: (p.members ?? []).map((m) => m.id),
    loadBalancerIds: (p.loadbalancers ?? []).map((lb) => lb.id),
    healthMonitorId: p.healthmonitor_id ?? null,
    operatingStatus: p.operating_status,
  }));

/** The pool JSON for a desired pool without its members. Pure. */
export function buildPoolFields(pool: DesiredPool): Omit<PoolBody, 'members'> {
  return {
    name: pool.name,
    protocol: pool.protocol,
    lb_algorithm: pool.lbAlgorithm,
    ...(pool.sessionPersistence === null
      ? {}
      : { session_persistence: { type: pool.sessionPersistence.type } }),
    tags: [...pool.tags],
  };
}

/** The pool JSON for a desired pool, members nested (omitted when there are none). Pure. */
export function buildPoolBody(pool: DesiredPool): PoolBody {
  const fields = buildPoolFields(pool);
  return pool.members.length === 0 ? fields : { ...fields, members: pool.members.map(buildMemberBody) };
}

/**
 * The body of POST /pools: `pool` as the default pool of an existing listener, WITHOUT its
 * members. Octavia 11 (Zed) answers 500 to members nested in a standalone pool create
 * (`'dict' object has no attribute '_sa_instance_state'` in create_pool_on_load_balancer);
 * the members follow in a batch update (replaceMembers) on the next reconcile. Pure.
 */
export function buildCreateBody(
  listenerId: string,
  pool: DesiredPool,
): { pool: Omit<PoolBody, 'members'> & { listener_id: string } } {
  return { pool: { ...buildPoolFields(pool), listener_id: listenerId } };
}

/** The body of PUT /pools/{id}: only the fields present in `changes`. Pure. */
export function buildUpdateBody(changes: PoolChanges): { pool: Record<string, unknown> } {
  const pool: Record<string, unknown> = {};
  if (changes.name !== undefined) pool.name = changes.name;
  if (changes.lbAlgorithm !== undefined) pool.lb_algorithm = changes.lbAlgorithm;
  if (changes.sessionPersistence !== undefined) {
    pool.session_persistence =
      changes.sessionPersistence === null ? null : { type: changes.sessionPersistence.type };
  }
  if (changes.tags !== undefined) pool.tags = [...changes.tags];
  return { pool };
}

/** Query parameters for PoolFilters. Pure. */
export function poolQuery(filters: PoolFilters): Record<string, string | number> {
  const query = commonQuery(filters);
  if (filters.name !== undefined) query.name = filters.name;
  if (filters.loadBalancerId !== undefined) query.loadbalancer_id = filters.loadBalancerId;
  return query;
}

function poolPath(poolId?: string): string {
  return poolId === undefined ? `${LBAAS}/pools` : `${LBAAS}/pools/${encodeURIComponent(poolId)}`;
}

function listRequest(filters: PoolFilters, signal?: AbortSignal): ListRequest {
  const query = poolQuery(filters);
  return {
    service: 'load-balancer',
    path: poolPath(),
    collection: 'pools',
    query,
    operation: 'octavia.pool.list',
    signal,
  };
}

const single = z.object({ pool: poolSchema }).transform((body) => body.pool);

/** One page of pools. */
export async function list(
  session: OpenStackSession,
  filters: PoolFilters = {},
  signal?: AbortSignal,
): Promise<Page<PoolRecord>> {
  return listPage(session, listRequest(filters, signal), poolSchema);
}

/** Every pool matching `filters` (follows pages). */
export async function listAll(
  session: OpenStackSession,
  filters: PoolFilters = {},
  signal?: AbortSignal,
): Promise<PoolRecord[]> {
  return listAllPages(session, listRequest(filters, signal), poolSchema);
}

/** GET one pool. Throws NotFoundError when absent. */
export async function get(
  session: OpenStackSession,
  poolId: string,
  signal?: AbortSignal,
): Promise<PoolRecord> {
  return send(
    session,
    {
      service: 'load-balancer',
      method: 'GET',
      path: poolPath(poolId),
      operation: 'octavia.pool.get',
      signal,
    },
    single,
  );
}

/** POST a pool (with nested members) for a listener. Throws ConflictError while the LB is busy. */
export async function create(
  session: OpenStackSession,
  body: ReturnType<typeof buildCreateBody>,
  signal?: AbortSignal,
): Promise<PoolRecord> {
  return send(
    session,
    {
      service: 'load-balancer',
      method: 'POST',
      path: poolPath(),
      body,
      operation: 'octavia.pool.create',
      signal,
    },
    single,
  );
}

/** PUT changes to a pool. Throws ConflictError while the LB is busy. */
export async function update(
  session: OpenStackSession,
  poolId: string,
  changes: PoolChanges,
  signal?: AbortSignal,
): Promise<PoolRecord> {
  const call = {
    service: 'load-balancer',
    method: 'PUT',
    path: poolPath(poolId),
    body: buildUpdateBody(changes),
  } as const;
  return send(session, { ...call, operation: 'octavia.pool.update', signal }, single);
}

/** DELETE a pool (its members go with it). Throws NotFoundError when gone, ConflictError while busy. */
async function remove(session: OpenStackSession, poolId: string, signal?: AbortSignal): Promise<void> {
  await sendNoContent(session, {
    service: 'load-balancer',
    method: 'DELETE',
    path: poolPath(poolId),
    operation: 'octavia.pool.delete',
    signal,
  });
}
export { remove as delete };
