/**
 * Neutron tags (`/v2.0/{resource}/{id}/tags`, extension standard-attr-tag): replace the
 * whole set, add or remove one, read them. List filters `tags=` / `tags-any=` live in each
 * resource's list (src/openstack/pagination.ts `commonQuery`).
 */
import { z } from 'zod';
import type { HttpMethod, OpenStackSession } from '../session.js';
import { send, sendNoContent } from '../response.js';

/** Neutron collections that carry standard-attribute tags. */
export type TaggedResource = 'networks' | 'subnets' | 'ports' | 'floatingips' | 'routers' | 'security-groups';

/** One tagged Neutron object. */
export interface TagTarget {
  readonly resource: TaggedResource;
  readonly id: string;
}

const tagsBody = z.object({ tags: z.array(z.string()) }).transform((body) => body.tags);

function tagsPath(target: TagTarget, tag?: string): string {
  const base = `/v2.0/${target.resource}/${encodeURIComponent(target.id)}/tags`;
  return tag === undefined ? base : `${base}/${encodeURIComponent(tag)}`;
}

function label(target: TagTarget, verb: string): string {
  return `neutron.${target.resource.replace(/s$/, '').replace('-', '_')}.tags.${verb}`;
}

/** One tags call on `target` (one tag of it when `tag` is given). */
function tagsCall(target: TagTarget, op: { verb: string; method: HttpMethod; tag?: string }) {
  const path = tagsPath(target, op.tag);
  return { service: 'network', method: op.method, path, operation: label(target, op.verb) } as const;
}

/** GET the tags of one object. Throws NotFoundError when the object is gone. */
export async function list(
  session: OpenStackSession,
  target: TagTarget,
  signal?: AbortSignal,
): Promise<string[]> {
  return send(session, { ...tagsCall(target, { verb: 'list', method: 'GET' }), signal }, tagsBody);
}

/** PUT the complete tag set of one object (idempotent); resolves with the tags Neutron holds. */
export async function replace(
  session: OpenStackSession,
  target: TagTarget,
  tags: readonly string[],
  signal?: AbortSignal,
): Promise<string[]> {
  const call = { ...tagsCall(target, { verb: 'replace', method: 'PUT' }), body: { tags: [...tags] } };
  return send(session, { ...call, signal }, tagsBody);
}

/** PUT one tag onto an object (idempotent). */
export async function add(
  session: OpenStackSession,
  target: TagTarget,
  tag: string,
  signal?: AbortSignal,
): Promise<void> {
  await sendNoContent(session, { ...tagsCall(target, { verb: 'add', method: 'PUT', tag }), signal });
}

/** DELETE one tag from an object. Throws NotFoundError when the tag (or object) is absent. */
export async function remove(
  session: OpenStackSession,
  target: TagTarget,
  tag: string,
  signal?: AbortSignal,
): Promise<void> {
  await sendNoContent(session, { ...tagsCall(target, { verb: 'remove', method: 'DELETE', tag }), signal });
}

/** DELETE every tag of an object. */
export async function removeAll(
  session: OpenStackSession,
  target: TagTarget,
  signal?: AbortSignal,
): Promise<void> {
  await sendNoContent(session, { ...tagsCall(target, { verb: 'remove_all', method: 'DELETE' }), signal });
}
