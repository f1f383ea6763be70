/**
 * Octavia v2 health monitors (`/v2/lbaas/healthmonitors`): body builders (a monitor nested in
 * a pool of a fully-populated create, or posted on its own for an existing pool) and typed
 * results (the shared verbs come from ../resource.ts).
 */
import { z } from 'zod';
import type {
  DesiredHealthMonitor,
  HealthMonitorType,
  ObservedHealthMonitor,
  ProvisioningStatus,
} from '../../core/model.js';
import { type CommonFilters, commonQuery } from '../pagination.js';
import { definedFields } from '../resource-fields.js';
import { defineResource } from '../resource.js';
import { idRefSchema, tagsSchema, textSchema } from '../response.js';
import { LBAAS, operatingStatusSchema, provisioningStatusSchema } from './enums.js';

export type { HealthMonitorType } from '../../core/model.js';

/** The JSON of a monitor nested in a pool of a load balancer create (no pool_id). */
export interface HealthMonitorBody {
  readonly name: string;
  readonly type: HealthMonitorType;
  readonly delay: number;
  readonly timeout: number;
  readonly max_retries: number;
  readonly max_retries_down: number;
  readonly tags: readonly string[];
}

/** What to create: a monitor on one pool. Durations in seconds, as Octavia takes them. */
export interface HealthMonitorSpec {
  readonly poolId: string;
  readonly name: string;
  readonly type: HealthMonitorType;
  readonly delay: number;
  readonly timeout: number;
  readonly maxRetries: number;
  readonly maxRetriesDown?: number;
  readonly tags: readonly string[];
}

/** A health monitor as Octavia reports it: the model's ObservedHealthMonitor plus extras. */
export interface HealthMonitorRecord extends ObservedHealthMonitor {
  readonly poolIds: readonly string[];
  readonly provisioningStatus: ProvisioningStatus;
  readonly operatingStatus: string;
}

/** Monitor fields a PUT may change. */
export type HealthMonitorChanges = Partial<
  Pick<HealthMonitorSpec, 'name' | 'delay' | 'timeout' | 'maxRetries' | 'maxRetriesDown' | 'tags'>
>;

/** Filters of GET /healthmonitors. */
export interface HealthMonitorFilters extends CommonFilters {
  readonly name?: string;
  readonly poolId?: string;
}

/** Octavia's health monitor JSON → HealthMonitorRecord. */
export const healthMonitorSchema = z
  .object({
    id: z.string(),
    name: textSchema,
    type: z.enum(['TCP', 'UDP-CONNECT', 'SCTP', 'HTTP', 'HTTPS', 'PING', 'TLS-HELLO']),
    delay: z.number().int(),
    timeout: z.number().int(),
    max_retries: z.number().int(),
    max_retries_down: z.number().int().nullish(),
    pools: z.array(idRefSchema).nullish(),
    tags: tagsSchema,
    provisioning_status: provisioningStatusSchema,
    operating_status: operatingStatusSchema,
  })
  .transform((hm): HealthMonitorRecord => ({
    id: hm.id,
    name: hm.name,
    type: hm.type,
    delay: hm.delay,
    timeout: hm.timeout,
    maxRetries: hm.max_retries,
    maxRetriesDown: hm.max_retries_down ?? null,
    poolIds: (hm.pools ?? []).map((p) => p.id),
    tags: hm.tags,
    provisioningStatus: hm.provisioning_status,
    operatingStatus: hm.operating_status,
  }));

function changesJson(changes: HealthMonitorChanges): Record<string, unknown> {
  return definedFields(changes, {
    name: 'name',
    delay: 'delay',
    timeout: 'timeout',
    maxRetries: 'max_retries',
    maxRetriesDown: 'max_retries_down',
    tags: 'tags',
  });
}

/** The JSON of a desired monitor nested in its pool (the pool is implied). Pure. */
export function buildHealthMonitorBody(monitor: DesiredHealthMonitor): HealthMonitorBody {
  return {
    name: monitor.name,
    type: monitor.type,
    delay: monitor.delay,
    timeout: monitor.timeout,
    max_retries: monitor.maxRetries,
    max_retries_down: monitor.maxRetriesDown,
    tags: [...monitor.tags],
  };
}

/** The HealthMonitorSpec that puts `monitor` on pool `poolId`. Pure. */
export function specFor(poolId: string, monitor: DesiredHealthMonitor): HealthMonitorSpec {
  return { poolId, ...monitor };
}

/** The body of POST /healthmonitors. Pure. */
export function buildCreateBody(spec: HealthMonitorSpec): { healthmonitor: Record<string, unknown> } {
  return { healthmonitor: { pool_id: spec.poolId, type: spec.type, ...changesJson(spec) } };
}

/** The body of PUT /healthmonitors/{id}: only the fields present in `changes`. Pure. */
export function buildUpdateBody(changes: HealthMonitorChanges): { healthmonitor: Record<string, unknown> } {
  return { healthmonitor: changesJson(changes) };
}

/** Query parameters for HealthMonitorFilters. Pure. */
export function healthMonitorQuery(filters: HealthMonitorFilters): Record<string, string | number> {
  return { ...commonQuery(filters), ...definedFields(filters, { name: 'name', poolId: 'pool_id' }) };
}

const healthMonitors = defineResource({
  service: 'load-balancer',
  path: `${LBAAS}/healthmonitors`,
  singular: 'healthmonitor',
  plural: 'healthmonitors',
  schema: healthMonitorSchema,
  query: healthMonitorQuery,
  createBody: buildCreateBody,
  updateBody: buildUpdateBody,
});

/** One page of health monitors. */
export const list = healthMonitors.list;

/** Every health monitor matching `filters` (follows pages). */
export const listAll = healthMonitors.listAll;

/** GET one health monitor. Throws NotFoundError when absent. */
export const get = healthMonitors.get;

/** POST a health monitor on a pool. Throws ConflictError while the LB is busy (or the pool has one). */
export const create = healthMonitors.create;

/** PUT changes to a health monitor. Throws ConflictError while the LB is busy. */
export const update = healthMonitors.update;

/** DELETE a health monitor. Throws NotFoundError when gone, ConflictError while busy. */
const remove = healthMonitors.remove;
export { remove as delete };
