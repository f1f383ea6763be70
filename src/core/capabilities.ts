/**
 * What a given Octavia can do, as small pure predicates over a CapabilityProfile.
 * Versions are Octavia's API versions as listed by `GET /` (Octavia has no microversion
 * header: the newest listed version says which fields the server understands).
 *   2.5 tags · 2.12 listener allowed_cidrs · 2.13 SOURCE_IP_PORT algorithm (and, for us,
 *   a TCP and a UDP listener on one port) · 2.23 SCTP · 2.26 additional VIPs (Zed's newest)
 *   · 2.27 listener HSTS (2023.1).
 */
import type { ApiVersion, CapabilityProfile, OctaviaProvider, Protocol } from './model.js';

/**
 * The newest Octavia API version this code knows. We use nothing past 2.23 (SCTP); 2.26 is
 * what Zed reports and 2.27 (HSTS, 2023.1) changes nothing we send, so a server reporting
 * 2.27 or later is treated as 2.27 (newer versions only add fields).
 */
export const NEWEST_SUPPORTED_API: ApiVersion = { major: 2, minor: 27 };

/** The version that added listener `allowed_cidrs`. */
export const ALLOWED_CIDRS_API: ApiVersion = { major: 2, minor: 12 };
/** The version from which one port may carry listeners of two protocols. */
export const MIXED_PROTOCOL_PORT_API: ApiVersion = { major: 2, minor: 13 };
/** The version that added the SCTP protocol. */
export const SCTP_API: ApiVersion = { major: 2, minor: 23 };
/** The version that added tags. */
export const TAGS_API: ApiVersion = { major: 2, minor: 5 };

/** Parses `2.27` or `v2.27`; null when malformed (never throws). */
export function parseApiVersion(text: string): ApiVersion | null {
  const match = /^v?(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})$/.exec(text.trim());
  if (match === null) return null;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/** `2.27` for {2, 27}. */
export function formatApiVersion(version: ApiVersion): string {
  return `${version.major}.${version.minor}`;
}

/** Negative, zero or positive as `a` is older than, equal to or newer than `b`. */
export function compareApiVersions(a: ApiVersion, b: ApiVersion): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

/** True when `version` is `minimum` or newer. */
export function atLeast(version: ApiVersion, minimum: ApiVersion): boolean {
  return compareApiVersions(version, minimum) >= 0;
}

/** The version to act as: the server's (or the configured override), capped at NEWEST_SUPPORTED_API. */
export function effectiveApiVersion(discovered: ApiVersion, override: ApiVersion | null = null): ApiVersion {
  const chosen = override ?? discovered;
  return atLeast(chosen, NEWEST_SUPPORTED_API) ? NEWEST_SUPPORTED_API : chosen;
}

/** A profile for an Octavia of `apiVersion` behind `provider`. */
export function octaviaProfile(apiVersion: ApiVersion, provider: OctaviaProvider): CapabilityProfile {
  return { apiVersion, provider, legacyLbaasV2: false };
}

/** The old Neutron LBaaS v2 (HAProxy agent) profile: TCP only, no tags, no allowed_cidrs. */
export function legacyLbaasV2Profile(): CapabilityProfile {
  return { apiVersion: { major: 2, minor: 0 }, provider: 'amphora', legacyLbaasV2: true };
}

/** True when listeners and pools of `protocol` can be created. */
export function supportsProtocol(profile: CapabilityProfile, protocol: Protocol): boolean {
  if (protocol === 'TCP') return true;
  if (profile.legacyLbaasV2) return false;
  return protocol === 'UDP' || atLeast(profile.apiVersion, SCTP_API);
}

/** True when one port may carry listeners of two protocols (e.g. DNS on TCP and UDP 53). */
export function supportsMixedProtocolPort(profile: CapabilityProfile): boolean {
  return !profile.legacyLbaasV2 && atLeast(profile.apiVersion, MIXED_PROTOCOL_PORT_API);
}

/** True when listeners accept `allowed_cidrs` (loadBalancerSourceRanges can be enforced). */
export function supportsAllowedCidrs(profile: CapabilityProfile): boolean {
  return !profile.legacyLbaasV2 && atLeast(profile.apiVersion, ALLOWED_CIDRS_API);
}

/** True when objects accept `tags`. */
export function supportsTags(profile: CapabilityProfile): boolean {
  return !profile.legacyLbaasV2 && atLeast(profile.apiVersion, TAGS_API);
}

/** True when listeners accept `timeout_client_data` / `timeout_member_data`. */
export function supportsListenerTimeouts(profile: CapabilityProfile): boolean {
  return !profile.legacyLbaasV2;
}

/** True when pools accept SOURCE_IP session persistence (the OVN provider refuses it). */
export function supportsSessionPersistence(profile: CapabilityProfile): boolean {
  return profile.provider !== 'ovn';
}
