/**
 * What OpenStack holds, as the pure core sees it: load balancer trees, floating IPs, and
 * everything observed for one Service (src/openstack/observe-tree.ts builds these).
 */
import type {
  HealthMonitorType,
  LbAlgorithm,
  LbProtocol,
  ProvisioningStatus,
  SessionPersistence,
} from './model.js';

export interface ObservedMember {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly protocolPort: number;
  readonly subnetId: string | null;
  readonly tags: readonly string[];
  readonly provisioningStatus: ProvisioningStatus;
}

/** A health monitor as observed. */
export interface ObservedHealthMonitor {
  readonly id: string;
  readonly name: string;
  readonly type: HealthMonitorType;
  readonly delay: number;
  readonly timeout: number;
  readonly maxRetries: number;
  /** null when Octavia reports none (it defaults to 3). */
  readonly maxRetriesDown: number | null;
  readonly tags: readonly string[];
  readonly provisioningStatus: ProvisioningStatus;
}

export interface ObservedPool {
  readonly id: string;
  readonly name: string;
  readonly protocol: LbProtocol;
  readonly lbAlgorithm: LbAlgorithm;
  readonly sessionPersistence: SessionPersistence | null;
  readonly members: readonly ObservedMember[];
  /** Listener whose default pool this is, if any. */
  readonly listenerId: string | null;
  readonly tags: readonly string[];
  readonly provisioningStatus: ProvisioningStatus;
  /** The pool's health monitor; absent when it has none. */
  readonly healthMonitor?: ObservedHealthMonitor;
}

export interface ObservedListener {
  readonly id: string;
  readonly name: string;
  readonly protocol: LbProtocol;
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
  /** The flavor it was created with (null: none); absent when not read. */
  readonly flavorId?: string | null;
  /** The availability zone it was created in (null: none); absent when not read. */
  readonly availabilityZone?: string | null;
  /** The VIP port's security groups; absent when not read (only read when the desired state names them). */
  readonly vipSecurityGroupIds?: readonly string[];
  /**
   * Octavia's `updated_at`: every write under the load balancer (its own, a listener's, a
   * pool's, a member's, a monitor's) passes through PENDING_UPDATE and back, which rewrites
   * it. Absent where a source does not say (docs/adr/0017).
   */
  readonly version?: string;
}

/** A load balancer's own fields as one GET returns them (no children): what a light poll sees. */
export type ObservedLoadBalancerHead = Pick<
  ObservedLoadBalancer,
  'id' | 'name' | 'tags' | 'provisioningStatus' | 'version'
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
  /** Neutron's `revision_number` (every change of the floating IP, its tags included, bumps it); absent where a source does not say. */
  readonly revision?: number;
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
