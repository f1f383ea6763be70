/**
 * Neutron networks (`/v2.0/networks`): list/get (external networks for floating IPs),
 * create/delete; the shared verbs come from ../resource.ts.
 */
import { z } from 'zod';
import { type CommonFilters, commonQuery } from '../pagination.js';
import { definedFields } from '../resource-fields.js';
import { defineResource } from '../resource.js';
import { tagsSchema, textSchema } from '../response.js';

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
  return {
    ...commonQuery(filters),
    ...definedFields(filters, { name: 'name', external: 'router:external' }),
  };
}

/** The body of POST /networks. Pure. */
export function buildCreateBody(spec: NetworkSpec): { network: { name: string; description?: string } } {
  return {
    network: {
      name: spec.name,
      ...(spec.description === undefined ? {} : { description: spec.description }),
    },
  };
}

const networks = defineResource({
  service: 'network',
  path: '/v2.0/networks',
  singular: 'network',
  plural: 'networks',
  schema: networkSchema,
  query: networkQuery,
  createBody: buildCreateBody,
});

/** One page of networks. */
export const list = networks.list;

/** Every network matching `filters` (follows pages). */
export const listAll = networks.listAll;

/** GET one network. Throws NotFoundError when absent (or not visible). */
export const get = networks.get;

/** POST a network. */
export const create = networks.create;

/** DELETE a network. Throws NotFoundError when gone, ConflictError while ports use it. */
const remove = networks.remove;
export { remove as delete };
