/**
 * The controller's Prometheus metrics, all on one injected registry: reconcile outcomes and
 * durations, queue depth, retries (the engine's seam), and the Service-level counters
 * (writes by action kind, create path, time to ingress). OpenStack call counters are
 * registered by the OpenStack session on the same registry.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ControllerMetrics } from '../engine/observability.js';
import type { ReconcilerMetrics } from '../services/deps.js';
import type { SweepResult } from '../services/sweep.js';

export interface AppMetrics {
  readonly controller: ControllerMetrics;
  readonly reconciler: ReconcilerMetrics;
  /** One orphan sweep ended. */
  sweep(result: SweepResult): void;
}

/** Registers the metrics on `registry` and returns the seams that feed them. */
export function makeAppMetrics(registry: Registry): AppMetrics {
  const reconciles = new Histogram({
    name: 'kuryr_reconcile_duration_seconds',
    help: 'Duration of one reconcile, by controller and outcome',
    labelNames: ['controller', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const depth = new Gauge({
    name: 'kuryr_queue_depth',
    help: 'Keys waiting in the work queue',
    labelNames: ['controller'],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'kuryr_reconcile_retries_total',
    help: 'Rate-limited retries after an error',
    labelNames: ['controller'],
    registers: [registry],
  });
  const actions = new Counter({
    name: 'kuryr_openstack_actions_total',
    help: 'Executed plan actions (one OpenStack write each), by kind',
    labelNames: ['kind'],
    registers: [registry],
  });
  const creates = new Counter({
    name: 'kuryr_loadbalancer_creates_total',
    help: 'Load balancer creations, by path',
    labelNames: ['path'],
    registers: [registry],
  });
  const ingress = new Histogram({
    name: 'kuryr_service_ingress_seconds',
    help: 'Time from Service creation to status.loadBalancer.ingress set',
    buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'kuryr_reconcile_failures_total',
    help: 'Failures reported to a Service owner (Event + condition), by class and reason',
    labelNames: ['class', 'reason'],
    registers: [registry],
  });
  const sweeps = new Counter({
    name: 'kuryr_orphan_sweeps_total',
    help: 'Orphan sweeps, by result (swept, or skipped because the caches were not synced)',
    labelNames: ['result'],
    registers: [registry],
  });
  const orphans = new Counter({
    name: 'kuryr_orphans_total',
    help: 'Orphans found by sweeps: queued for release, or deferred by max_orphan_releases_per_sweep',
    labelNames: ['result'],
    registers: [registry],
  });
  const deferred = new Gauge({
    name: 'kuryr_orphans_deferred',
    help: 'Orphans the last sweep left for a later one (max_orphan_releases_per_sweep)',
    registers: [registry],
  });
  return {
    sweep: (result) => {
      sweeps.inc({ result: result.kind });
      if (result.kind === 'skipped') return;
      orphans.inc({ result: 'queued' }, result.queued.length);
      orphans.inc({ result: 'deferred' }, result.deferred.length);
      deferred.set(result.deferred.length);
    },
    controller: {
      observeReconcile: (controller, ms, outcome) => {
        reconciles.observe({ controller, outcome }, ms / 1000);
      },
      queueDepth: (controller, n) => {
        depth.set({ controller }, n);
      },
      retry: (controller) => {
        retries.inc({ controller });
      },
    },
    reconciler: {
      actionExecuted: (kind) => {
        actions.inc({ kind });
      },
      createPath: (path) => {
        creates.inc({ path });
      },
      ingressLatency: (seconds) => {
        ingress.observe(seconds);
      },
      failure: (kind, reason) => {
        failures.inc({ class: kind, reason });
      },
    },
  };
}
