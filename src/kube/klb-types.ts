/**
 * The KuryrLoadBalancer custom resource (`openstack.org/v1`, kuryr's schema): one per
 * implemented Service, same namespace and name, owned by the Service (so it is garbage
 * collected with it). `spec` records the desired state, `status` the Octavia/Neutron ids.
 */

export const KLB_GROUP = 'openstack.org';
export const KLB_VERSION = 'v1';
export const KLB_PLURAL = 'kuryrloadbalancers';
export const KLB_KIND = 'KuryrLoadBalancer';

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

export interface KlbStatus {
  readonly loadbalancer?: {
    readonly id: string;
    readonly ip: string;
    readonly name: string;
    readonly port_id: string | null;
    readonly subnet_id: string;
    readonly provider: string;
    readonly provisioning_status: string;
    /** Octavia's operating status as last observed (ours; kuryr has no such field). */
    readonly operating_status?: string;
  };
  readonly listeners?: readonly {
    id: string;
    name: string;
    port: number;
    protocol: string;
    loadbalancer_id: string;
  }[];
  readonly pools?: readonly {
    id: string;
    name: string;
    protocol: string;
    listener_id: string | null;
    loadbalancer_id: string;
  }[];
  readonly members?: readonly {
    id: string;
    name: string;
    ip: string;
    port: number;
    pool_id: string;
    subnet_id: string | null;
  }[];
  readonly service_pub_ip_info?: { ip_id: string; ip_addr: string; alloc_method: 'pool' | 'user' } | null;
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
