/**
 * Neutron floating IPs (`/v2.0/floatingips`): create on an external network (optionally a
 * subnet, with or without a port), associate/disassociate, find by address or port, and
 * typed results. This Neutron (Zed) rejects `tags` in the POST body (no `tag-creation`
 * extension), so `createTagged` writes the ownership marker into `description` at create
 * and sets the tags right after: a crash in between is still found by description.
 */
import { z } from 'zod';
import type { ObservedFloatingIp } from '../../core/model.js';
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
  const floatingip: Record<string, string | null> = {};
  if (changes.portId !== undefined) floatingip.port_id = changes.portId;
  if (changes.description !== undefined) floatingip.description = changes.description;
  return { floatingip };
}

/** Query parameters for FloatingIpFilters. Pure. */
export function floatingIpQuery(filters: FloatingIpFilters): Record<string, string | number> {
  const query = commonQuery(filters);
  if (filters.floatingIpAddress !== undefined) query.floating_ip_address = filters.floatingIpAddress;
  if (filters.portId !== undefined) query.port_id = filters.portId;
  if (filters.networkId !== undefined) query.floating_network_id = filters.networkId;
  if (filters.description !== undefined) query.description = filters.description;
  return query;
}

function fipPath(id?: string): string {
  return id === undefined ? '/v2.0/floatingips' : `/v2.0/floatingips/${encodeURIComponent(id)}`;
}

function listRequest(filters: FloatingIpFilters, signal?: AbortSignal): ListRequest {
  const query = floatingIpQuery(filters);
  return {
    service: 'network',
    path: fipPath(),
    collection: 'floatingips',
    query,
    operation: 'neutron.floatingip.list',
    signal,
  };
}

const single = z.object({ floatingip: floatingIpSchema }).transform((body) => body.floatingip);

/** One page of floating IPs. */
export async function list(
  session: OpenStackSession,
  filters: FloatingIpFilters = {},
  signal?: AbortSignal,
): Promise<Page<FloatingIpRecord>> {
  return listPage(session, listRequest(filters, signal), floatingIpSchema);
}

/** Every floating IP matching `filters` (follows pages). */
export async function listAll(
  session: OpenStackSession,
  filters: FloatingIpFilters = {},
  signal?: AbortSignal,
): Promise<FloatingIpRecord[]> {
  return listAllPages(session, listRequest(filters, signal), floatingIpSchema);
}

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
export async function get(
  session: OpenStackSession,
  id: string,
  signal?: AbortSignal,
): Promise<FloatingIpRecord> {
  const call = {
    service: 'network',
    method: 'GET',
    path: fipPath(id),
    operation: 'neutron.floatingip.get',
  } as const;
  return send(session, { ...call, signal }, single);
}

/** POST a floating IP (untagged). Throws ConflictError when the port already has one or the pool is exhausted. */
export async function create(
  session: OpenStackSession,
  spec: FloatingIpSpec,
  signal?: AbortSignal,
): Promise<FloatingIpRecord> {
  const call = { service: 'network', method: 'POST', path: fipPath(), body: buildCreateBody(spec) } as const;
  return send(session, { ...call, operation: 'neutron.floatingip.create', signal }, single);
}

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
export async function update(
  session: OpenStackSession,
  id: string,
  changes: FloatingIpChanges,
  signal?: AbortSignal,
): Promise<FloatingIpRecord> {
  const call = {
    service: 'network',
    method: 'PUT',
    path: fipPath(id),
    body: buildUpdateBody(changes),
  } as const;
  return send(session, { ...call, operation: 'neutron.floatingip.update', signal }, single);
}

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
async function remove(session: OpenStackSession, id: string, signal?: AbortSignal): Promise<void> {
  const call = {
    service: 'network',
    method: 'DELETE',
    path: fipPath(id),
    operation: 'neutron.floatingip.delete',
  } as const;
  await sendNoContent(session, { ...call, signal });
}
export { remove as delete };
