/**
 * Neutron subnets (`/v2.0/subnets`): the model's SubnetInfo (CIDR, gateway, allocation
 * pools) for the translation's network context, plus create/delete for tools and tests.
 */
import { z } from 'zod';
import type { SubnetInfo } from '../../core/model.js';
import type { OpenStackSession } from '../session.js';
import {
  type CommonFilters,
  commonQuery,
  listAll as listAllPages,
  type ListRequest,
  listPage,
  type Page,
} from '../pagination.js';
import { send, sendNoContent, tagsSchema, textSchema } from '../response.js';

/** A subnet as Neutron reports it: the model's SubnetInfo plus extras. */
export interface SubnetRecord extends SubnetInfo {
  readonly networkId: string;
  readonly name: string;
  readonly description: string;
  readonly enableDhcp: boolean;
  readonly tags: readonly string[];
  readonly projectId: string;
}

/** What to create. */
export interface SubnetSpec {
  readonly networkId: string;
  readonly name: string;
  readonly cidr: string;
  readonly ipVersion: 4 | 6;
  /** null = no gateway; absent = Neutron picks the first address. */
  readonly gatewayIp?: string | null;
  readonly allocationPools?: readonly { readonly start: string; readonly end: string }[];
  readonly enableDhcp?: boolean;
  readonly description?: string;
}

/** Filters of GET /subnets. */
export interface SubnetFilters extends CommonFilters {
  readonly name?: string;
  readonly networkId?: string;
  readonly cidr?: string;
  readonly ipVersion?: 4 | 6;
}

/** Neutron's subnet JSON → SubnetRecord. */
export const subnetSchema = z
  .object({
    id: z.string(),
    name: textSchema,
    description: textSchema,
    network_id: z.string(),
    cidr: z.string(),
    gateway_ip: z.string().nullish(),
    ip_version: z.union([z.literal(4), z.literal(6)]),
    allocation_pools: z.array(z.object({ start: z.string(), end: z.string() })).nullish(),
    enable_dhcp: z.boolean().nullish(),
    tags: tagsSchema,
    project_id: z.string(),
  })
  .transform((s): SubnetRecord => ({
    id: s.id,
    name: s.name,
    description: s.description,
    networkId: s.network_id,
    cidr: s.cidr,
    gatewayIp: s.gateway_ip ?? null,
    ipVersion: s.ip_version,
    allocationPools: (s.allocation_pools ?? []).map((p) => ({ start: p.start, end: p.end })),
    enableDhcp: s.enable_dhcp ?? false,
    tags: s.tags,
    projectId: s.project_id,
  }));

/** The body of POST /subnets. Pure. */
export function buildCreateBody(spec: SubnetSpec): { subnet: Record<string, unknown> } {
  return {
    subnet: {
      network_id: spec.networkId,
      name: spec.name,
      cidr: spec.cidr,
      ip_version: spec.ipVersion,
      ...(spec.gatewayIp === undefined ? {} : { gateway_ip: spec.gatewayIp }),
      ...(spec.allocationPools === undefined
        ? {}
        : { allocation_pools: spec.allocationPools.map((p) => ({ ...p })) }),
      ...(spec.enableDhcp === undefined ? {} : { enable_dhcp: spec.enableDhcp }),
      ...(spec.description === undefined ? {} : { description: spec.description }),
    },
  };
}

/** Query parameters for SubnetFilters. Pure. */
export function subnetQuery(filters: SubnetFilters): Record<string, string | number> {
  const query = commonQuery(filters);
  if (filters.name !== undefined) query.name = filters.name;
  if (filters.networkId !== undefined) query.network_id = filters.networkId;
  if (filters.cidr !== undefined) query.cidr = filters.cidr;
  if (filters.ipVersion !== undefined) query.ip_version = filters.ipVersion;
  return query;
}

function subnetPath(id?: string): string {
  return id === undefined ? '/v2.0/subnets' : `/v2.0/subnets/${encodeURIComponent(id)}`;
}

function listRequest(filters: SubnetFilters, signal?: AbortSignal): ListRequest {
  const query = subnetQuery(filters);
  return {
    service: 'network',
    path: subnetPath(),
    collection: 'subnets',
    query,
    operation: 'neutron.subnet.list',
    signal,
  };
}

const single = z.object({ subnet: subnetSchema }).transform((body) => body.subnet);

/** One page of subnets. */
export async function list(
  session: OpenStackSession,
  filters: SubnetFilters = {},
  signal?: AbortSignal,
): Promise<Page<SubnetRecord>> {
  return listPage(session, listRequest(filters, signal), subnetSchema);
}

/** Every subnet matching `filters` (follows pages). */
export async function listAll(
  session: OpenStackSession,
  filters: SubnetFilters = {},
  signal?: AbortSignal,
): Promise<SubnetRecord[]> {
  return listAllPages(session, listRequest(filters, signal), subnetSchema);
}

/** GET one subnet. Throws NotFoundError when absent (or not visible to the project). */
export async function get(
  session: OpenStackSession,
  id: string,
  signal?: AbortSignal,
): Promise<SubnetRecord> {
  const call = {
    service: 'network',
    method: 'GET',
    path: subnetPath(id),
    operation: 'neutron.subnet.get',
  } as const;
  return send(session, { ...call, signal }, single);
}

/** POST a subnet. Throws BadRequestError for an invalid CIDR/pool, ConflictError on overlap. */
export async function create(
  session: OpenStackSession,
  spec: SubnetSpec,
  signal?: AbortSignal,
): Promise<SubnetRecord> {
  const call = {
    service: 'network',
    method: 'POST',
    path: subnetPath(),
    body: buildCreateBody(spec),
  } as const;
  return send(session, { ...call, operation: 'neutron.subnet.create', signal }, single);
}

/** DELETE a subnet. Throws NotFoundError when gone, ConflictError while ports use it. */
async function remove(session: OpenStackSession, id: string, signal?: AbortSignal): Promise<void> {
  const call = {
    service: 'network',
    method: 'DELETE',
    path: subnetPath(id),
    operation: 'neutron.subnet.delete',
  } as const;
  await sendNoContent(session, { ...call, signal });
}
export { remove as delete };
