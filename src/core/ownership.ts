/**
 * Ownership tags: every OpenStack object we create carries them, so it can be found again
 * from the Service alone and nothing we did not create is ever touched. Neutron limits a
 * tag to 60 characters, so the Service's namespace/name is carried as a short digest
 * (the full name is in the object name and description).
 */
import type { ServiceRef } from './model.js';
import { digestHex } from './digest.js';

/** Marks every object created by kuryr-services. */
export const OWNER_TAG = 'kuryr-services';
const CLUSTER_PREFIX = 'ks-cluster=';
const SERVICE_PREFIX = 'ks-svc=';
const UID_PREFIX = 'ks-uid=';

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

/** Tag naming the Service incarnation (its uid). */
export function uidTag(uid: string): string {
  return UID_PREFIX + uid;
}

/** The full tag set for an object created for `service` in `clusterId`, plus `extra` (kuryr's resource_tags). */
export function ownershipTags(
  clusterId: string,
  service: ServiceRef,
  extra: readonly string[] = [],
): string[] {
  const tags = [OWNER_TAG, clusterTag(clusterId), serviceTag(service), uidTag(service.uid), ...extra];
  return [...new Set(tags)];
}

/** True when `tags` prove the object was created by this cluster (for any Service). */
export function isOwnedByCluster(tags: readonly string[], clusterId: string): boolean {
  return tags.includes(OWNER_TAG) && tags.includes(clusterTag(clusterId));
}

/** True when `tags` prove the object was created by this cluster for this Service (any incarnation). */
export function isOwnedForService(
  tags: readonly string[],
  clusterId: string,
  service: Pick<ServiceRef, 'namespace' | 'name'>,
): boolean {
  return isOwnedByCluster(tags, clusterId) && tags.includes(serviceTag(service));
}

/** The Service uid recorded in `tags`, or null. */
export function uidFromTags(tags: readonly string[]): string | null {
  const tag = tags.find((t) => t.startsWith(UID_PREFIX));
  return tag === undefined ? null : tag.slice(UID_PREFIX.length);
}
