/**
 * Octavia v2 load balancers (`/v2/lbaas/loadbalancers`): the fully-populated create body
 * (listeners → default_pool → members, tags and names at every level), cascade delete, the
 * status tree, and typed results; the shared verbs come from ../resource.ts.
 */
import { z } from 'zod';
import type { DesiredLoadBalancer, ObservedLoadBalancer } from '../../core/model.js';
import type { OpenStackSession } from '../session.js';
import { type CommonFilters, commonQuery } from '../pagination.js';
import { definedFields } from '../resource-fields.js';
import { defineResource } from '../resource.js';
import { idRefSchema, tagsSchema, textSchema } from '../response.js';
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
  readonly flavorId: string | null;
  readonly availabilityZone: string | null;
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
  /** Octavia API 2.6; never changed later. */
  readonly flavor_id?: string;
  /** Octavia API 2.14; never changed later. */
  readonly availability_zone?: string;
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
  /** Only load balancers in this provisioning status (Octavia filters by equality). */
  readonly provisioningStatus?: string;
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
    flavor_id: z.string().nullish(),
    availability_zone: z.string().nullish(),
    updated_at: z.string().nullish(),
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
    // Octavia reports "no flavor" as null or, on some releases, "".
    flavorId: lb.flavor_id === '' ? null : (lb.flavor_id ?? null),
    availabilityZone: lb.availability_zone === '' ? null : (lb.availability_zone ?? null),
    // Never written yet (a load balancer just POSTed): its creation is its version.
    ...versionOf(lb.updated_at ?? null),
  }));

function versionOf(updatedAt: string | null): { version?: string } {
  return updatedAt === null ? {} : { version: updatedAt };
}

/**
 * The fully-populated POST /loadbalancers body for a desired load balancer: one call creates
 * the tree (listeners → default_pool → members and health monitor). Flavor and availability
 * zone only when set (translate left them out where the provider or API version has none). Pure.
 */
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
      ...(lb.flavorId === undefined ? {} : { flavor_id: lb.flavorId }),
      ...(lb.availabilityZone === undefined ? {} : { availability_zone: lb.availabilityZone }),
    },
  };
}

/** The body of PUT /loadbalancers/{id}: only the fields present in `changes`. Pure. */
export function buildUpdateBody(changes: LoadBalancerChanges): { loadbalancer: Record<string, unknown> } {
  return { loadbalancer: definedFields(changes, { name: 'name', description: 'description', tags: 'tags' }) };
}

/** Query parameters for LoadBalancerFilters. Pure. */
export function loadBalancerQuery(filters: LoadBalancerFilters): Record<string, string | number> {
  const names = {
    name: 'name',
    vipAddress: 'vip_address',
    vipSubnetId: 'vip_subnet_id',
    projectId: 'project_id',
    provisioningStatus: 'provisioning_status',
  };
  return { ...commonQuery(filters), ...definedFields(filters, names) };
}

const loadBalancers = defineResource({
  service: 'load-balancer',
  path: `${LBAAS}/loadbalancers`,
  singular: 'loadbalancer',
  plural: 'loadbalancers',
  schema: loadBalancerSchema,
  query: loadBalancerQuery,
  createBody: (body: { loadbalancer: LoadBalancerBody }) => body,
  updateBody: buildUpdateBody,
});

/** The collection path (POSTs of a whole tree, src/openstack/create-answer.ts). */
export const collectionPath = loadBalancers.path;

/** The operation label of `verb` on load balancers. Pure. */
export const operationOf = loadBalancers.operation;

/** One page of load balancers. */
export const list = loadBalancers.list;

/** Every load balancer matching `filters` (follows pages). */
export const listAll = loadBalancers.listAll;

/** GET one load balancer. Throws NotFoundError when absent. */
export const get = loadBalancers.get;

/**
 * POST a load balancer (fully populated when the body nests listeners). Resolves with the new
 * LB (PENDING_CREATE, `vipPortId` already set). Throws BadRequestError for invalid input.
 */
export const create = loadBalancers.create;

/** PUT changes to a load balancer. Throws ConflictError while it is busy. */
export const update = loadBalancers.update;

/**
 * DELETE a load balancer; with `cascade` its listeners, pools, members and monitors go too.
 * Throws NotFoundError when already gone, ConflictError while busy.
 */
async function remove(
  session: OpenStackSession,
  id: string,
  opts: { readonly cascade?: boolean; readonly signal?: AbortSignal } = {},
): Promise<void> {
  if (opts.cascade !== true) return loadBalancers.remove(session, id, opts.signal);
  return loadBalancers.removeWith(session, id, { query: { cascade: true }, signal: opts.signal });
}
export { remove as delete };

/** GET /loadbalancers/{id}/status: the status tree (see ./statuses.ts). Throws NotFoundError when gone. */
export { get as statusTree } from './statuses.js';
