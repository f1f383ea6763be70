/**
 * The KuryrLoadBalancer custom resource (`openstack.org/v1`, kuryr's schema): one per
 * implemented Service, same namespace and name, owned by the Service (so it is garbage
 * collected with it). `spec` records the desired state, `status` the Octavia/Neutron ids.
 */

export const KLB_GROUP = 'openstack.org';
export const KLB_VERSION = 'v1';
export const KLB_PLURAL = 'kuryrloadbalancers';
export const KLB_KIND = 'KuryrLoadBalancer';
/** The finalizer kuryr-kubernetes puts on every KuryrLoadBalancer it creates. */
export const KURYR_KLB_FINALIZER = 'kuryr.openstack.org/kuryrloadbalancer-finalizers';

export interface KlbPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: string;
  readonly targetPort: string;
}

export interface KlbSpec {
  readonly ip: string;
  readonly subnet_id: string;
  readonly type: string;
  readonly provider: string;
  readonly ports: readonly KlbPort[];
  readonly lb_ip?: string;
  readonly timeout_client_data?: number;
  readonly timeout_member_data?: number;
  /** kuryr's key: never set nor removed by us, but read. */
  readonly project_id?: string;
}

export interface KlbCondition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
  /** The record's metadata.generation this condition was set for (Kubernetes API conventions). */
  readonly observedGeneration?: number;
}

/**
 * `status.loadbalancer`. Every key kuryr's schema requires is always written (kuryr reads the
 * record back on a rollback): `port_id`, `project_id`, `security_groups` included.
 */
export interface KlbStatusLoadBalancer {
  readonly id: string;
  readonly ip: string;
  readonly name: string;
  /** The VIP port ('' when Octavia named none: kuryr's schema has no null here). */
  readonly port_id: string;
  /** The project the load balancer was found in (the configured one). */
  readonly project_id: string;
  /** The VIP port's security groups (as read, else as the record held them, else []). */
  readonly security_groups: readonly string[];
  readonly subnet_id: string;
  readonly provider: string;
  /** Octavia's provisioning status as last observed (ours). */
  readonly provisioning_status?: string;
  /** Octavia's operating status as last observed (ours; kuryr has no such field). */
  readonly operating_status?: string;
}

/** An entry of `status.listeners` (kuryr's keys). */
export interface KlbStatusListener {
  readonly id: string;
  readonly name: string;
  readonly port: number;
  readonly protocol: string;
  readonly loadbalancer_id: string;
  readonly project_id: string;
  readonly timeout_client_data?: number;
  readonly timeout_member_data?: number;
}

/** An entry of `status.pools` (kuryr's keys; `listener_id` '' for a pool no listener uses). */
export interface KlbStatusPool {
  readonly id: string;
  readonly name: string;
  readonly protocol: string;
  readonly listener_id: string;
  readonly loadbalancer_id: string;
  readonly project_id: string;
}

/** An entry of `status.members` (kuryr's keys; `subnet_id` the VIP subnet when Octavia names none). */
export interface KlbStatusMember {
  readonly id: string;
  readonly name: string;
  readonly ip: string;
  readonly port: number;
  readonly pool_id: string;
  readonly subnet_id: string;
  readonly project_id: string;
}

/** `status.service_pub_ip_info`: the floating IP of the Service (absent when none, never null). */
export interface KlbPubIpInfo {
  readonly ip_id: string;
  readonly ip_addr: string;
  readonly alloc_method: string;
}

/**
 * The record's status, in kuryr's shape (its schema's required keys, no nulls where it has
 * none) plus our own keys (conditions, progress, member_count, observedGeneration).
 */
export interface KlbStatus {
  readonly loadbalancer?: KlbStatusLoadBalancer;
  readonly listeners?: readonly KlbStatusListener[];
  readonly pools?: readonly KlbStatusPool[];
  readonly members?: readonly KlbStatusMember[];
  readonly service_pub_ip_info?: KlbPubIpInfo;
  readonly conditions?: readonly KlbCondition[];
  /** The record's metadata.generation the status describes (Kubernetes API conventions). */
  readonly observedGeneration?: number;
  /** How many members `members` lists (for `kubectl get klb`; ours). */
  readonly member_count?: number;
  /** What the controller remembers across passes and restarts (ours; kuryr has no such field). */
  readonly progress?: KlbProgress;
}

/** `status.progress`: the create path of the next create, and children seen unsettled since when. */
export interface KlbProgress {
  readonly create_path: 'fully-populated' | 'step-by-step';
  readonly unsettled: { readonly loadbalancer_id: string; readonly since: string } | null;
}

/** The metadata fields we read (the API server sends more). */
export interface KlbMetadata {
  readonly name?: string;
  readonly finalizers?: string[];
  /** Set once the record is being deleted (client-node types it as a Date). */
  readonly deletionTimestamp?: Date;
  readonly namespace?: string;
  readonly resourceVersion?: string;
  readonly uid?: string;
  /** Bumped by the API server on every spec change (not on status or metadata writes). */
  readonly generation?: number;
}

/** A KuryrLoadBalancer as read; `spec` may hold kuryr's own keys beyond ours. */
export interface KuryrLoadBalancer {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: KlbMetadata;
  readonly spec?: KlbSpec;
  readonly status?: KlbStatus;
}

/**
 * The spec keys this controller owns: set from the desired state, removed (merge-patched to
 * null) when no longer wanted. Every other key (kuryr's endpointSlices, security_groups_ids,
 * project_id...) is left as it is.
 */
export const OWNED_SPEC_KEYS: readonly (keyof KlbSpec)[] = [
  'ip',
  'subnet_id',
  'type',
  'provider',
  'ports',
  'lb_ip',
  'timeout_client_data',
  'timeout_member_data',
];
