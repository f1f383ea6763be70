/**
 * Kubernetes API call metrics: the `KubeMetrics` seam every kube call reports to, and its
 * Prometheus implementation on an injected registry (never the global one).
 */
import { Counter, Histogram, type Registry } from 'prom-client';

/** Records one finished Kubernetes API call; must be cheap and must not throw. */
export interface KubeMetrics {
  /**
   * `operation` names the call (`service.patch`, `klb.status.patch`, `service.watch`);
   * `code` is the HTTP status, or `timeout` / `aborted` / `error` when there was no answer.
   */
  request(operation: string, code: string, seconds: number): void;
  /** A reflector's list of `resource` (`services`) failed; it retries after a delay. */
  listFailed?(resource: string): void;
  /**
   * A reflector's watch of `resource` ended and is started again: `closed` (the server ended
   * it; resumed from the last resourceVersion), `expired` (410 Gone: relisted), `failed`.
   */
  watchRestarted?(resource: string, reason: WatchRestartReason): void;
}

/** Why a reflector started a new watch. */
export type WatchRestartReason = 'closed' | 'expired' | 'failed';

/** Metric names (exported for tests and dashboards). */
export const KUBE_REQUESTS_TOTAL = 'kuryr_kube_requests_total';
export const KUBE_REQUEST_DURATION = 'kuryr_kube_request_duration_seconds';
export const KUBE_LIST_FAILURES = 'kuryr_kube_list_failures_total';
export const KUBE_WATCH_RESTARTS = 'kuryr_kube_watch_restarts_total';

const LABELS = ['operation', 'code'] as const;
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 600];

/** Metrics that record nothing. */
export function noKubeMetrics(): KubeMetrics {
  return { request: () => undefined };
}

function counterOn(registry: Registry): Counter<(typeof LABELS)[number]> {
  const existing = registry.getSingleMetric(KUBE_REQUESTS_TOTAL);
  if (existing instanceof Counter) return existing;
  return new Counter({
    name: KUBE_REQUESTS_TOTAL,
    help: 'Kubernetes API requests by operation and HTTP status (or timeout/aborted/error).',
    labelNames: LABELS,
    registers: [registry],
  });
}

function histogramOn(registry: Registry): Histogram<(typeof LABELS)[number]> {
  const existing = registry.getSingleMetric(KUBE_REQUEST_DURATION);
  if (existing instanceof Histogram) return existing;
  return new Histogram({
    name: KUBE_REQUEST_DURATION,
    help: 'Duration of Kubernetes API requests in seconds (watches: how long the stream lasted).',
    labelNames: LABELS,
    buckets: BUCKETS,
    registers: [registry],
  });
}

function reflectorCounterOn<L extends string>(
  registry: Registry,
  spec: { readonly name: string; readonly help: string; readonly labelNames: readonly L[] },
): Counter<L> {
  const existing = registry.getSingleMetric(spec.name);
  if (existing instanceof Counter) return existing;
  return new Counter({ ...spec, registers: [registry] });
}

/** Registers (or reuses) the instruments on `registry`; idempotent per registry. */
export function createKubeMetrics(registry: Registry): KubeMetrics {
  const counter = counterOn(registry);
  const histogram = histogramOn(registry);
  const listFailures = reflectorCounterOn(registry, {
    name: KUBE_LIST_FAILURES,
    help: 'Failed reflector lists (the cache is not refreshed until one succeeds), by resource.',
    labelNames: ['resource'],
  });
  const watchRestarts = reflectorCounterOn(registry, {
    name: KUBE_WATCH_RESTARTS,
    help: 'Reflector watches started again, by resource and reason (closed by the server, expired: 410 relist, failed).',
    labelNames: ['resource', 'reason'],
  });
  return {
    request(operation, code, seconds) {
      counter.inc({ operation, code });
      histogram.observe({ operation, code }, seconds);
    },
    listFailed(resource) {
      listFailures.inc({ resource });
    },
    watchRestarted(resource, reason) {
      watchRestarts.inc({ resource, reason });
    },
  };
}
