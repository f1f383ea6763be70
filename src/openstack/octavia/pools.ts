/**
 * Octavia v2 pools (`/v2/lbaas/pools`): body builders (a pool with its members nested)
 * and typed results; the shared verbs come from ../resource.ts.
 */
import { z } from 'zod';
import type { DesiredPool, LbAlgorithm, ObservedPool, SessionPersistence } from '../../core/model.js';
import { type CommonFilters, commonQuery } from '../pagination.js';
import { definedFields } from '../resource-fields.js';
import { defineResource } from '../resource.js';
import { idRefSchema, tagsSchema, textSchema } from '../response.js';
import {
  LBAAS,
  lbAlgorithmSchema,
  operatingStatusSchema,
  protocolSchema,
  provisioningStatusSchema,
} from './enums.js';
import { buildHealthMonitorBody, type HealthMonitorBody } from './healthmonitors.js';
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
  /** Only inside a load balancer create (a standalone pool create gets its monitor later). */
  readonly healthmonitor?: HealthMonitorBody;
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

/** The pool JSON for a desired pool without its members and monitor. Pure. */
export function buildPoolFields(pool: DesiredPool): Omit<PoolBody, 'members' | 'healthmonitor'> {
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

/**
 * The pool JSON for a desired pool inside a fully-populated load balancer create: members
 * nested (omitted when there are none), and its health monitor when it has one. Pure.
 */
export function buildPoolBody(pool: DesiredPool): PoolBody {
  const fields = buildPoolFields(pool);
  return {
    ...fields,
    ...(pool.members.length === 0 ? {} : { members: pool.members.map(buildMemberBody) }),
    ...(pool.healthMonitor === undefined
      ? {}
      : { healthmonitor: buildHealthMonitorBody(pool.healthMonitor) }),
  };
}

/**
 * The body of POST /pools: `pool` as the default pool of an existing listener, WITHOUT its
 * members and monitor. Octavia 11 (Zed) answers 500 to members nested in a standalone pool
 * create (`'dict' object has no attribute '_sa_instance_state'` in
 * create_pool_on_load_balancer); the members follow in a batch update (replaceMembers) and the
 * monitor in its own create (createHealthMonitor) on the next reconciles. Pure.
 */
export function buildCreateBody(
  listenerId: string,
  pool: DesiredPool,
): { pool: Omit<PoolBody, 'members' | 'healthmonitor'> & { listener_id: string } } {
  return { pool: { ...buildPoolFields(pool), listener_id: listenerId } };
}

/** The body of PUT /pools/{id}: only the fields present in `changes`. Pure. */
export function buildUpdateBody(changes: PoolChanges): { pool: Record<string, unknown> } {
  const pool: Record<string, unknown> = definedFields(changes, {
    name: 'name',
    lbAlgorithm: 'lb_algorithm',
    tags: 'tags',
  });
  if (changes.sessionPersistence !== undefined) {
    pool.session_persistence =
      changes.sessionPersistence === null ? null : { type: changes.sessionPersistence.type };
  }
  return { pool };
}

/** Query parameters for PoolFilters. Pure. */
export function poolQuery(filters: PoolFilters): Record<string, string | number> {
  return {
    ...commonQuery(filters),
    ...definedFields(filters, { name: 'name', loadBalancerId: 'loadbalancer_id' }),
  };
}

const pools = defineResource({
  service: 'load-balancer',
  path: `${LBAAS}/pools`,
  singular: 'pool',
  plural: 'pools',
  schema: poolSchema,
  query: poolQuery,
  createBody: (body: ReturnType<typeof buildCreateBody>) => body,
  updateBody: buildUpdateBody,
});

/** One page of pools. */
export const list = pools.list;

/** Every pool matching `filters` (follows pages). */
export const listAll = pools.listAll;

/** GET one pool. Throws NotFoundError when absent. */
export const get = pools.get;

/** POST a pool (without members, see buildCreateBody) for a listener. Throws ConflictError while the LB is busy. */
export const create = pools.create;

/** PUT changes to a pool. Throws ConflictError while the LB is busy. */
export const update = pools.update;

/** DELETE a pool (its members go with it). Throws NotFoundError when gone, ConflictError while busy. */
const remove = pools.remove;
export { remove as delete };
