/**
 * Prometheus instruments for OpenStack calls, registered on an injected registry (never the
 * global one): a counter and a duration histogram labelled by service, operation and status.
 */
import { Counter, Histogram, type Registry } from 'prom-client';

/** Labels of one observed call; `status` is the HTTP code or `timeout` / `aborted` / `error`. */
export interface RequestLabels {
  readonly service: string;
  readonly operation: string;
  readonly status: string;
}

/** Records one finished OpenStack call. */
export interface OpenStackMetrics {
  observe(labels: RequestLabels, seconds: number): void;
}

/** Metric names (exported for tests and dashboards). */
export const REQUESTS_TOTAL = 'kuryr_openstack_requests_total';
export const REQUEST_DURATION = 'kuryr_openstack_request_duration_seconds';

const LABELS = ['service', 'operation', 'status'] as const;
const BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

function counterOn(registry: Registry): Counter<(typeof LABELS)[number]> {
  const existing = registry.getSingleMetric(REQUESTS_TOTAL);
  if (existing instanceof Counter) return existing;
  return new Counter({
    name: REQUESTS_TOTAL,
    help: 'OpenStack API requests by service, operation and HTTP status (or timeout/aborted/error).',
    labelNames: LABELS,
    registers: [registry],
  });
}

function histogramOn(registry: Registry): Histogram<(typeof LABELS)[number]> {
  const existing = registry.getSingleMetric(REQUEST_DURATION);
  if (existing instanceof Histogram) return existing;
  return new Histogram({
    name: REQUEST_DURATION,
    help: 'Duration of OpenStack API requests in seconds.',
    labelNames: LABELS,
    buckets: BUCKETS,
    registers: [registry],
  });
}

/**
 * Creates (or reuses, when several sessions share one registry) the two instruments on
 * `registry`. Idempotent per registry.
 */
export function createOpenStackMetrics(registry: Registry): OpenStackMetrics {
  const counter = counterOn(registry);
  const histogram = histogramOn(registry);
  return {
    observe(labels, seconds) {
      const l = { service: labels.service, operation: labels.operation, status: labels.status };
      counter.inc(l);
      histogram.observe(l, seconds);
    },
  };
}
