/** Everything one Service reconcile uses, injected by the controller. */
import type { KubeClients } from '../kube/clients.js';
import type { EventRecorder } from '../kube/events.js';
import type { ServiceCaches } from '../kube/informers.js';
import type { Logger } from '../kube/logger.js';
import type { CloudPort, TranslateContext } from './ports.js';

export interface ReconcilerTiming {
  /**
   * Look again after this long while Octavia reports PENDING_* (never block a worker); the
   * delay grows while the same load balancer stays busy (see src/services/pending.ts).
   */
  readonly pendingRequeueMs: number;
  /** The cap of that growing delay (>= pendingRequeueMs; equal = no backoff). */
  readonly pendingRequeueMaxMs: number;
  /** Look again after this long once writes were sent, to verify and report. */
  readonly verifyRequeueMs: number;
  /** How long children may stay PENDING_* under an ACTIVE load balancer before recovery. */
  readonly stuckChildrenMs: number;
}

/**
 * How load balancers are created (`[kuryr_services] create_mode`, docs/adr/0006):
 * `auto` one fully-populated call, recreated step by step after stuck children;
 * `fully-populated` never falls back (stuck children are only reported);
 * `step-by-step` always a bare load balancer, then one listener (pool, members) per pass.
 */
export type CreateMode = 'auto' | 'fully-populated' | 'step-by-step';

/** Counters the reconciler feeds (see src/app/metrics). */
export interface ReconcilerMetrics {
  /** One executed OpenStack write, by action kind. */
  actionExecuted(kind: string): void;
  /**
   * How a load balancer was created, as sent: `fully-populated` (listeners nested in the
   * create) or `step-by-step` (bare; after stuck children, or with create_mode = step-by-step).
   */
  createPath(path: 'fully-populated' | 'step-by-step'): void;
  /** Seconds from Service creation to its ingress IP being set. */
  ingressLatency(seconds: number): void;
}

export interface ReconcilerDeps {
  readonly caches: ServiceCaches;
  readonly kube: KubeClients;
  readonly events: EventRecorder;
  readonly cloud: CloudPort;
  readonly context: () => TranslateContext;
  readonly clusterId: string;
  readonly timing: ReconcilerTiming;
  readonly createMode: CreateMode;
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics: ReconcilerMetrics;
}
