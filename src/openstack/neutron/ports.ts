/**
 * Neutron ports (`/v2.0/ports`): fixed IPs, tags, list by device or fixed-IP filters
 * (a load balancer's VIP port, the port holding an address), create/update/delete; the
 * shared verbs come from ../resource.ts.
 */
import { z } from 'zod';
import { type CommonFilters, commonQuery, type Query } from '../pagination.js';
import { definedFields } from '../resource-fields.js';
import { defineResource } from '../resource.js';
import { tagsSchema, textSchema } from '../response.js';

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
  /** The port's security groups, exactly ([] removes them all; port security stays on). */
  readonly securityGroupIds?: readonly string[];
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
  const names = {
    name: 'name',
    description: 'description',
    deviceId: 'device_id',
    deviceOwner: 'device_owner',
  };
  const json: Record<string, unknown> = definedFields(changes, names);
  if (changes.securityGroupIds !== undefined) json.security_groups = [...changes.securityGroupIds];
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
  const names = { name: 'name', networkId: 'network_id', deviceId: 'device_id', deviceOwner: 'device_owner' };
  const query: Record<string, string | number | readonly string[]> = {
    ...commonQuery(filters),
    ...definedFields(filters, names),
  };
  const fixed = (filters.fixedIps ?? []).flatMap((ip) => [
    ...(ip.subnetId === undefined ? [] : [`subnet_id=${ip.subnetId}`]),
    ...(ip.ipAddress === undefined ? [] : [`ip_address=${ip.ipAddress}`]),
  ]);
  if (fixed.length > 0) query.fixed_ips = fixed;
  return query;
}

const ports = defineResource({
  service: 'network',
  path: '/v2.0/ports',
  singular: 'port',
  plural: 'ports',
  schema: portSchema,
  query: portQuery,
  createBody: buildCreateBody,
  updateBody: buildUpdateBody,
});

/** One page of ports. */
export const list = ports.list;

/** Every port matching `filters` (follows pages). */
export const listAll = ports.listAll;

/** GET one port. Throws NotFoundError when absent. */
export const get = ports.get;

/** POST a port. Throws ConflictError when a requested address is in use. */
export const create = ports.create;

/** PUT changes to a port. */
export const update = ports.update;

/** DELETE a port. Throws NotFoundError when gone. */
const remove = ports.remove;
export { remove as delete };
