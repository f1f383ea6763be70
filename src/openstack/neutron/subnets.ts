/**
 * Neutron subnets (`/v2.0/subnets`): the model's SubnetInfo (CIDR, gateway, allocation
 * pools) for the translation's network context, plus create/delete for tools and tests
 * (the shared verbs come from ../resource.ts).
 */
import { z } from 'zod';
import type { SubnetInfo } from '../../core/model.js';
import { type CommonFilters, commonQuery } from '../pagination.js';
import { definedFields } from '../resource-fields.js';
import { defineResource } from '../resource.js';
import { tagsSchema, textSchema } from '../response.js';

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
  const names = { name: 'name', networkId: 'network_id', cidr: 'cidr', ipVersion: 'ip_version' };
  return { ...commonQuery(filters), ...definedFields(filters, names) };
}

const subnets = defineResource({
  service: 'network',
  path: '/v2.0/subnets',
  singular: 'subnet',
  plural: 'subnets',
  schema: subnetSchema,
  query: subnetQuery,
  createBody: buildCreateBody,
});

/** One page of subnets. */
export const list = subnets.list;

/** Every subnet matching `filters` (follows pages). */
export const listAll = subnets.listAll;

/** GET one subnet. Throws NotFoundError when absent (or not visible to the project). */
export const get = subnets.get;

/** POST a subnet. Throws BadRequestError for an invalid CIDR/pool, ConflictError on overlap. */
export const create = subnets.create;

/** DELETE a subnet. Throws NotFoundError when gone, ConflictError while ports use it. */
const remove = subnets.remove;
export { remove as delete };
