/**
 * What the Service reconciler needs from the outside, as narrow interfaces: the cloud
 * (observe a Service's objects, read one load balancer, execute the plan's actions) and the translation context.
 * The controller wires them to the real OpenStack clients; nothing here does I/O itself.
 */
import type { Action } from '../core/plan/actions.js';
import type {
  CapabilityProfile,
  NetworkContext,
  Observed,
  ObservedLoadBalancer,
  ServiceRef,
  TranslateConfig,
} from '../core/model.js';

export interface ObserveQuery {
  readonly service: ServiceRef;
  readonly loadBalancerName: string;
  /** The user's floating IP to look up (`spec.loadBalancerIP`), if any. */
  readonly userFloatingIpAddress?: string;
  /** The LB id recorded in the KuryrLoadBalancer status: a hint, never trusted alone. */
  readonly hintLoadBalancerId?: string;
}

/** A load balancer's own fields as one GET returns them (no children). */
export type LoadBalancerHead = Pick<ObservedLoadBalancer, 'id' | 'name' | 'tags' | 'provisioningStatus'>;

export interface ExecuteOutcome {
  /** Actions that were carried out, in order. */
  readonly done: readonly Action[];
  /** Actions not run this round (the LB became busy, or Octavia answered 409). */
  readonly deferred: readonly Action[];
  /** Set when the caller should look again after this many ms. */
  readonly requeueAfterMs: number | null;
}

export interface CloudPort {
  /** Reads everything OpenStack holds for the Service (see `Observed`). */
  observe(query: ObserveQuery, signal: AbortSignal): Promise<Observed>;
  /**
   * One read of load balancer `id` (GET /v2/lbaas/loadbalancers/{id}); null when Octavia
   * answers 404. Other failures throw typed OpenStack errors.
   */
  getLoadBalancer(id: string, signal: AbortSignal): Promise<LoadBalancerHead | null>;
  /**
   * Keys (`namespace/name`) of every Service this cluster still owns a load balancer or
   * floating IP for, whether or not the Service exists (the orphan sweep's input).
   */
  ownedServiceKeys(signal: AbortSignal): Promise<readonly string[]>;
  /** Runs `actions` in order, one API call each; throws typed OpenStack errors. */
  execute(actions: readonly Action[], signal: AbortSignal): Promise<ExecuteOutcome>;
}

/** The context `translate` runs in; refreshed by the controller, read per reconcile. */
export interface TranslateContext {
  readonly config: TranslateConfig;
  readonly network: NetworkContext;
  readonly capabilities: CapabilityProfile;
}
