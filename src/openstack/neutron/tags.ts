/**
 * Neutron tags (`/v2.0/{resource}/{id}/tags`, extension standard-attr-tag): replace the
 * whole set, add or remove one, read them. List filters `tags=` / `tags-any=` live in each
 * resource's list (src/openstack/pagination.ts `commonQuery`).
 */
import { z } from 'zod';
import type { OpenStackSession } from '../session.js';
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

/** GET the tags of one object. Throws NotFoundError when the object is gone. */
export async function list(
  session: OpenStackSession,
  target: TagTarget,
  signal?: AbortSignal,
): Promise<string[]> {
  const call = {
    service: 'network',
    method: 'GET',
    path: tagsPath(target),
    operation: label(target, 'list'),
  } as const;
  return send(session, { ...call, signal }, tagsBody);
}

/** PUT the complete tag set of one object (idempotent); resolves with the tags Neutron holds. */
export async function replace(
  session: OpenStackSession,
  target: TagTarget,
  tags: readonly string[],
  signal?: AbortSignal,
): Promise<string[]> {
  const call = {
    service: 'network',
    method: 'PUT',
    path: tagsPath(target),
    body: { tags: [...tags] },
  } as const;
  return send(session, { ...call, operation: label(target, 'replace'), signal }, tagsBody);
}

/** PUT one tag onto an object (idempotent). */
export async function add(
  session: OpenStackSession,
  target: TagTarget,
  tag: string,
  signal?: AbortSignal,
): Promise<void> {
  const call = {
    service: 'network',
    method: 'PUT',
    path: tagsPath(target, tag),
    operation: label(target, 'add'),
  } as const;
  await sendNoContent(session, { ...call, signal });
}

/** DELETE one tag from an object. Throws NotFoundError when the tag (or object) is absent. */
export async function remove(
  session: OpenStackSession,
  target: TagTarget,
  tag: string,
  signal?: AbortSignal,
): Promise<void> {
  const call = {
    service: 'network',
    method: 'DELETE',
    path: tagsPath(target, tag),
    operation: label(target, 'remove'),
  } as const;
  await sendNoContent(session, { ...call, signal });
}

/** DELETE every tag of an object. */
export async function removeAll(
  session: OpenStackSession,
  target: TagTarget,
  signal?: AbortSignal,
): Promise<void> {
  const call = {
    service: 'network',
    method: 'DELETE',
    path: tagsPath(target),
    operation: label(target, 'remove_all'),
  } as const;
  await sendNoContent(session, { ...call, signal });
}
