/**
 * Octavia v2 members (`/v2/lbaas/pools/{pool_id}/members`): body builders, the batch
 * update that replaces a pool's whole member list, and typed results (the shared verbs
 * come from ../resource.ts).
 */
import { z } from 'zod';
import type { BatchMember } from '../../core/plan/actions.js';
import type { DesiredMember, ObservedMember } from '../../core/model.js';
import type { OpenStackSession } from '../session.js';
import { type CommonFilters, commonQuery, type Page } from '../pagination.js';
import { definedFields } from '../resource-fields.js';
import { defineResourceKind, type Resource } from '../resource.js';
import { sendNoContent, tagsSchema, textSchema } from '../response.js';
import { LBAAS, operatingStatusSchema, provisioningStatusSchema } from './enums.js';

/** A member as Octavia reports it, camelCased: the model's ObservedMember plus extras. */
export interface MemberRecord extends ObservedMember {
  readonly poolId: string | null;
  readonly weight: number;
  readonly backup: boolean;
  readonly operatingStatus: string;
}

/** The JSON of one member in a create or batch body. */
export interface MemberBody {
  readonly name: string;
  readonly address: string;
  readonly protocol_port: number;
  readonly subnet_id?: string;
  readonly tags: readonly string[];
}

/** Member fields that a PUT may change. */
export interface MemberUpdate {
  readonly name?: string;
  readonly weight?: number;
  readonly tags?: readonly string[];
}

/** Filters of GET .../members. */
export interface MemberFilters extends CommonFilters {
  readonly name?: string;
  readonly address?: string;
  readonly protocolPort?: number;
}

/** Octavia's member JSON → MemberRecord (unknown statuses fail parsing). */
export const memberSchema = z
  .object({
    id: z.string(),
    name: textSchema,
    address: z.string(),
    protocol_port: z.number().int(),
    subnet_id: z.string().nullish(),
    tags: tagsSchema,
    provisioning_status: provisioningStatusSchema,
    operating_status: operatingStatusSchema,
    pool_id: z.string().nullish(),
    weight: z.number().int().nullish(),
    backup: z.boolean().nullish(),
  })
  .transform((m): MemberRecord => ({
    id: m.id,
    name: m.name,
    address: m.address,
    protocolPort: m.protocol_port,
    subnetId: m.subnet_id ?? null,
    tags: m.tags,
    provisioningStatus: m.provisioning_status,
    operatingStatus: m.operating_status,
    poolId: m.pool_id ?? null,
    weight: m.weight ?? 1,
    backup: m.backup ?? false,
  }));

/**
 * The member JSON for a desired or kept-foreign member: the same fields either way, so a
 * foreign member goes back exactly as observed (Octavia matches by address and port).
 */
export function buildMemberBody(member: DesiredMember | BatchMember): MemberBody {
  return {
    name: member.name,
    address: member.address,
    protocol_port: member.protocolPort,
    ...(member.subnetId === undefined ? {} : { subnet_id: member.subnetId }),
    tags: [...member.tags],
  };
}

/** The body of PUT /pools/{id}/members: the complete member list. */
export function buildBatchBody(members: readonly BatchMember[]): { members: MemberBody[] } {
  return { members: members.map(buildMemberBody) };
}

/** The BatchMember that keeps an observed member as it is. */
export function keepMember(member: ObservedMember): BatchMember {
  return {
    name: member.name,
    address: member.address,
    protocolPort: member.protocolPort,
    ...(member.subnetId === null ? {} : { subnetId: member.subnetId }),
    tags: member.tags,
    foreign: true,
  };
}

/** Query parameters for MemberFilters. Pure. */
export function memberQuery(filters: MemberFilters): Record<string, string | number> {
  const names = { name: 'name', address: 'address', protocolPort: 'protocol_port' };
  return { ...commonQuery(filters), ...definedFields(filters, names) };
}

const memberKind = defineResourceKind({
  service: 'load-balancer',
  singular: 'member',
  plural: 'members',
  schema: memberSchema,
  query: memberQuery,
  createBody: (member: MemberBody) => ({ member }),
  updateBody: (member: MemberUpdate) => ({ member }),
});

/** The members collection of one pool. */
function membersOf(poolId: string): Resource<MemberRecord, MemberFilters, MemberBody, MemberUpdate> {
  return memberKind.at(`${LBAAS}/pools/${encodeURIComponent(poolId)}/members`);
}

/** Pool and member ids of one member. */
export interface MemberIds {
  readonly poolId: string;
  readonly memberId: string;
}

/** One page of a pool's members. */
export async function list(
  session: OpenStackSession,
  poolId: string,
  filters: MemberFilters = {},
  signal?: AbortSignal,
): Promise<Page<MemberRecord>> {
  return membersOf(poolId).list(session, filters, signal);
}

/** Every member of a pool (follows pages). */
export async function listAll(
  session: OpenStackSession,
  poolId: string,
  filters: MemberFilters = {},
  signal?: AbortSignal,
): Promise<MemberRecord[]> {
  return membersOf(poolId).listAll(session, filters, signal);
}

/** GET one member. Throws NotFoundError when absent. */
export async function get(
  session: OpenStackSession,
  ids: MemberIds,
  signal?: AbortSignal,
): Promise<MemberRecord> {
  return membersOf(ids.poolId).get(session, ids.memberId, signal);
}

/** POST one member into a pool (the LB goes PENDING_UPDATE). Throws ConflictError while busy. */
export async function create(
  session: OpenStackSession,
  poolId: string,
  body: MemberBody,
  signal?: AbortSignal,
): Promise<MemberRecord> {
  return membersOf(poolId).create(session, body, signal);
}

/** PUT changes to one member. Throws ConflictError while the LB is busy. */
export async function update(
  session: OpenStackSession,
  ids: MemberIds,
  changes: MemberUpdate,
  signal?: AbortSignal,
): Promise<MemberRecord> {
  return membersOf(ids.poolId).update(session, ids.memberId, changes, signal);
}

/**
 * Replaces the pool's complete member list in one call (PUT /pools/{id}/members, 202):
 * members absent from `members` are deleted, those matching address+port updated, others
 * created. Throws ConflictError while the LB is busy.
 */
export async function replaceAll(
  session: OpenStackSession,
  poolId: string,
  members: readonly BatchMember[],
  signal?: AbortSignal,
): Promise<void> {
  const { path, operation } = membersOf(poolId);
  const body = buildBatchBody(members);
  const call = { service: 'load-balancer', method: 'PUT', path, body } as const;
  await sendNoContent(session, { ...call, operation: operation('batch_update'), signal });
}

/** DELETE one member. Throws NotFoundError when already gone, ConflictError while busy. */
async function remove(session: OpenStackSession, ids: MemberIds, signal?: AbortSignal): Promise<void> {
  await membersOf(ids.poolId).remove(session, ids.memberId, signal);
}
export { remove as delete };
