/**
 * Octavia v2 load balancers (`/v2/lbaas/loadbalancers`): the fully-populated create body
 * (listeners → default_pool → members, tags and names at every level), cascade delete, the
 * status tree, thin calls and typed results.
 */
import { z } from 'zod';
import type { DesiredLoadBalancer, ObservedLoadBalancer } from '../../core/model.js';
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
import { LBAAS, operatingStatusSchema, provisioningStatusSchema } from './enums.js';
import { buildListenerBody, type ListenerBody } from './listeners.js';

/** A load balancer as Octavia reports it: the model's ObservedLoadBalancer without children, plus their ids. */
export interface LoadBalancerRecord extends Omit<ObservedLoadBalancer, 'listeners' | 'pools'> {
  readonly description: string;
  readonly vipNetworkId: string | null;
  readonly projectId: string;
  readonly operatingStatus: string;
  readonly listenerIds: readonly string[];
  readonly poolIds: readonly string[];
}

/** The JSON of POST /loadbalancers. */
export interface LoadBalancerBody {
  readonly name: string;
  readonly description: string;
  readonly vip_address: string;
  readonly vip_subnet_id: string;
  readonly provider: string;
  readonly tags: readonly string[];
  readonly listeners: readonly ListenerBody[];
}

/** Load balancer fields a PUT may change. */
export interface LoadBalancerChanges {
  readonly name?: string;
  readonly description?: string;
  readonly tags?: readonly string[];
}

/** Filters of GET /loadbalancers. */
export interface LoadBalancerFilters extends CommonFilters {
  readonly name?: string;
  readonly vipAddress?: string;
  readonly vipSubnetId?: string;
  readonly projectId?: string;
}

/** Octavia's load balancer JSON → LoadBalancerRecord (unknown statuses fail parsing). */
export const loadBalancerSchema = z
  .object({
    id: z.string(),
    name: textSchema,
    description: textSchema,
    // Octavia omits the VIP fields of a load balancer whose VIP row is already gone (seen
    // while it is PENDING_DELETE); such an LB is reported with an empty VIP.
    vip_address: z.string().nullish(),
    vip_subnet_id: z.string().nullish(),
    vip_port_id: z.string().nullish(),
    vip_network_id: z.string().nullish(),
    provider: z.string(),
    project_id: z.string(),
    provisioning_status: provisioningStatusSchema,
    operating_status: operatingStatusSchema,
    tags: tagsSchema,
    listeners: z.array(idRefSchema).nullish(),
    pools: z.array(idRefSchema).nullish(),
  })
  .transform((lb): LoadBalancerRecord => ({
    id: lb.id,
    name: lb.name,
    description: lb.description,
    vipAddress: lb.vip_address ?? '',
    vipSubnetId: lb.vip_subnet_id ?? '',
    vipPortId: lb.vip_port_id ?? null,
    vipNetworkId: lb.vip_network_id ?? null,
    provider: lb.provider,
    projectId: lb.project_id,
    provisioningStatus: lb.provisioning_status,
    operatingStatus: lb.operating_status,
    tags: lb.tags,
    listenerIds: (lb.listeners ?? []).map((l) => l.id),
    poolIds: (lb.pools ?? []).map((p) => p.id),
  }));

/** The fully-populated POST /loadbalancers body for a desired load balancer: one call creates the tree. Pure. */
export function buildCreateBody(lb: DesiredLoadBalancer): { loadbalancer: LoadBalancerBody } {
  return {
    loadbalancer: {
      name: lb.name,
      description: lb.description,
      vip_address: lb.vipAddress,
      vip_subnet_id: lb.vipSubnetId,
      provider: lb.provider,
      tags: [...lb.tags],
      listeners: lb.listeners.map(buildListenerBody),
    },
  };
}

/** The body of PUT /loadbalancers/{id}: only the fields present in `changes`. Pure. */
export function buildUpdateBody(changes: LoadBalancerChanges): { loadbalancer: Record<string, unknown> } {
  const loadbalancer: Record<string, unknown> = {};
  if (changes.name !== undefined) loadbalancer.name = changes.name;
  if (changes.description !== undefined) loadbalancer.description = changes.description;
  if (changes.tags !== undefined) loadbalancer.tags = [...changes.tags];
  return { loadbalancer };
}

/** Query parameters for LoadBalancerFilters. Pure. */
export function loadBalancerQuery(filters: LoadBalancerFilters): Record<string, string | number> {
  const query = commonQuery(filters);
  if (filters.name !== undefined) query.name = filters.name;
  if (filters.vipAddress !== undefined) query.vip_address = filters.vipAddress;
  if (filters.vipSubnetId !== undefined) query.vip_subnet_id = filters.vipSubnetId;
  if (filters.projectId !== undefined) query.project_id = filters.projectId;
  return query;
}

function lbPath(id?: string, suffix = ''): string {
  return id === undefined
    ? `${LBAAS}/loadbalancers`
    : `${LBAAS}/loadbalancers/${encodeURIComponent(id)}${suffix}`;
}

function listRequest(filters: LoadBalancerFilters, signal?: AbortSignal): ListRequest {
  const query = loadBalancerQuery(filters);
  const operation = 'octavia.loadbalancer.list';
  return { service: 'load-balancer', path: lbPath(), collection: 'loadbalancers', query, operation, signal };
}

const single = z.object({ loadbalancer: loadBalancerSchema }).transform((body) => body.loadbalancer);

/** One page of load balancers. */
export async function list(
  session: OpenStackSession,
  filters: LoadBalancerFilters = {},
  signal?: AbortSignal,
): Promise<Page<LoadBalancerRecord>> {
  return listPage(session, listRequest(filters, signal), loadBalancerSchema);
}

/** Every load balancer matching `filters` (follows pages). */
export async function listAll(
  session: OpenStackSession,
  filters: LoadBalancerFilters = {},
  signal?: AbortSignal,
): Promise<LoadBalancerRecord[]> {
  return listAllPages(session, listRequest(filters, signal), loadBalancerSchema);
}

/** GET one load balancer. Throws NotFoundError when absent. */
export async function get(
  session: OpenStackSession,
  id: string,
  signal?: AbortSignal,
): Promise<LoadBalancerRecord> {
  const call = { service: 'load-balancer', method: 'GET', path: lbPath(id) } as const;
  return send(session, { ...call, operation: 'octavia.loadbalancer.get', signal }, single);
}

/**
 * POST a load balancer (fully populated when the body nests listeners). Resolves with the new
 * LB (PENDING_CREATE, `vipPortId` already set). Throws BadRequestError for invalid input.
 */
export async function create(
  session: OpenStackSession,
  body: { loadbalancer: LoadBalancerBody },
  signal?: AbortSignal,
): Promise<LoadBalancerRecord> {
  const call = { service: 'load-balancer', method: 'POST', path: lbPath(), body } as const;
  return send(session, { ...call, operation: 'octavia.loadbalancer.create', signal }, single);
}

/** PUT changes to a load balancer. Throws ConflictError while it is busy. */
export async function update(
  session: OpenStackSession,
  id: string,
  changes: LoadBalancerChanges,
  signal?: AbortSignal,
): Promise<LoadBalancerRecord> {
  const call = {
    service: 'load-balancer',
    method: 'PUT',
    path: lbPath(id),
    body: buildUpdateBody(changes),
  } as const;
  return send(session, { ...call, operation: 'octavia.loadbalancer.update', signal }, single);
}

/**
 * DELETE a load balancer; with `cascade` its listeners, pools, members and monitors go too.
 * Throws NotFoundError when already gone, ConflictError while busy.
 */
async function remove(
  session: OpenStackSession,
  id: string,
  opts: { readonly cascade?: boolean; readonly signal?: AbortSignal } = {},
): Promise<void> {
  const call = {
    service: 'load-balancer',
    method: 'DELETE',
    path: lbPath(id),
    operation: 'octavia.loadbalancer.delete',
  } as const;
  await sendNoContent(session, {
    ...call,
    ...(opts.cascade === true ? { query: { cascade: true } } : {}),
    signal: opts.signal,
  });
}
export { remove as delete };

/** GET /loadbalancers/{id}/status: the status tree (see ./statuses.ts). Throws NotFoundError when gone. */
export { get as statusTree } from './statuses.js';
