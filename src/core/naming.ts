/**
 * Deterministic names for the Octavia objects of a Service (kuryr-kubernetes' scheme):
 * load balancer `ns/name`, listener and pool `ns/name:PROTOCOL:port`, member
 * `podNamespace/podName:port`. Octavia limits names and descriptions to 255 characters;
 * longer names are cut and end with a digest of the full name, so they stay unique.
 */
import { digestHex } from './digest.js';
import type { Protocol, ServiceRef } from './model.js';

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
  protocol: Protocol,
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

/** The load balancer's description: says who made it and for which Service incarnation. */
export function loadBalancerDescription(service: ServiceRef): string {
  return fitName(`kuryr-services: Service ${serviceKey(service)} (uid ${service.uid})`);
}
