/**
 * Neutron routers (`/v2.0/routers`): list/get (shared verbs from ../resource.ts), for
 * diagnostics (is the VIP subnet routed to the external network?).
 */
import { z } from 'zod';
import { type CommonFilters, commonQuery } from '../pagination.js';
import { definedFields } from '../resource-fields.js';
import { defineResource } from '../resource.js';
import { tagsSchema, textSchema } from '../response.js';

/** A router's external gateway. */
export interface ExternalGateway {
  readonly networkId: string;
  readonly fixedIps: readonly { readonly subnetId: string; readonly ipAddress: string }[];
}

/** A router as Neutron reports it. */
export interface RouterRecord {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly status: string;
  readonly adminStateUp: boolean;
  readonly externalGateway: ExternalGateway | null;
  readonly tags: readonly string[];
  readonly projectId: string;
}

/** Filters of GET /routers. */
export interface RouterFilters extends CommonFilters {
  readonly name?: string;
}

const gatewaySchema = z
  .object({
    network_id: z.string(),
    external_fixed_ips: z.array(z.object({ subnet_id: z.string(), ip_address: z.string() })).nullish(),
  })
  .nullish()
  .transform((gw): ExternalGateway | null =>
    gw
      ? {
          networkId: gw.network_id,
          fixedIps: (gw.external_fixed_ips ?? []).map((ip) => ({
            subnetId: ip.subnet_id,
            ipAddress: ip.ip_address,
          })),
        }
      : null,
  );

/** Neutron's router JSON → RouterRecord. */
export const routerSchema = z
  .object({
    id: z.string(),
    name: textSchema,
    description: textSchema,
    status: z.string(),
    admin_state_up: z.boolean(),
    external_gateway_info: gatewaySchema,
    tags: tagsSchema,
    project_id: z.string(),
  })
  .transform((r): RouterRecord => ({
    id: r.id,
    name: r.name,
    description: r.description,
    status: r.status,
    adminStateUp: r.admin_state_up,
    externalGateway: r.external_gateway_info,
    tags: r.tags,
    projectId: r.project_id,
  }));

/** Query parameters for RouterFilters. Pure. */
export function routerQuery(filters: RouterFilters): Record<string, string | number> {
  return { ...commonQuery(filters), ...definedFields(filters, { name: 'name' }) };
}

const routers = defineResource({
  service: 'network',
  path: '/v2.0/routers',
  singular: 'router',
  plural: 'routers',
  schema: routerSchema,
  query: routerQuery,
});

/** One page of routers. */
export const list = routers.list;

/** Every router matching `filters` (follows pages). */
export const listAll = routers.listAll;

/** GET one router. Throws NotFoundError when absent. */
export const get = routers.get;
