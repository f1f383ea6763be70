/** Everything one Service reconcile uses, injected by the controller. */
import type { CreateMode, SettledTiming } from '../core/plan/decision.js';
import type { Owner } from '../core/ownership.js';
import type { EventRecorder } from '../kube/events.js';
import type { Logger } from '../kube/logger.js';
import type { CloudPort, KubePort, ReconcilerCaches, TranslateContext } from './interfaces.js';
import type { RecordedState } from './record.js';

export interface ReconcilerTiming {
  /** Look again after this long once writes were sent, to verify and report. */
  readonly verifyRequeueMs: number;
  /** How long children may stay PENDING_* under an ACTIVE load balancer before recovery. */
  readonly stuckChildrenMs: number;
  /** While the caches are not synced, an orphan release looks again after this long. */
  readonly unsyncedRequeueMs: number;
  /** Settled licences (src/core/plan/settled.ts); absent: every resync observes in full. */
  readonly settled?: SettledTiming;
}

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
  /** A reconcile met a failure it reports to the Service's owner (`terminal`: retried slowly). */
  failure(kind: 'terminal' | 'retryable', reason: string): void;
  /**
   * What the record of Service `key` (`namespace/name`) now says of its load balancer and
   * Ready condition; null once the Service is released (nothing of ours is left for it).
   */
  serviceRecorded(key: string, state: RecordedState | null): void;
  /** A pass found `count` objects with our cluster id but another writer (never touched). */
  ownershipConflicts(count: number): void;
}

export interface ReconcilerDeps {
  readonly caches: ReconcilerCaches;
  readonly kube: KubePort;
  readonly events: EventRecorder;
  readonly cloud: CloudPort;
  readonly context: () => TranslateContext;
  readonly owner: Owner;
  /** The project every ownership list is scoped to (written as kuryr's `project_id`). */
  readonly projectId: string;
  readonly timing: ReconcilerTiming;
  readonly createMode: CreateMode;
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics: ReconcilerMetrics;
}
