/**
 * The member list of one pool, as a single batch update (PUT /pools/{id}/members). Pure.
 *
 * Octavia's batch update replaces the whole list, so members we do not own (no ownership
 * tags: added by hand or by another tool) are sent back exactly as observed, marked
 * `foreign`. Octavia refuses two members with the same (address, port) in one pool, so a
 * desired member whose (address, port) a foreign member already occupies is left out.
 */
import type { DesiredMember, ObservedMember } from '../model.js';
import type { BatchMember } from './actions.js';

/** Octavia's uniqueness key of a member inside a pool. */
export function memberSlot(member: { readonly address: string; readonly protocolPort: number }): string {
  return `${member.address}|${member.protocolPort}`;
}

/** What we compare: (address, protocolPort, subnetId) plus name. */
function memberIdentity(member: {
  readonly name: string;
  readonly address: string;
  readonly protocolPort: number;
  readonly subnetId?: string | null;
}): string {
  return JSON.stringify([member.address, member.protocolPort, member.subnetId ?? null, member.name]);
}

/** A foreign observed member reproduced as a batch entry. */
export function foreignBatchMember(member: ObservedMember): BatchMember {
  return {
    name: member.name,
    address: member.address,
    protocolPort: member.protocolPort,
    ...(member.subnetId === null ? {} : { subnetId: member.subnetId }),
    tags: member.tags,
    foreign: true,
  };
}

function compareMembers(
  a: { readonly address: string; readonly protocolPort: number; readonly id?: string },
  b: { readonly address: string; readonly protocolPort: number; readonly id?: string },
): number {
  if (a.address !== b.address) return a.address < b.address ? -1 : 1;
  if (a.protocolPort !== b.protocolPort) return a.protocolPort - b.protocolPort;
  const idA = a.id ?? '';
  const idB = b.id ?? '';
  return idA < idB ? -1 : idA > idB ? 1 : 0;
}

function sameMultiset(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sortedA = [...a].sort();
  const sortedB = [...b].sort();
  return sortedA.every((value, index) => value === sortedB[index]);
}

/** Arguments of `planMemberBatch`. */
export interface MemberBatchInput {
  readonly desired: readonly DesiredMember[];
  readonly observed: readonly ObservedMember[];
  readonly isOwned: (tags: readonly string[]) => boolean;
}

/**
 * The complete member list to send when the pool's owned members differ from the desired
 * ones (desired first, then foreign members, each sorted by address and port), or null
 * when nothing needs to change. Deterministic; never drops or alters a foreign member.
 */
export function planMemberBatch(input: MemberBatchInput): readonly BatchMember[] | null {
  const foreign = input.observed.filter((m) => !input.isOwned(m.tags)).sort(compareMembers);
  const occupied = new Set(foreign.map(memberSlot));
  const wanted: DesiredMember[] = [];
  for (const member of [...input.desired].sort(compareMembers)) {
    const slot = memberSlot(member);
    if (occupied.has(slot)) continue;
    occupied.add(slot);
    wanted.push(member);
  }
  // An owned member already being deleted is gone as far as the comparison goes.
  const owned = input.observed.filter(
    (m) => input.isOwned(m.tags) && m.provisioningStatus !== 'PENDING_DELETE',
  );
  if (sameMultiset(owned.map(memberIdentity), wanted.map(memberIdentity))) return null;
  return [...wanted, ...foreign.map(foreignBatchMember)];
}
