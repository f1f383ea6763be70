/**
 * What a given Octavia can do, as small pure predicates over a CapabilityProfile.
 * Versions are Octavia's API versions as listed by `GET /` (Octavia has no microversion
 * header: the newest listed version says which fields the server understands).
 *   2.5 tags · 2.6 flavors · 2.12 listener allowed_cidrs · 2.13 SOURCE_IP_PORT algorithm
 *   (and, for us, a TCP and a UDP listener on one port) · 2.14 availability zones · 2.23 SCTP
 *   · 2.26 additional VIPs (Zed's newest) · 2.27 listener HSTS (2023.1).
 * (Octavia's `api/root_controller.py` lists them with these comments.)
 */
import type {
  ApiVersion,
  CapabilityProfile,
  HealthMonitorType,
  LbAlgorithm,
  LbProtocol,
  OctaviaProvider,
  Protocol,
} from './model.js';

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
/** The version that added load balancer `flavor_id`. */
export const FLAVORS_API: ApiVersion = { major: 2, minor: 6 };
/** The version that added load balancer `availability_zone`. */
export const AVAILABILITY_ZONES_API: ApiVersion = { major: 2, minor: 14 };

/**
 * The oldest Octavia API version this code works with: every object it creates carries
 * ownership tags (ADR 4), which Octavia accepts from 2.5 on.
 */
export const OLDEST_SUPPORTED_API: ApiVersion = TAGS_API;

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

/**
 * What one Octavia provider driver accepts, whatever the API version (the API version gates
 * are the predicates below). Octavia validates a request's fields, then hands it to the
 * provider driver, which refuses what it cannot do with UnsupportedOptionError: the whole
 * create fails. So an option missing here is never put in a desired load balancer.
 */
export interface ProviderCapabilities {
  /** Listener and pool protocols of ours (TCP, UDP, SCTP) the driver takes. */
  readonly protocols: readonly Protocol[];
  /** Pool algorithms the driver takes; the first is the one used when the configured one is not. */
  readonly lbAlgorithms: readonly [LbAlgorithm, ...LbAlgorithm[]];
  /** SOURCE_IP session persistence on pools. */
  readonly sourceIpPersistence: boolean;
  /** Listener allowed_cidrs (loadBalancerSourceRanges). */
  readonly allowedCidrs: boolean;
  /** Listener timeout_client_data / timeout_member_data actually applied. */
  readonly listenerTimeouts: boolean;
  /** Health monitor types the driver takes. */
  readonly healthMonitorTypes: readonly HealthMonitorType[];
  /** A member outside the VIP subnet needs an explicit subnet_id. */
  readonly memberSubnetRequired: boolean;
  /** HTTPS listeners and pools (TLS passthrough). */
  readonly tlsPassthrough: boolean;
  /** Load balancer `flavor_id` (the driver validates flavor profiles). */
  readonly flavors: boolean;
  /** Load balancer `availability_zone` (the driver validates availability zone profiles). */
  readonly availabilityZones: boolean;
}

/**
 * The capability table. Sources:
 * - amphora: Octavia's amphora driver (`octavia/api/drivers/amphora_driver/v2/driver.py`:
 *   AMPHORA_SUPPORTED_LB_ALGORITHMS = ROUND_ROBIN, SOURCE_IP, LEAST_CONNECTIONS, so
 *   SOURCE_IP_PORT is refused; octavia-lib SUPPORTED_HEALTH_MONITOR_TYPES and SUPPORTED_SP_TYPES;
 *   `validate_flavor` and `validate_availability_zone` implemented; HTTPS listeners are TLS
 *   passthrough).
 * - ovn: openstack/ovn-octavia-provider (`ovn_octavia_provider/driver.py`,
 *   `common/constants.py`, `doc/source/admin/driver.rst` "Limitations", at master 4d92b2c):
 *   - `_check_for_allowed_cidrs` refuses any non-empty listener allowed_cidrs ("OVN provider
 *     does not support allowed_cidrs option"), still a TODO on master;
 *   - OVN_NATIVE_LB_ALGORITHMS: SOURCE_IP_PORT (SOURCE_IP only added on master in 2026-07,
 *     unreleased), and the docs say only SOURCE_IP_PORT is supported;
 *   - SOURCE_IP session persistence is accepted only since 5.0.0 (2023.2, commit 382ddb0);
 *     Octavia's API cannot tell us the provider's version, so we keep to what every release
 *     accepts: none;
 *   - listener timeouts are accepted by the API but never read by the driver (no
 *     timeout handling on its listener paths): not applied, so not sent;
 *   - protocols TCP, UDP and SCTP (SCTP since 1.0.0, Wallaby, the release of Octavia API
 *     2.23, so the SCTP_API gate covers older OVN providers too);
 *   - health monitors TCP and UDP-CONNECT only (SUPPORTED_HEALTH_MONITOR_TYPES, since 1.1.0,
 *     and only with OVN >= 2.12);
 *   - a member without subnet_id is refused unless it lies in the pool's load balancer VIP
 *     subnet ("Subnet is required ... if it is not the same as LB VIP subnet");
 *   - OVN_NATIVE_LB_PROTOCOLS = TCP, UDP, SCTP: no HTTPS;
 *   - no `validate_flavor` / `validate_availability_zone`: octavia-lib's base raises
 *     NotImplementedError, so no flavor or availability zone profile can exist for it and a
 *     create naming one is refused (cloud-provider-openstack's docs: "Not supported when
 *     lb-provider=ovn").
 */
export const PROVIDER_CAPABILITIES: Readonly<Record<OctaviaProvider, ProviderCapabilities>> = {
  amphora: {
    protocols: ['TCP', 'UDP', 'SCTP'],
    lbAlgorithms: ['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP'],
    sourceIpPersistence: true,
    allowedCidrs: true,
    listenerTimeouts: true,
    healthMonitorTypes: ['HTTP', 'HTTPS', 'PING', 'TCP', 'TLS-HELLO', 'UDP-CONNECT', 'SCTP'],
    memberSubnetRequired: false,
    tlsPassthrough: true,
    flavors: true,
    availabilityZones: true,
  },
  ovn: {
    protocols: ['TCP', 'UDP', 'SCTP'],
    lbAlgorithms: ['SOURCE_IP_PORT'],
    sourceIpPersistence: false,
    allowedCidrs: false,
    listenerTimeouts: false,
    healthMonitorTypes: ['TCP', 'UDP-CONNECT'],
    memberSubnetRequired: true,
    tlsPassthrough: false,
    flavors: false,
    availabilityZones: false,
  },
};

/** The capability table row of the profile's provider. */
export function providerCapabilities(profile: CapabilityProfile): ProviderCapabilities {
  return PROVIDER_CAPABILITIES[profile.provider];
}

/** True when listeners and pools of `protocol` can be created. */
export function supportsProtocol(profile: CapabilityProfile, protocol: Protocol): boolean {
  if (!providerCapabilities(profile).protocols.includes(protocol)) return false;
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
  return (
    providerCapabilities(profile).allowedCidrs &&
    !profile.legacyLbaasV2 &&
    atLeast(profile.apiVersion, ALLOWED_CIDRS_API)
  );
}

/** True when objects accept `tags`. */
export function supportsTags(profile: CapabilityProfile): boolean {
  return !profile.legacyLbaasV2 && atLeast(profile.apiVersion, TAGS_API);
}

/** True when listener `timeout_client_data` / `timeout_member_data` are accepted and applied. */
export function supportsListenerTimeouts(profile: CapabilityProfile): boolean {
  return providerCapabilities(profile).listenerTimeouts && !profile.legacyLbaasV2;
}

/** True when pools accept SOURCE_IP session persistence (the OVN provider is treated as refusing it). */
export function supportsSessionPersistence(profile: CapabilityProfile): boolean {
  return providerCapabilities(profile).sourceIpPersistence;
}

/** True when the provider takes pools with `algorithm`. */
export function supportsLbAlgorithm(profile: CapabilityProfile, algorithm: LbAlgorithm): boolean {
  return providerCapabilities(profile).lbAlgorithms.includes(algorithm);
}

/** `configured` when the provider takes it, else the provider's own default (OVN: SOURCE_IP_PORT). */
export function lbAlgorithmFor(profile: CapabilityProfile, configured: LbAlgorithm): LbAlgorithm {
  return supportsLbAlgorithm(profile, configured)
    ? configured
    : providerCapabilities(profile).lbAlgorithms[0];
}

/** True when the provider takes health monitors of `type`. */
export function supportsHealthMonitorType(profile: CapabilityProfile, type: HealthMonitorType): boolean {
  return providerCapabilities(profile).healthMonitorTypes.includes(type);
}

/** True when members outside the VIP subnet must name a subnet (OVN), even in L3 member mode. */
export function requiresMemberSubnet(profile: CapabilityProfile): boolean {
  return providerCapabilities(profile).memberSubnetRequired;
}

/** True when listeners and pools may be HTTPS (TLS passthrough). */
export function supportsTlsPassthrough(profile: CapabilityProfile): boolean {
  return providerCapabilities(profile).tlsPassthrough;
}

/** True when a load balancer create may name a flavor (provider, and Octavia API 2.6). */
export function supportsFlavors(profile: CapabilityProfile): boolean {
  return providerCapabilities(profile).flavors && atLeast(profile.apiVersion, FLAVORS_API);
}

/** True when a load balancer create may name an availability zone (provider, and Octavia API 2.14). */
export function supportsAvailabilityZones(profile: CapabilityProfile): boolean {
  return (
    providerCapabilities(profile).availabilityZones && atLeast(profile.apiVersion, AVAILABILITY_ZONES_API)
  );
}

/**
 * The health monitor type that checks members of a `protocol` pool, or null when the
 * provider has none that fits. A monitor must speak the members' protocol: a TCP check of a
 * UDP or SCTP server fails and would take every member down, although Octavia accepts TCP
 * monitors on such pools. So TCP → TCP, UDP → UDP-CONNECT, SCTP → SCTP (none on OVN), and
 * HTTPS → TLS-HELLO (a TLS handshake), else TCP.
 */
export function healthMonitorTypeFor(
  profile: CapabilityProfile,
  protocol: LbProtocol,
): HealthMonitorType | null {
  const wanted: readonly HealthMonitorType[] =
    protocol === 'UDP'
      ? ['UDP-CONNECT']
      : protocol === 'SCTP'
        ? ['SCTP']
        : protocol === 'HTTPS'
          ? ['TLS-HELLO', 'TCP']
          : ['TCP'];
  return wanted.find((type) => supportsHealthMonitorType(profile, type)) ?? null;
}
