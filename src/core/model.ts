/**
 * The core's vocabulary: what a Service should become (Desired*), what OpenStack holds
 * (Observed*), and the context both are computed in. Pure data, no behaviour.
 * Field names are ours (camelCase); the OpenStack clients map them to Octavia/Neutron JSON.
 */

/** A Service port's protocol (Kubernetes' names). */
export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

/**
 * A listener's and its pool's Octavia protocol: a Service port's protocol, or HTTPS, which
 * Octavia's amphora provider implements as TLS passthrough (TCP mode; the TLS session ends at
 * the members). Only the `default/kubernetes` load balancer uses HTTPS (see
 * translate/kubernetes-api.ts).
 */
export type LbProtocol = Protocol | 'HTTPS';

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

/**
 * The health monitor of one pool (Octavia's fields, camelCased; durations in seconds as
 * Octavia takes them). Octavia allows one per pool.
 */
export interface DesiredHealthMonitor {
  readonly name: string;
  readonly type: HealthMonitorType;
  readonly delay: number;
  readonly timeout: number;
  /** Successful checks before a member goes ONLINE (1..10). */
  readonly maxRetries: number;
  /** Failed checks before a member goes ERROR (1..10). */
  readonly maxRetriesDown: number;
  readonly tags: readonly string[];
}

export interface DesiredPool {
  readonly name: string;
  readonly protocol: LbProtocol;
  readonly lbAlgorithm: LbAlgorithm;
  readonly sessionPersistence: SessionPersistence | null;
  /** Sorted by (address, protocolPort). */
  readonly members: readonly DesiredMember[];
  readonly tags: readonly string[];
  /** Absent: the pool has no health monitor (one of ours is deleted). */
  readonly healthMonitor?: DesiredHealthMonitor;
}

export interface DesiredListener {
  readonly name: string;
  readonly protocol: LbProtocol;
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
   * Octavia flavor id, sent in the create only (Octavia cannot change a load balancer's
   * flavor; docs/adr/0012). Absent: Octavia's default.
   */
  readonly flavorId?: string;
  /** Octavia availability zone name, sent in the create only (like the flavor). Absent: none. */
  readonly availabilityZone?: string;
  /**
   * The security groups the VIP port must have, exactly: `[]` under `[octavia_defaults]
   * enforce_sg_rules = false`, as kuryr set them (docs/adr/0013). Absent: the VIP port's
   * groups are Octavia's business and never touched.
   */
  readonly vipSecurityGroupIds?: readonly string[];
  /**
   * Set on a type=LoadBalancer Service marked internal (see translate-coexistence.ts): it
   * wants no floating IP (`floatingIp` is null), and `status.loadBalancer.ingress` should
   * report the VIP once converged, as cloud-provider-openstack reports an internal load
   * balancer's VIP. Absent otherwise: ingress is the serving floating IP, if any.
   */
  readonly internal?: true;
}

/** The observed side lives in observed.ts; re-exported so `model.js` stays the one import. */
export type {
  Observed,
  ObservedFloatingIp,
  ObservedHealthMonitor,
  ObservedListener,
  ObservedLoadBalancer,
  ObservedLoadBalancerHead,
  ObservedMember,
  ObservedPool,
} from './observed.js';

/**
 * `[octavia_defaults]` health monitor settings (annotations override them per Service);
 * durations in seconds.
 */
export interface HealthMonitorDefaults {
  /** `enable_health_monitor`: every pool gets a monitor unless its Service says otherwise. */
  readonly enabled: boolean;
  readonly delay: number;
  readonly timeout: number;
  readonly maxRetries: number;
  readonly maxRetriesDown: number;
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
  /**
   * `[octavia_defaults]` health monitor settings; absent: monitors only where a Service's
   * annotation asks, with cloud-provider-openstack's defaults (translate/health-monitor.ts).
   */
  readonly healthMonitor?: HealthMonitorDefaults;
  /** `[octavia_defaults] flavor_id`: the flavor of new load balancers; absent or null: none. */
  readonly flavorId?: string | null;
  /** `[octavia_defaults] availability_zone`: the zone of new load balancers; absent or null: none. */
  readonly availabilityZone?: string | null;
  /**
   * `[octavia_defaults] enforce_sg_rules` (kuryr's key, default true): false empties the VIP
   * port's security groups, as kuryr did (docs/adr/0013). Absent: true.
   */
  readonly enforceSgRules?: boolean;
  /**
   * `[kuryr_services] kubernetes_api_lb`: the `default/kubernetes` Service gets a load
   * balancer too (translate/kubernetes-api.ts). Absent: false, it is skipped.
   */
  readonly kubernetesApiLb?: boolean;
}
