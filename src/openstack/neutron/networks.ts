/** Neutron networks (`/v2.0/networks`): list/get (external networks for floating IPs), create/delete. */
import { z } from 'zod';
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

/** A network as Neutron reports it. */
export interface NetworkRecord {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly status: string;
  readonly subnetIds: readonly string[];
  /** `router:external`: floating IPs can be allocated from it. */
  readonly external: boolean;
  readonly shared: boolean;
  readonly mtu: number | null;
  readonly tags: readonly string[];
  readonly projectId: string;
}

/** What to create. */
export interface NetworkSpec {
  readonly name: string;
  readonly description?: string;
}

/** Filters of GET /networks. */
export interface NetworkFilters extends CommonFilters {
  readonly name?: string;
  readonly external?: boolean;
}

/** Neutron's network JSON → NetworkRecord. */
export const networkSchema = z
  .object({
    id: z.string(),
    name: textSchema,
    description: textSchema,
    status: z.string(),
    subnets: z.array(z.string()).nullish(),
    'router:external': z.boolean().nullish(),
    shared: z.boolean().nullish(),
    mtu: z.number().int().nullish(),
    tags: tagsSchema,
    project_id: z.string(),
  })
  .transform((n): NetworkRecord => ({
    id: n.id,
    name: n.name,
    description: n.description,
    status: n.status,
    subnetIds: n.subnets ?? [],
    external: n['router:external'] ?? false,
    shared: n.shared ?? false,
    mtu: n.mtu ?? null,
    tags: n.tags,
    projectId: n.project_id,
  }));

/** Query parameters for NetworkFilters. Pure. */
export function networkQuery(filters: NetworkFilters): Record<string, string | number | boolean> {
  const query: Record<string, string | number | boolean> = commonQuery(filters);
  if (filters.name !== undefined) query.name = filters.name;
  if (filters.external !== undefined) query['router:external'] = filters.external;
  return query;
}

function networkPath(id?: string): string {
  return id === undefined ? '/v2.0/networks' : `/v2.0/networks/${encodeURIComponent(id)}`;
}

function listRequest(filters: NetworkFilters, signal?: AbortSignal): ListRequest {
  const query = networkQuery(filters);
  return {
    service: 'network',
    path: networkPath(),
    collection: 'networks',
    query,
    operation: 'neutron.network.list',
    signal,
  };
}

const single = z.object({ network: networkSchema }).transform((body) => body.network);

/** One page of networks. */
export async function list(
  session: OpenStackSession,
  filters: NetworkFilters = {},
  signal?: AbortSignal,
): Promise<Page<NetworkRecord>> {
  return listPage(session, listRequest(filters, signal), networkSchema);
}

/** Every network matching `filters` (follows pages). */
export async function listAll(
  session: OpenStackSession,
  filters: NetworkFilters = {},
  signal?: AbortSignal,
): Promise<NetworkRecord[]> {
  return listAllPages(session, listRequest(filters, signal), networkSchema);
}

/** GET one network. Throws NotFoundError when absent (or not visible). */
export async function get(
  session: OpenStackSession,
  id: string,
  signal?: AbortSignal,
): Promise<NetworkRecord> {
  const call = {
    service: 'network',
    method: 'GET',
    path: networkPath(id),
    operation: 'neutron.network.get',
  } as const;
  return send(session, { ...call, signal }, single);
}

/** POST a network. */
export async function create(
  session: OpenStackSession,
  spec: NetworkSpec,
  signal?: AbortSignal,
): Promise<NetworkRecord> {
  const body = {
    network: {
      name: spec.name,
      ...(spec.description === undefined ? {} : { description: spec.description }),
    },
  };
  const call = { service: 'network', method: 'POST', path: networkPath(), body } as const;
  return send(session, { ...call, operation: 'neutron.network.create', signal }, single);
}

/** DELETE a network. Throws NotFoundError when gone, ConflictError while ports use it. */
async function remove(session: OpenStackSession, id: string, signal?: AbortSignal): Promise<void> {
  const call = {
    service: 'network',
    method: 'DELETE',
    path: networkPath(id),
    operation: 'neutron.network.delete',
  } as const;
  await sendNoContent(session, { ...call, signal });
}
export { remove as delete };
