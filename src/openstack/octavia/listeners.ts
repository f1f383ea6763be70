/**
 * Octavia v2 listeners (`/v2/lbaas/listeners`): body builders (a listener with its default
 * pool and members nested) and typed results; the shared verbs come from ../resource.ts.
 */
import { z } from 'zod';
import type { DesiredListener, ObservedListener } from '../../core/model.js';
import { type CommonFilters, commonQuery } from '../pagination.js';
import { definedFields } from '../resource-fields.js';
import { defineResource } from '../resource.js';
import { idRefSchema, tagsSchema, textSchema } from '../response.js';
import { LBAAS, operatingStatusSchema, protocolSchema, provisioningStatusSchema } from './enums.js';
import { buildPoolBody, type PoolBody } from './pools.js';

/** A listener as Octavia reports it: the model's ObservedListener plus extras. */
export interface ListenerRecord extends ObservedListener {
  readonly description: string;
  readonly loadBalancerIds: readonly string[];
  readonly operatingStatus: string;
}

/** The JSON of a listener in a create body (nested under an LB, or top level with loadbalancer_id). */
export interface ListenerBody {
  readonly name: string;
  readonly protocol: string;
  readonly protocol_port: number;
  readonly tags: readonly string[];
  readonly allowed_cidrs?: readonly string[];
  readonly timeout_client_data?: number;
  readonly timeout_member_data?: number;
  readonly default_pool?: PoolBody;
}

/** Listener fields a PUT may change; null timeouts reset to Octavia's defaults, [] CIDRs lift the restriction. */
export interface ListenerChanges {
  readonly name?: string;
  readonly allowedCidrs?: readonly string[];
  readonly timeoutClientData?: number | null;
  readonly timeoutMemberData?: number | null;
  readonly tags?: readonly string[];
}

/** Filters of GET /listeners. */
export interface ListenerFilters extends CommonFilters {
  readonly name?: string;
  readonly loadBalancerId?: string;
  readonly protocol?: string;
  readonly protocolPort?: number;
}

/** Octavia's listener JSON → ListenerRecord (unknown protocols/statuses fail parsing). */
export const listenerSchema = z
  .object({
    id: z.string(),
    name: textSchema,
    description: textSchema,
    protocol: protocolSchema,
    protocol_port: z.number().int(),
    allowed_cidrs: z.array(z.string()).nullish(),
    timeout_client_data: z.number().int().nullish(),
    timeout_member_data: z.number().int().nullish(),
    default_pool_id: z.string().nullish(),
    loadbalancers: z.array(idRefSchema).nullish(),
    tags: tagsSchema,
    provisioning_status: provisioningStatusSchema,
    operating_status: operatingStatusSchema,
  })
  .transform((l): ListenerRecord => ({
    id: l.id,
    name: l.name,
    description: l.description,
    protocol: l.protocol,
    protocolPort: l.protocol_port,
    allowedCidrs: l.allowed_cidrs ?? [],
    timeoutClientData: l.timeout_client_data ?? null,
    timeoutMemberData: l.timeout_member_data ?? null,
    defaultPoolId: l.default_pool_id ?? null,
    tags: l.tags,
    provisioningStatus: l.provisioning_status,
    loadBalancerIds: (l.loadbalancers ?? []).map((lb) => lb.id),
    operatingStatus: l.operating_status,
  }));

/**
 * The listener JSON for a desired listener without its pool. Empty CIDRs and null timeouts
 * are left out so Octavia applies its defaults. Pure.
 */
export function buildListenerFields(listener: DesiredListener): Omit<ListenerBody, 'default_pool'> {
  return {
    name: listener.name,
    protocol: listener.protocol,
    protocol_port: listener.protocolPort,
    tags: [...listener.tags],
    ...(listener.allowedCidrs.length === 0 ? {} : { allowed_cidrs: [...listener.allowedCidrs] }),
    ...(listener.timeoutClientData === null ? {} : { timeout_client_data: listener.timeoutClientData }),
    ...(listener.timeoutMemberData === null ? {} : { timeout_member_data: listener.timeoutMemberData }),
  };
}

/** The listener JSON for a desired listener, its pool (with members) nested as `default_pool`. Pure. */
export function buildListenerBody(listener: DesiredListener): ListenerBody {
  return { ...buildListenerFields(listener), default_pool: buildPoolBody(listener.pool) };
}

/**
 * The body of POST /listeners: the listener alone on an existing LB. Pure. Its pool is not
 * nested: Octavia 11 answers a standalone listener POST with a nested `default_pool` with
 * HTTP 500 (`'dict' object has no attribute '_sa_instance_state'`, api/v2/controllers/
 * listener.py `_validate_create_listener`), so the pool and its members follow in later
 * passes (createPool, replaceMembers). Nesting works inside a load balancer create.
 */
export function buildCreateBody(
  loadBalancerId: string,
  listener: DesiredListener,
): { listener: Omit<ListenerBody, 'default_pool'> & { loadbalancer_id: string } } {
  return { listener: { ...buildListenerFields(listener), loadbalancer_id: loadBalancerId } };
}

/** The body of PUT /listeners/{id}: only the fields present in `changes` (empty CIDRs → null). Pure. */
export function buildUpdateBody(changes: ListenerChanges): { listener: Record<string, unknown> } {
  const names = {
    name: 'name',
    timeoutClientData: 'timeout_client_data',
    timeoutMemberData: 'timeout_member_data',
    tags: 'tags',
  };
  const listener: Record<string, unknown> = definedFields(changes, names);
  if (changes.allowedCidrs !== undefined) {
    listener.allowed_cidrs = changes.allowedCidrs.length === 0 ? null : [...changes.allowedCidrs];
  }
  return { listener };
}

/** Query parameters for ListenerFilters. Pure. */
export function listenerQuery(filters: ListenerFilters): Record<string, string | number> {
  const names = {
    name: 'name',
    loadBalancerId: 'loadbalancer_id',
    protocol: 'protocol',
    protocolPort: 'protocol_port',
  };
  return { ...commonQuery(filters), ...definedFields(filters, names) };
}

const listeners = defineResource({
  service: 'load-balancer',
  path: `${LBAAS}/listeners`,
  singular: 'listener',
  plural: 'listeners',
  schema: listenerSchema,
  query: listenerQuery,
  createBody: (body: ReturnType<typeof buildCreateBody>) => body,
  updateBody: buildUpdateBody,
});

/** One page of listeners. */
export const list = listeners.list;

/** Every listener matching `filters` (follows pages). */
export const listAll = listeners.listAll;

/** GET one listener. Throws NotFoundError when absent. */
export const get = listeners.get;

/** POST a listener on an existing LB (see buildCreateBody). Throws ConflictError while the LB is busy. */
export const create = listeners.create;

/** PUT changes to a listener. Throws ConflictError while the LB is busy. */
export const update = listeners.update;

/** DELETE a listener (its default pool stays). Throws NotFoundError when gone, ConflictError while busy. */
const remove = listeners.remove;
export { remove as delete };
