/**
 * Octavia v2 listeners (`/v2/lbaas/listeners`): body builders (a listener with its default
 * pool and members nested), thin calls and typed results.
 */
import { z } from 'zod';
import type { DesiredListener, ObservedListener } from '../../core/model.js';
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
  const listener: Record<string, unknown> = {};
  if (changes.name !== undefined) listener.name = changes.name;
  if (changes.allowedCidrs !== undefined) {
    listener.allowed_cidrs = changes.allowedCidrs.length === 0 ? null : [...changes.allowedCidrs];
  }
  if (changes.timeoutClientData !== undefined) listener.timeout_client_data = changes.timeoutClientData;
  if (changes.timeoutMemberData !== undefined) listener.timeout_member_data = changes.timeoutMemberData;
  if (changes.tags !== undefined) listener.tags = [...changes.tags];
  return { listener };
}

/** Query parameters for ListenerFilters. Pure. */
export function listenerQuery(filters: ListenerFilters): Record<string, string | number> {
  const query = commonQuery(filters);
  if (filters.name !== undefined) query.name = filters.name;
  if (filters.loadBalancerId !== undefined) query.loadbalancer_id = filters.loadBalancerId;
  if (filters.protocol !== undefined) query.protocol = filters.protocol;
  if (filters.protocolPort !== undefined) query.protocol_port = filters.protocolPort;
  return query;
}

function listenerPath(listenerId?: string): string {
  return listenerId === undefined
    ? `${LBAAS}/listeners`
    : `${LBAAS}/listeners/${encodeURIComponent(listenerId)}`;
}

function listRequest(filters: ListenerFilters, signal?: AbortSignal): ListRequest {
  const query = listenerQuery(filters);
  return {
    service: 'load-balancer',
    path: listenerPath(),
    collection: 'listeners',
    query,
    operation: 'octavia.listener.list',
    signal,
  };
}

const single = z.object({ listener: listenerSchema }).transform((body) => body.listener);

/** One page of listeners. */
export async function list(
  session: OpenStackSession,
  filters: ListenerFilters = {},
  signal?: AbortSignal,
): Promise<Page<ListenerRecord>> {
  return listPage(session, listRequest(filters, signal), listenerSchema);
}

/** Every listener matching `filters` (follows pages). */
export async function listAll(
  session: OpenStackSession,
  filters: ListenerFilters = {},
  signal?: AbortSignal,
): Promise<ListenerRecord[]> {
  return listAllPages(session, listRequest(filters, signal), listenerSchema);
}

/** GET one listener. Throws NotFoundError when absent. */
export async function get(
  session: OpenStackSession,
  listenerId: string,
  signal?: AbortSignal,
): Promise<ListenerRecord> {
  const call = { service: 'load-balancer', method: 'GET', path: listenerPath(listenerId) } as const;
  return send(session, { ...call, operation: 'octavia.listener.get', signal }, single);
}

/** POST a listener (default pool and members nested). Throws ConflictError while the LB is busy. */
export async function create(
  session: OpenStackSession,
  body: ReturnType<typeof buildCreateBody>,
  signal?: AbortSignal,
): Promise<ListenerRecord> {
  const call = { service: 'load-balancer', method: 'POST', path: listenerPath(), body } as const;
  return send(session, { ...call, operation: 'octavia.listener.create', signal }, single);
}

/** PUT changes to a listener. Throws ConflictError while the LB is busy. */
export async function update(
  session: OpenStackSession,
  listenerId: string,
  changes: ListenerChanges,
  signal?: AbortSignal,
): Promise<ListenerRecord> {
  const call = {
    service: 'load-balancer',
    method: 'PUT',
    path: listenerPath(listenerId),
    body: buildUpdateBody(changes),
  } as const;
  return send(session, { ...call, operation: 'octavia.listener.update', signal }, single);
}

/** DELETE a listener (its default pool stays). Throws NotFoundError when gone, ConflictError while busy. */
async function remove(session: OpenStackSession, listenerId: string, signal?: AbortSignal): Promise<void> {
  const call = { service: 'load-balancer', method: 'DELETE', path: listenerPath(listenerId) } as const;
  await sendNoContent(session, { ...call, operation: 'octavia.listener.delete', signal });
}
export { remove as delete };
