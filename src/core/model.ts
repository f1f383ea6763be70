/**
 * The core's vocabulary: what a Service should become (Desired*), what OpenStack holds
 * (Observed*), and the context both are computed in. Pure data, no behaviour.
 * Field names are ours (camelCase); the OpenStack clients map them to Octavia/Neutron JSON.
 */

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export type OctaviaProvider = 'amphora' | 'ovn';

export type LbAlgorithm = 'ROUND_ROBIN' | 'LEAST_CONNECTIONS' | 'SOURCE_IP' | 'SOURCE_IP_PORT';

export type ProvisioningStatus =
  'ACTIVE' | 'PENDING_CREATE' | 'PENDING_UPDATE' | 'PENDING_DELETE' | 'ERROR' | 'DELETED';

export type MemberMode = 'L2' | 'L3';

/** Octavia health monitor types (octavia-lib SUPPORTED_HEALTH_MONITOR_TYPES). */
export type HealthMonitorType = 'HTTP' | 'HTTPS' | 'PING' | 'TCP' | 'TLS-HELLO' | 'UDP-CONNECT' | 'SCTP';

/** The Kubernetes Service a load balancer belongs to. */
export interface ServiceRef {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

/** Octavia API version as discovered (`2.x`). */
export interface ApiVersion {
  readonly major: number;
  readonly minor: number;
}

/**
 * What the target Octavia can do. `legacyLbaasV2` models the old Neutron LBaaS v2 HAProxy
 * agent profile, which has no UDP and no SCTP.
 */
export interface CapabilityProfile {
  readonly apiVersion: ApiVersion;
  readonly provider: OctaviaProvider;
  readonly legacyLbaasV2: boolean;
}

/** A Neutron subnet as far as the translation needs it (Neutron's fields, camelCased). */
export interface SubnetInfo {
  readonly id: string;
  readonly cidr: string;
  readonly gatewayIp: string | null;
  readonly ipVersion: 4 | 6;
  readonly allocationPools: readonly { readonly start: string; readonly end: string }[];
  readonly networkId?: string;
}

/**
 * The network layout the translation runs in: every subnet it may need by id, which of them
 * hold Service VIPs and which hold pods. Filled from Neutron by the controller, from a file by `plan`.
 */
export interface NetworkContext {
  readonly subnets: ReadonlyMap<string, SubnetInfo>;
  readonly serviceSubnetIds: readonly string[];
  readonly podSubnetIds: readonly string[];
}

/** Floating IP wanted for a type=LoadBalancer Service. */
export type FloatingIpIntent =
  | { readonly method: 'pool'; readonly networkId: string; readonly subnetId?: string }
  | { readonly method: 'user'; readonly address: string };

export interface DesiredMember {
  readonly name: string;
  readonly address: string;
  readonly protocolPort: number;
  /**
   * L2 mode: the pod subnet holding the address. L3 mode: absent (Octavia routes to the
   * member), except on a provider that needs one (OVN), where it is the VIP subnet as in kuryr.
   */
  readonly subnetId?: string;
  readonly tags: readonly string[];
}

export interface SessionPersistence {
  readonly type: 'SOURCE_IP';
}

export interface DesiredPool {
  readonly name: string;
  readonly protocol: Protocol;
  readonly lbAlgorithm: LbAlgorithm;
  readonly sessionPersistence: SessionPersistence | null;
  /** Sorted by (address, protocolPort). */
  readonly members: readonly DesiredMember[];
  readonly tags: readonly string[];
}

export interface DesiredListener {
  readonly name: string;
  readonly protocol: Protocol;
  readonly protocolPort: number;
  /** Empty = no restriction (Octavia's default 0.0.0.0/0). */
  readonly allowedCidrs: readonly string[];
  /** Milliseconds; null = Octavia's default. */
  readonly timeoutClientData: number | null;
  readonly timeoutMemberData: number | null;
  readonly pool: DesiredPool;
  readonly tags: readonly string[];
}

export interface DesiredLoadBalancer {
  readonly service: ServiceRef;
  readonly name: string;
  readonly description: string;
  readonly vipAddress: string;
  readonly vipSubnetId: string;
  readonly provider: OctaviaProvider;
  /** Sorted by (protocol, protocolPort). */
  readonly listeners: readonly DesiredListener[];
  readonly tags: readonly string[];
  readonly floatingIp: FloatingIpIntent | null;
  /**
   * Set on a type=LoadBalancer Service marked internal (see translate-coexistence.ts): it
   * wants no floating IP (`floatingIp` is null), and `status.loadBalancer.ingress` should
   * report the VIP once converged, as cloud-provider-openstack reports an internal load
   * balancer's VIP. Absent otherwise: ingress is the serving floating IP, if any.
   */
  readonly internal?: true;
}

export interface ObservedMember {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly protocolPort: number;
  readonly subnetId: string | null;
  readonly tags: readonly string[];
  readonly provisioningStatus: ProvisioningStatus;
}

export interface ObservedPool {
  readonly id: string;
  readonly name: string;
  readonly protocol: Protocol;
  readonly lbAlgorithm: LbAlgorithm;
  readonly sessionPersistence: SessionPersistence | null;
  readonly members: readonly ObservedMember[];
  /** Listener whose default pool this is, if any. */
  readonly listenerId: string | null;
  readonly tags: readonly string[];
  readonly provisioningStatus: ProvisioningStatus;
}

export interface ObservedListener {
  readonly id: string;
  readonly name: string;
  readonly protocol: Protocol;
  readonly protocolPort: number;
  readonly allowedCidrs: readonly string[];
  readonly timeoutClientData: number | null;
  readonly timeoutMemberData: number | null;
  readonly defaultPoolId: string | null;
  readonly tags: readonly string[];
  readonly provisioningStatus: ProvisioningStatus;
}

export interface ObservedLoadBalancer {
  readonly id: string;
  readonly name: string;
  readonly vipAddress: string;
  readonly vipSubnetId: string;
  readonly vipPortId: string | null;
  readonly provider: string;
  readonly provisioningStatus: ProvisioningStatus;
  /** Octavia's operating status (informational; absent where a source does not say). */
  readonly operatingStatus?: string;
  readonly tags: readonly string[];
  readonly listeners: readonly ObservedListener[];
  readonly pools: readonly ObservedPool[];
}

/** A load balancer's own fields as one GET returns them (no children): what a light poll sees. */
export type ObservedLoadBalancerHead = Pick<
  ObservedLoadBalancer,
  'id' | 'name' | 'tags' | 'provisioningStatus'
>;

export interface ObservedFloatingIp {
  readonly id: string;
  readonly address: string;
  readonly networkId: string;
  readonly portId: string | null;
  readonly tags: readonly string[];
  readonly description: string;
  /**
   * Ours by its description marker, but its tags were never written (a crash between the
   * create and the tags PUT); `tags` already holds the ownership tags it should carry.
   */
  readonly tagsMissing?: boolean;
}

/**
 * Everything OpenStack holds that concerns one Service: every load balancer found by its
 * ownership tags or name (there may be several after a ClusterIP change or a crash), the
 * floating IPs we created for it, and the user's floating IP if `loadBalancerIP` names one
 * (`null` when looked up and not found, absent when not looked up).
 */
export interface Observed {
  readonly loadBalancers: readonly ObservedLoadBalancer[];
  readonly floatingIps: readonly ObservedFloatingIp[];
  readonly userFloatingIp?: ObservedFloatingIp | null;
}

/** What the translation was told about the cluster and Octavia. */
export interface TranslateConfig {
  readonly clusterId: string;
  /** The writer identity (the kube-system namespace uid; see src/core/ownership.ts). */
  readonly writer: string;
  readonly memberMode: MemberMode;
  readonly lbAlgorithm: LbAlgorithm;
  readonly timeoutClientData: number | null;
  readonly timeoutMemberData: number | null;
  readonly externalSvcNet: string | null;
  readonly externalSvcSubnet: string | null;
  /** Extra tags from kuryr.conf `resource_tags`, put on everything we create. */
  readonly resourceTags: readonly string[];
  readonly enableSessionAffinity: boolean;
  readonly enableSourceRanges: boolean;
  /**
   * L3 member mode: CIDRs (normalised, `network/prefix`) whose addresses may be members
   * besides the pod subnets (`[kuryr_services] member_cidrs`). Unused in L2 mode.
   */
  readonly memberCidrs: readonly string[];
  /**
   * `[kuryr_services] load_balancer_class`: a `spec.loadBalancerClass` served besides "no
   * class"; null = only type=LoadBalancer Services without a class are served.
   */
  readonly loadBalancerClass: string | null;
  /**
   * `[kuryr_services] ignore_foreign_services`: leave alone the type=LoadBalancer Services
   * another controller has claimed (see translate-coexistence.ts for what a claim is).
   */
  readonly ignoreForeignServices: boolean;
}
