/**
 * Neutron ports (`/v2.0/ports`): fixed IPs, tags, list by device or fixed-IP filters
 * (a load balancer's VIP port, the port holding an address), create/update/delete.
 */
import { z } from 'zod';
import type { OpenStackSession } from '../session.js';
import {
  type CommonFilters,
  commonQuery,
  listAll as listAllPages,
  type ListRequest,
  listPage,
  type Page,
  type Query,
} from '../pagination.js';
import { send, sendNoContent, tagsSchema, textSchema } from '../response.js';

/** One fixed IP of a port. */
export interface FixedIp {
  readonly subnetId: string;
  readonly ipAddress: string;
}

/** A port as Neutron reports it. */
export interface PortRecord {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly networkId: string;
  readonly deviceId: string;
  readonly deviceOwner: string;
  readonly macAddress: string;
  readonly fixedIps: readonly FixedIp[];
  readonly status: string;
  readonly securityGroupIds: readonly string[];
  readonly tags: readonly string[];
  readonly projectId: string;
}

/** What to create. A fixed IP may name only the subnet (Neutron picks the address). */
export interface PortSpec {
  readonly networkId: string;
  readonly name: string;
  readonly description?: string;
  readonly fixedIps?: readonly { readonly subnetId: string; readonly ipAddress?: string }[];
  readonly deviceId?: string;
  readonly deviceOwner?: string;
}

/** Port fields a PUT may change. */
export interface PortChanges {
  readonly name?: string;
  readonly description?: string;
  readonly deviceId?: string;
  readonly deviceOwner?: string;
}

/** Filters of GET /ports. `fixedIps` entries are ANDed (`fixed_ips=subnet_id=…&fixed_ips=ip_address=…`). */
export interface PortFilters extends CommonFilters {
  readonly name?: string;
  readonly networkId?: string;
  readonly deviceId?: string;
  readonly deviceOwner?: string;
  readonly fixedIps?: readonly { readonly subnetId?: string; readonly ipAddress?: string }[];
}

/** Neutron's port JSON → PortRecord. */
export const portSchema = z
  .object({
    id: z.string(),
    name: textSchema,
    description: textSchema,
    network_id: z.string(),
    device_id: textSchema,
    device_owner: textSchema,
    mac_address: z.string(),
    fixed_ips: z.array(z.object({ subnet_id: z.string(), ip_address: z.string() })),
    status: z.string(),
    security_groups: z.array(z.string()).nullish(),
    tags: tagsSchema,
    project_id: z.string(),
  })
  .transform((p): PortRecord => ({
    id: p.id,
    name: p.name,
    description: p.description,
    networkId: p.network_id,
    deviceId: p.device_id,
    deviceOwner: p.device_owner,
    macAddress: p.mac_address,
    fixedIps: p.fixed_ips.map((ip) => ({ subnetId: ip.subnet_id, ipAddress: ip.ip_address })),
    status: p.status,
    securityGroupIds: p.security_groups ?? [],
    tags: p.tags,
    projectId: p.project_id,
  }));

function changesJson(changes: PortChanges): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  if (changes.name !== undefined) json.name = changes.name;
  if (changes.description !== undefined) json.description = changes.description;
  if (changes.deviceId !== undefined) json.device_id = changes.deviceId;
  if (changes.deviceOwner !== undefined) json.device_owner = changes.deviceOwner;
  return json;
}

/** The body of POST /ports. Pure. */
export function buildCreateBody(spec: PortSpec): { port: Record<string, unknown> } {
  const fixedIps = spec.fixedIps?.map((ip) => ({
    subnet_id: ip.subnetId,
    ...(ip.ipAddress === undefined ? {} : { ip_address: ip.ipAddress }),
  }));
  return {
    port: {
      network_id: spec.networkId,
      ...changesJson(spec),
      ...(fixedIps === undefined ? {} : { fixed_ips: fixedIps }),
    },
  };
}

/** The body of PUT /ports/{id}: only the fields present in `changes`. Pure. */
export function buildUpdateBody(changes: PortChanges): { port: Record<string, unknown> } {
  return { port: changesJson(changes) };
}

/** Query parameters for PortFilters (fixed-IP filters repeat the `fixed_ips` key). Pure. */
export function portQuery(filters: PortFilters): Query {
  const query: Record<string, string | number | readonly string[]> = commonQuery(filters);
  if (filters.name !== undefined) query.name = filters.name;
  if (filters.networkId !== undefined) query.network_id = filters.networkId;
  if (filters.deviceId !== undefined) query.device_id = filters.deviceId;
  if (filters.deviceOwner !== undefined) query.device_owner = filters.deviceOwner;
  const fixed = (filters.fixedIps ?? []).flatMap((ip) => [
    ...(ip.subnetId === undefined ? [] : [`subnet_id=${ip.subnetId}`]),
    ...(ip.ipAddress === undefined ? [] : [`ip_address=${ip.ipAddress}`]),
  ]);
  if (fixed.length > 0) query.fixed_ips = fixed;
  return query;
}

function portPath(id?: string): string {
  return id === undefined ? '/v2.0/ports' : `/v2.0/ports/${encodeURIComponent(id)}`;
}

function listRequest(filters: PortFilters, signal?: AbortSignal): ListRequest {
  const query = portQuery(filters);
  return {
    service: 'network',
    path: portPath(),
    collection: 'ports',
    query,
    operation: 'neutron.port.list',
    signal,
  };
}

const single = z.object({ port: portSchema }).transform((body) => body.port);

/** One page of ports. */
export async function list(
  session: OpenStackSession,
  filters: PortFilters = {},
  signal?: AbortSignal,
): Promise<Page<PortRecord>> {
  return listPage(session, listRequest(filters, signal), portSchema);
}

/** Every port matching `filters` (follows pages). */
export async function listAll(
  session: OpenStackSession,
  filters: PortFilters = {},
  signal?: AbortSignal,
): Promise<PortRecord[]> {
  return listAllPages(session, listRequest(filters, signal), portSchema);
}

/** GET one port. Throws NotFoundError when absent. */
export async function get(session: OpenStackSession, id: string, signal?: AbortSignal): Promise<PortRecord> {
  const call = {
    service: 'network',
    method: 'GET',
    path: portPath(id),
    operation: 'neutron.port.get',
  } as const;
  return send(session, { ...call, signal }, single);
}

/** POST a port. Throws ConflictError when a requested address is in use. */
export async function create(
  session: OpenStackSession,
  spec: PortSpec,
  signal?: AbortSignal,
): Promise<PortRecord> {
  const call = { service: 'network', method: 'POST', path: portPath(), body: buildCreateBody(spec) } as const;
  return send(session, { ...call, operation: 'neutron.port.create', signal }, single);
}

/** PUT changes to a port. */
export async function update(
  session: OpenStackSession,
  id: string,
  changes: PortChanges,
  signal?: AbortSignal,
): Promise<PortRecord> {
  const call = {
    service: 'network',
    method: 'PUT',
    path: portPath(id),
    body: buildUpdateBody(changes),
  } as const;
  return send(session, { ...call, operation: 'neutron.port.update', signal }, single);
}

/** DELETE a port. Throws NotFoundError when gone. */
async function remove(session: OpenStackSession, id: string, signal?: AbortSignal): Promise<void> {
  const call = {
    service: 'network',
    method: 'DELETE',
    path: portPath(id),
    operation: 'neutron.port.delete',
  } as const;
  await sendNoContent(session, { ...call, signal });
}
export { remove as delete };
