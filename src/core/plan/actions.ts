/**
 * The plan's output: an ordered list of single OpenStack writes. Each action is exactly one
 * API call. Octavia writes on one load balancer must run one at a time (the LB goes
 * PENDING_UPDATE after each); the executor stops after the first such write per LB and
 * requeues, and the next reconcile re-plans from a fresh observation.
 */
import type {
  DesiredHealthMonitor,
  DesiredListener,
  DesiredLoadBalancer,
  DesiredMember,
  DesiredPool,
  LbAlgorithm,
  SessionPersistence,
} from '../model.js';

/** Health monitor fields a PUT changes (the type cannot change: the monitor is replaced). */
export type HealthMonitorChanges = Partial<
  Pick<DesiredHealthMonitor, 'name' | 'delay' | 'timeout' | 'maxRetries' | 'maxRetriesDown' | 'tags'>
>;

/** A member sent in a batch update: one we want, or a foreign one we keep untouched. */
export type BatchMember = DesiredMember | (DesiredMember & { readonly foreign: true });

/** Where a floating IP should point: an observed VIP port, or the VIP port of the LB this plan creates. */
export type PortRef =
  { readonly kind: 'port'; readonly portId: string } | { readonly kind: 'createdLoadBalancer' };

export type Action =
  /** One fully-populated POST /loadbalancers (listeners → default_pool → members). */
  | { readonly kind: 'createLoadBalancer'; readonly loadBalancer: DesiredLoadBalancer }
  /**
   * PUT /loadbalancers/{id} {tags}: the last write of adopting kuryr's load balancer
   * (src/core/plan/adoption.ts); from then on it is ours.
   */
  | { readonly kind: 'tagLoadBalancer'; readonly loadBalancerId: string; readonly tags: readonly string[] }
  /** DELETE /loadbalancers/{id}?cascade=true. */
  | { readonly kind: 'deleteLoadBalancer'; readonly loadBalancerId: string; readonly reason: string }
  /** POST /listeners with its default pool and members nested. */
  | { readonly kind: 'createListener'; readonly loadBalancerId: string; readonly listener: DesiredListener }
  | {
      readonly kind: 'updateListener';
      readonly loadBalancerId: string;
      readonly listenerId: string;
      readonly changes: {
        readonly allowedCidrs?: readonly string[];
        /** null: reset to Octavia's default (only where we had set it, see TIMEOUT_CLIENT_TAG). */
        readonly timeoutClientData?: number | null;
        readonly timeoutMemberData?: number | null;
        /** Sent with a change of the timeout marker tags (the whole desired set). */
        readonly tags?: readonly string[];
      };
    }
  | { readonly kind: 'deleteListener'; readonly loadBalancerId: string; readonly listenerId: string }
  /** POST /pools for an existing listener that lacks its pool (members nested). */
  | {
      readonly kind: 'createPool';
      readonly loadBalancerId: string;
      readonly listenerId: string;
      readonly pool: DesiredPool;
    }
  | {
      readonly kind: 'updatePool';
      readonly loadBalancerId: string;
      readonly poolId: string;
      readonly changes: {
        readonly lbAlgorithm?: LbAlgorithm;
        readonly sessionPersistence?: SessionPersistence | null;
        /** Adoption of kuryr's pool (src/core/plan/adoption.ts): our ownership tags added. */
        readonly tags?: readonly string[];
      };
    }
  | { readonly kind: 'deletePool'; readonly loadBalancerId: string; readonly poolId: string }
  /** PUT /pools/{id}/members: the complete member list of one pool. */
  | {
      readonly kind: 'replaceMembers';
      readonly loadBalancerId: string;
      readonly poolId: string;
      readonly members: readonly BatchMember[];
    }
  /** POST /healthmonitors on an existing pool that has none. */
  | {
      readonly kind: 'createHealthMonitor';
      readonly loadBalancerId: string;
      readonly poolId: string;
      readonly monitor: DesiredHealthMonitor;
    }
  /** PUT /healthmonitors/{id}: only the fields that differ. */
  | {
      readonly kind: 'updateHealthMonitor';
      readonly loadBalancerId: string;
      readonly healthMonitorId: string;
      readonly changes: HealthMonitorChanges;
    }
  /** DELETE /healthmonitors/{id} (no longer wanted, of the wrong type, or in ERROR). */
  | {
      readonly kind: 'deleteHealthMonitor';
      readonly loadBalancerId: string;
      readonly healthMonitorId: string;
    }
  /**
   * PUT /ports/{id} {security_groups}: the VIP port's security groups set exactly (a Neutron
   * write on the port Octavia made for the load balancer; see docs/adr/0013).
   */
  | {
      readonly kind: 'setVipSecurityGroups';
      readonly portId: string;
      readonly securityGroupIds: readonly string[];
    }
  /** POST /floatingips on the external network, bound to the port at once (Pool method). */
  | {
      readonly kind: 'createFloatingIp';
      readonly networkId: string;
      readonly subnetId?: string;
      readonly port: PortRef;
      readonly tags: readonly string[];
      readonly description: string;
    }
  /** PUT /floatingips/{id} {port_id}. */
  | { readonly kind: 'associateFloatingIp'; readonly floatingIpId: string; readonly port: PortRef }
  /** PUT /floatingips/{id} {port_id: null} (User method release). */
  | { readonly kind: 'disassociateFloatingIp'; readonly floatingIpId: string }
  /** DELETE /floatingips/{id} (Pool method release). */
  | { readonly kind: 'deleteFloatingIp'; readonly floatingIpId: string }
  /** PUT /floatingips/{id}/tags: completes a create whose tagging was interrupted, or sets KEEP_TAG. */
  | { readonly kind: 'tagFloatingIp'; readonly floatingIpId: string; readonly tags: readonly string[] }
  /**
   * PUT /floatingips/{id} {description: ""} then PUT /floatingips/{id}/tags `tags` (ours
   * removed): the floating IP stops being ours and is never deleted by us (a kept address).
   */
  | { readonly kind: 'disownFloatingIp'; readonly floatingIpId: string; readonly tags: readonly string[] };

export type ActionKind = Action['kind'];

/** True for the actions that send a write to Octavia (and so make the LB busy). */
export function isOctaviaWrite(action: Action): boolean {
  return !(
    action.kind === 'setVipSecurityGroups' ||
    action.kind === 'createFloatingIp' ||
    action.kind === 'associateFloatingIp' ||
    action.kind === 'disassociateFloatingIp' ||
    action.kind === 'deleteFloatingIp' ||
    action.kind === 'tagFloatingIp' ||
    action.kind === 'disownFloatingIp'
  );
}

/** Why the plan cannot proceed now; the reconciler requeues. */
export interface PlanWait {
  readonly loadBalancerId: string;
  readonly reason: string;
}

/** The plan: actions in execution order, or a wait because an LB we must touch is busy. */
export interface Plan {
  readonly actions: readonly Action[];
  readonly wait: PlanWait | null;
}
