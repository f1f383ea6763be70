/**
 * Ownership tags: every OpenStack object we create carries them, so it can be found again
 * from the Service alone and nothing we did not create is ever touched. Neutron limits a
 * tag to 60 characters, so the Service's namespace/name is carried as a short digest
 * (the full name is in the object name and description).
 *
 * Ownership is proven by two tags (docs/adr/0008-safety-rules.md): the cluster id
 * (`ks-cluster=`, configured or derived) and the writer identity (`ks-writer=`, the uid of
 * the cluster's kube-system namespace, which no other cluster has). An object with our
 * cluster id but another writer is a collision (two clusters configured with one
 * cluster_id): it is never touched and is reported. An object with our cluster id and no
 * writer tag was made before writer tags existed and counts as ours.
 */
import type { ServiceRef } from './model.js';
import { digestHex } from './digest.js';

/** Marks every object created by kuryr-services. */
export const OWNER_TAG = 'kuryr-services';
const CLUSTER_PREFIX = 'ks-cluster=';
const SERVICE_PREFIX = 'ks-svc=';
const UID_PREFIX = 'ks-uid=';
const WRITER_PREFIX = 'ks-writer=';

/**
 * Marks a Pool floating IP the Service asked to keep (`loadbalancer.openstack.org/keep-floatingip`):
 * released by disowning it (it becomes an ordinary floating IP of the project), never deleted.
 */
export const KEEP_TAG = 'ks-keep';

/** The identity our objects are written under: the cluster id and the writer (see the module comment). */
export interface Owner {
  readonly clusterId: string;
  readonly writer: string;
}

/** How an object's tags relate to `owner`. */
export type Ownership = 'ours' | 'foreign' | 'conflict';

/**
 * Marks a listener whose `timeout_client_data` / `timeout_member_data` we set (from an
 * annotation or kuryr.conf). A timeout no longer wanted (null) is reset to Octavia's default
 * only where the marker says we set it; Octavia's default itself is not known to us.
 */
export const TIMEOUT_CLIENT_TAG = 'ks-timeout-client';
export const TIMEOUT_MEMBER_TAG = 'ks-timeout-member';

/** The marker tags for the timeouts a listener carries (see TIMEOUT_CLIENT_TAG). Pure. */
export function timeoutTags(timeouts: {
  readonly timeoutClientData: number | null;
  readonly timeoutMemberData: number | null;
}): string[] {
  return [
    ...(timeouts.timeoutClientData === null ? [] : [TIMEOUT_CLIENT_TAG]),
    ...(timeouts.timeoutMemberData === null ? [] : [TIMEOUT_MEMBER_TAG]),
  ];
}

/** Neutron's limit on one tag; Octavia allows 255. */
export const MAX_TAG_LENGTH = 60;

/** Tag naming the cluster (cluster ids are validated to fit). */
export function clusterTag(clusterId: string): string {
  return CLUSTER_PREFIX + clusterId;
}

/** Tag naming the Service by a digest of `namespace/name` (stable across Service re-creation). */
export function serviceTag(service: Pick<ServiceRef, 'namespace' | 'name'>): string {
  return SERVICE_PREFIX + digestHex(`${service.namespace}/${service.name}`).slice(0, 32);
}

/** The Service tags among `tags` (an object carries one; a tampered one may carry more). */
export function serviceTagsIn(tags: readonly string[]): string[] {
  return tags.filter((t) => t.startsWith(SERVICE_PREFIX));
}

/** Tag naming the Service incarnation (its uid). */
export function uidTag(uid: string): string {
  return UID_PREFIX + uid;
}

/** Tag naming the cluster identity that wrote the object. */
export function writerTag(writer: string): string {
  return WRITER_PREFIX + writer;
}

/** True for the tags that prove ownership (what disowning an object removes). */
export function isOwnershipTag(tag: string): boolean {
  return (
    tag === OWNER_TAG ||
    tag === KEEP_TAG ||
    [CLUSTER_PREFIX, SERVICE_PREFIX, UID_PREFIX, WRITER_PREFIX].some((p) => tag.startsWith(p))
  );
}

/** The full tag set for an object created for `service` by `owner`, plus `extra` (kuryr's resource_tags). */
export function ownershipTags(owner: Owner, service: ServiceRef, extra: readonly string[] = []): string[] {
  const tags = [
    OWNER_TAG,
    clusterTag(owner.clusterId),
    writerTag(owner.writer),
    serviceTag(service),
    uidTag(service.uid),
    ...extra,
  ];
  return [...new Set(tags)];
}

/** How `tags` relate to `owner`: ours, someone else's, or a cluster-id collision (see the module comment). */
export function ownershipOf(tags: readonly string[], owner: Owner): Ownership {
  if (!tags.includes(OWNER_TAG) || !tags.includes(clusterTag(owner.clusterId))) return 'foreign';
  const writers = tags.filter((t) => t.startsWith(WRITER_PREFIX));
  if (writers.length === 0) return 'ours';
  return writers.every((t) => t === writerTag(owner.writer)) ? 'ours' : 'conflict';
}

/** True when `tags` prove the object was created by `owner` (for any Service). */
export function isOwnedByCluster(tags: readonly string[], owner: Owner): boolean {
  return ownershipOf(tags, owner) === 'ours';
}

/** True when `tags` prove the object was created by `owner` for this Service (any incarnation). */
export function isOwnedForService(
  tags: readonly string[],
  owner: Owner,
  service: Pick<ServiceRef, 'namespace' | 'name'>,
): boolean {
  return isOwnedByCluster(tags, owner) && tags.includes(serviceTag(service));
}

/** True when `tags` carry our cluster id and this Service but another writer (a collision). */
export function isConflictForService(
  tags: readonly string[],
  owner: Owner,
  service: Pick<ServiceRef, 'namespace' | 'name'>,
): boolean {
  return ownershipOf(tags, owner) === 'conflict' && tags.includes(serviceTag(service));
}

/** The Service uid recorded in `tags`, or null. */
export function uidFromTags(tags: readonly string[]): string | null {
  const tag = tags.find((t) => t.startsWith(UID_PREFIX));
  return tag === undefined ? null : tag.slice(UID_PREFIX.length);
}
