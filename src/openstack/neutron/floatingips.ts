/**
 * Neutron floating IPs (`/v2.0/floatingips`): create on an external network (optionally a
 * subnet, with or without a port), associate/disassociate, find by address or port, and
 * typed results (the shared verbs come from ../resource.ts). This Neutron (Zed) rejects `tags` in the POST body (no `tag-creation`
 * extension), so `createTagged` writes the ownership marker into `description` at create
 * and sets the tags right after: a crash in between is still found by description.
 */
import { z } from 'zod';
import type { ObservedFloatingIp } from '../../core/model.js';
import type { OpenStackSession } from '../session.js';
import { type CommonFilters, commonQuery } from '../pagination.js';
import { definedFields } from '../resource-fields.js';
import { defineResource } from '../resource.js';
import { tagsSchema, textSchema } from '../response.js';
import * as tags from './tags.js';

/** A floating IP as Neutron reports it: the model's ObservedFloatingIp plus extras. */
export interface FloatingIpRecord extends ObservedFloatingIp {
  readonly fixedIpAddress: string | null;
  readonly routerId: string | null;
  readonly status: string;
  readonly projectId: string;
}

/** What to create. */
export interface FloatingIpSpec {
  readonly networkId: string;
  readonly subnetId?: string;
  /** Bind at once to this port; absent = unbound. */
  readonly portId?: string;
  readonly floatingIpAddress?: string;
  readonly description: string;
}

/** Floating IP fields a PUT may change (`portId: null` disassociates). */
export interface FloatingIpChanges {
  readonly portId?: string | null;
  readonly description?: string;
}

/** Filters of GET /floatingips. */
export interface FloatingIpFilters extends CommonFilters {
  readonly floatingIpAddress?: string;
  readonly portId?: string;
  readonly networkId?: string;
  readonly description?: string;
  readonly projectId?: string;
}

/** Neutron's floating IP JSON → FloatingIpRecord. */
export const floatingIpSchema = z
  .object({
    id: z.string(),
    floating_ip_address: z.string(),
    floating_network_id: z.string(),
    port_id: z.string().nullish(),
    fixed_ip_address: z.string().nullish(),
    router_id: z.string().nullish(),
    status: z.string(),
    project_id: z.string(),
    description: textSchema,
    tags: tagsSchema,
    revision_number: z.number().int().nullish(),
  })
  .transform((fip): FloatingIpRecord => ({
    id: fip.id,
    address: fip.floating_ip_address,
    networkId: fip.floating_network_id,
    portId: fip.port_id ?? null,
    tags: fip.tags,
    description: fip.description,
    fixedIpAddress: fip.fixed_ip_address ?? null,
    routerId: fip.router_id ?? null,
    status: fip.status,
    projectId: fip.project_id,
    ...(fip.revision_number == null ? {} : { revision: fip.revision_number }),
  }));

/** The body of POST /floatingips (no tags: see the module comment). Pure. */
export function buildCreateBody(spec: FloatingIpSpec): { floatingip: Record<string, string> } {
  return {
    floatingip: {
      floating_network_id: spec.networkId,
      ...(spec.subnetId === undefined ? {} : { subnet_id: spec.subnetId }),
      ...(spec.portId === undefined ? {} : { port_id: spec.portId }),
      ...(spec.floatingIpAddress === undefined ? {} : { floating_ip_address: spec.floatingIpAddress }),
      description: spec.description,
    },
  };
}

/** The body of PUT /floatingips/{id}: only the fields present in `changes`. Pure. */
export function buildUpdateBody(changes: FloatingIpChanges): { floatingip: Record<string, string | null> } {
  return { floatingip: definedFields(changes, { portId: 'port_id', description: 'description' }) };
}

/** Query parameters for FloatingIpFilters. Pure. */
export function floatingIpQuery(filters: FloatingIpFilters): Record<string, string | number> {
  const names = {
    floatingIpAddress: 'floating_ip_address',
    portId: 'port_id',
    networkId: 'floating_network_id',
    description: 'description',
    projectId: 'project_id',
  };
  return { ...commonQuery(filters), ...definedFields(filters, names) };
}

const floatingIps = defineResource({
  service: 'network',
  path: '/v2.0/floatingips',
  singular: 'floatingip',
  plural: 'floatingips',
  schema: floatingIpSchema,
  query: floatingIpQuery,
  createBody: buildCreateBody,
  updateBody: buildUpdateBody,
});

/** One page of floating IPs. */
export const list = floatingIps.list;

/** Every floating IP matching `filters` (follows pages). */
export const listAll = floatingIps.listAll;

/** The floating IP holding `address`, or null when the project has none. */
export async function findByAddress(
  session: OpenStackSession,
  address: string,
  signal?: AbortSignal,
): Promise<FloatingIpRecord | null> {
  return (await listAll(session, { floatingIpAddress: address }, signal))[0] ?? null;
}

/** The floating IPs bound to `portId` (normally at most one). */
export async function findByPort(
  session: OpenStackSession,
  portId: string,
  signal?: AbortSignal,
): Promise<FloatingIpRecord[]> {
  return listAll(session, { portId }, signal);
}

/** GET one floating IP. Throws NotFoundError when absent. */
export const get = floatingIps.get;

/** POST a floating IP (untagged). Throws ConflictError when the port already has one or the pool is exhausted. */
export const create = floatingIps.create;

/**
 * Two calls: POST the floating IP (marker in `description`), then PUT its tags. If the
 * second call fails the error propagates and the untagged FIP is found again by description.
 */
export async function createTagged(
  session: OpenStackSession,
  spec: FloatingIpSpec & { readonly tags: readonly string[] },
  signal?: AbortSignal,
): Promise<FloatingIpRecord> {
  const created = await create(session, spec, signal);
  if (spec.tags.length === 0) return created;
  const held = await tags.replace(session, { resource: 'floatingips', id: created.id }, spec.tags, signal);
  return { ...created, tags: held };
}

/** PUT changes to a floating IP. Throws ConflictError when the port already has another FIP. */
export const update = floatingIps.update;

/** Points the floating IP at `portId` (idempotent). */
export async function associate(
  session: OpenStackSession,
  id: string,
  portId: string,
  signal?: AbortSignal,
): Promise<FloatingIpRecord> {
  return update(session, id, { portId }, signal);
}

/** Unbinds the floating IP from any port (idempotent); the FIP itself stays allocated. */
export async function disassociate(
  session: OpenStackSession,
  id: string,
  signal?: AbortSignal,
): Promise<FloatingIpRecord> {
  return update(session, id, { portId: null }, signal);
}

/** DELETE (release) a floating IP. Throws NotFoundError when already gone. */
const remove = floatingIps.remove;
export { remove as delete };
