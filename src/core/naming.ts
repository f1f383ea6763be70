/**
 * Deterministic names for the Octavia objects of a Service (kuryr-kubernetes' scheme):
 * load balancer `ns/name`, listener and pool `ns/name:PROTOCOL:port`, member
 * `podNamespace/podName:port`. Octavia limits names and descriptions to 255 characters;
 * longer names are cut and end with a digest of the full name, so they stay unique. The
 * description marker (cluster, Service, uid) is written and parsed back here too.
 */
import { digestHex } from './digest.js';
import type { LbProtocol, ServiceRef } from './model.js';
import type { Owner } from './ownership.js';

/** Octavia's limit on `name` and `description`. */
export const MAX_NAME_LENGTH = 255;

const DIGEST_SEPARATOR = '~';
const DIGEST_LENGTH = 16;

/**
 * Returns `name` unchanged when it fits in `max` UTF-16 code units (at most `max` characters
 * for Octavia), else a prefix (whole code points) + `~` + 16 hex digits of its SHA-256.
 * Deterministic; never returns more than `max` units.
 */
export function fitName(name: string, max: number = MAX_NAME_LENGTH): string {
  if (name.length <= max) return name;
  const suffix = DIGEST_SEPARATOR + digestHex(name).slice(0, DIGEST_LENGTH);
  let prefix = '';
  for (const codePoint of name) {
    if (prefix.length + codePoint.length + suffix.length > max) break;
    prefix += codePoint;
  }
  return (prefix + suffix).slice(0, max);
}

/** `namespace/name` of a Service (also its load balancer's name before fitting). */
export function serviceKey(service: Pick<ServiceRef, 'namespace' | 'name'>): string {
  return `${service.namespace}/${service.name}`;
}

/** The load balancer's name: `ns/name`. */
export function loadBalancerName(service: Pick<ServiceRef, 'namespace' | 'name'>): string {
  return fitName(serviceKey(service));
}

/** The listener's name: `ns/name:PROTOCOL:port`. */
export function listenerName(
  service: Pick<ServiceRef, 'namespace' | 'name'>,
  protocol: LbProtocol,
  port: number,
): string {
  return fitName(`${serviceKey(service)}:${protocol}:${port}`);
}

/** The pool's name: the same as its listener's (one pool per listener). */
export const poolName = listenerName;

/**
 * The member's name: `podNamespace/podName:targetPort`, or `serviceNs/serviceName:targetPort`
 * for an endpoint without a targetRef (a Service without selector).
 */
export function memberName(
  owner: { readonly namespace: string; readonly name: string },
  targetPort: number,
): string {
  return fitName(`${owner.namespace}/${owner.name}:${targetPort}`);
}

/**
 * The description marker of everything we create for `service` by `owner` (load balancer
 * and floating IP): who made it, for which cluster, writer and Service incarnation. A
 * floating IP is created untagged (this Neutron refuses tags in the POST), so until its tags
 * are written this marker is the only proof it is ours: see `markedService`. Always fits
 * (Kubernetes names, uids and a validated cluster id stay well under 255 characters).
 */
export function loadBalancerDescription(owner: Owner, service: ServiceRef): string {
  const who = `cluster ${owner.clusterId}, writer ${writerDigest(owner.writer)}`;
  return fitName(`kuryr-services: ${serviceKey(service)} (uid ${service.uid}, ${who})`);
}

/**
 * The writer as a marker carries it: 8 hex digits of its SHA-256, so the longest names, a
 * uid and a 40-character cluster id still fit Neutron's 255 characters uncut.
 */
export function writerDigest(writer: string): string {
  return digestHex(writer).slice(0, 8);
}

/** The owner a description marker names (`writer`: the writer digest; null in a legacy marker). */
export interface DescriptionMarker {
  readonly clusterId: string;
  readonly writer: string | null;
  readonly service: ServiceRef;
}

// Kubernetes DNS labels for namespace and name, a uid of [A-Za-z0-9-], a cluster id as the
// configuration validates it and the writer digest: a human's free text never matches.
const MARKER_PATTERN =
  /^kuryr-services: ([a-z0-9-]{1,63})\/([a-z0-9-]{1,63}) \(uid ([A-Za-z0-9-]{1,64}), cluster ([A-Za-z0-9._-]{1,40}), writer ([0-9a-f]{8})\)$/;
// The marker written before writer identities existed (still recognised, for any writer).
const LEGACY_MARKER_PATTERN =
  /^kuryr-services: Service ([a-z0-9-]{1,63})\/([a-z0-9-]{1,63}) \(uid ([A-Za-z0-9-]{1,64}), cluster ([A-Za-z0-9._-]{1,40})\)$/;

/**
 * The owner named by `description` when it is exactly a marker `loadBalancerDescription`
 * writes (same format, nothing before or after, not cut by `fitName`), else null. Pure.
 */
export function parseDescriptionMarker(description: string): DescriptionMarker | null {
  const match = MARKER_PATTERN.exec(description) ?? LEGACY_MARKER_PATTERN.exec(description);
  if (match === null) return null;
  const [, namespace = '', name = '', uid = '', clusterId = '', writer] = match;
  return { clusterId, writer: writer ?? null, service: { namespace, name, uid } };
}

/** True when `marker` names `owner` (a legacy marker without writer names any writer of the cluster). */
function namesOwner(marker: DescriptionMarker | null, owner: Owner): marker is DescriptionMarker {
  if (marker?.clusterId !== owner.clusterId) return false;
  return marker.writer === null || marker.writer === writerDigest(owner.writer);
}

/**
 * The Service incarnation named by `description` when it is our marker for `service` by
 * `owner`, else null. `service.uid` empty (the orphan release: the Service, hence its
 * uid, is gone) matches any incarnation; otherwise the uid must match too. Pure.
 */
export function markedService(description: string, owner: Owner, service: ServiceRef): ServiceRef | null {
  const marker = parseDescriptionMarker(description);
  if (!namesOwner(marker, owner)) return null;
  const named = marker.service;
  if (named.namespace !== service.namespace || named.name !== service.name) return null;
  return service.uid === '' || named.uid === service.uid ? named : null;
}

const SERVICE_KEY_PATTERN = /^[a-z0-9-]{1,63}\/[a-z0-9-]{1,63}$/;

/**
 * The Service key (`namespace/name`) an OpenStack object of `owner` belongs to: from its
 * description marker, else (only for an object proven ours by its tags, `owned`) from a name
 * that is exactly a Service key, as our load balancer names are. Null when neither tells. Pure.
 */
export function ownedServiceKey(
  object: { readonly name: string; readonly description: string; readonly owned: boolean },
  owner: Owner,
): string | null {
  const marker = parseDescriptionMarker(object.description);
  if (marker !== null) return namesOwner(marker, owner) ? serviceKey(marker.service) : null;
  return object.owned && SERVICE_KEY_PATTERN.test(object.name) ? object.name : null;
}
