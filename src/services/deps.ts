/** Everything one Service reconcile uses, injected by the controller. */
import type { KubeClients } from '../kube/clients.js';
import type { EventRecorder } from '../kube/events.js';
import type { ServiceCaches } from '../kube/informers.js';
import type { Logger } from '../kube/logger.js';
import type { CloudPort, TranslateContext } from './ports.js';

export interface ReconcilerTiming {
  /** Look again after this long while Octavia reports PENDING_* (never block a worker). */
  readonly pendingRequeueMs: number;
  /** Look again after this long once writes were sent, to verify and report. */
  readonly verifyRequeueMs: number;
  /** How long children may stay PENDING_* under an ACTIVE load balancer before recovery. */
  readonly stuckChildrenMs: number;
}

/** Counters the reconciler feeds (see src/app/metrics). */
export interface ReconcilerMetrics {
  /** One executed OpenStack write, by action kind. */
  actionExecuted(kind: string): void;
  /** How a load balancer was created: `fully-populated` or `step-by-step` (after stuck children). */
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
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics: ReconcilerMetrics;
}
