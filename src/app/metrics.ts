/**
 * The controller's Prometheus metrics, all on one injected registry: reconcile outcomes and
 * durations, queue depth, retries (the engine's seam), the Service-level counters (writes by
 * action kind, create path, time to ingress, failures, ownership conflicts), the per-Service
 * gauges (service-gauges.ts) and the sweep's results. OpenStack and Kubernetes call metrics are
 * registered by their clients on the same registry; the process-level ones (runtime, build,
 * leadership, readiness) by `makeProcessMetrics`, once per process.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ControllerMetrics } from '../engine/observability.js';
import type { ReconcilerMetrics } from '../services/deps.js';
import type { SweepResult } from '../services/sweep.js';
import { makeServiceGauges } from './service-gauges.js';

export interface AppMetrics {
  readonly controller: ControllerMetrics;
  readonly reconciler: ReconcilerMetrics;
  /** One orphan sweep ended. */
  sweep(result: SweepResult): void;
  /** A sweep listed `count` objects with our cluster id but another writer (never touched). */
  sweepConflicts(count: number): void;
}

/** The build a process runs, for `kuryr_build_info`. */
export interface BuildLabels {
  readonly version: string;
  readonly commit: string;
  /** `process.version`. */
  readonly node: string;
}

/** The process-level seams: leadership and readiness. */
export interface ProcessMetrics {
  /** This process leads (or runs without election): true; a standby or a stopped leader: false. */
  leading(leads: boolean): void;
  /** The controller's caches are synced and its workers run. */
  ready(isReady: boolean): void;
}

/**
 * Registers Node's default process metrics (CPU, memory, event loop lag, GC, handles), a
 * constant `kuryr_build_info{version,commit,node} 1`, `kuryr_leader` and `kuryr_ready` (both
 * 0 until told otherwise) on `registry`. Call once per registry (a second call throws).
 */
export function makeProcessMetrics(registry: Registry, build: BuildLabels): ProcessMetrics {
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'kuryr_build_info',
    help: 'The running build: version, git commit and Node.js version (always 1)',
    labelNames: ['version', 'commit', 'node'],
    registers: [registry],
  }).set({ ...build }, 1);
  const leader = new Gauge({
    name: 'kuryr_leader',
    help: '1 while this process runs the controller (holds the leader Lease, or runs without election)',
    registers: [registry],
  });
  const ready = new Gauge({
    name: 'kuryr_ready',
    help: "1 once the controller's caches synced and its workers run (a standby reports 0)",
    registers: [registry],
  });
  leader.set(0);
  ready.set(0);
  return {
    leading: (leads) => {
      leader.set(leads ? 1 : 0);
    },
    ready: (isReady) => {
      ready.set(isReady ? 1 : 0);
    },
  };
}

/** Registers the metrics on `registry` and returns the seams that feed them; `now` in ms. */
export function makeAppMetrics(registry: Registry, now: () => number = Date.now): AppMetrics {
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
  const conflicts = new Counter({
    name: 'kuryr_ownership_conflicts_total',
    help: 'Objects seen with our cluster id but another writer identity (never touched), by who saw them',
    labelNames: ['source'],
    registers: [registry],
  });
  const services = makeServiceGauges(registry, now);
  return {
    sweepConflicts: (count) => {
      conflicts.inc({ source: 'sweep' }, count);
    },
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
      serviceRecorded: (key, state) => {
        services.recorded(key, state);
      },
      ownershipConflicts: (count) => {
        conflicts.inc({ source: 'reconcile' }, count);
      },
    },
  };
}
