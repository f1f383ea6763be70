/**
 * Gauges of what the reconciler last recorded per Service: load balancers by provisioning and
 * operating status, Services by Ready status, and how long the longest-standing Ready=False
 * has lasted. Kept cheap: one map entry per Service, set when a pass records the Service's
 * KuryrLoadBalancer status (or a failure on it) and dropped when the Service is released; the
 * counts are computed from the map only when /metrics is scraped.
 */
import { Gauge, type Registry } from 'prom-client';
import type { RecordedState } from '../services/record.js';

/** The seam the reconciler feeds (ReconcilerMetrics.serviceRecorded). */
export interface ServiceGauges {
  /** Sets (or, with null, drops) what the record of Service `key` says. */
  recorded(key: string, state: RecordedState | null): void;
}

/** Metric names (exported for tests and dashboards). */
export const LOADBALANCERS = 'kuryr_loadbalancers';
export const SERVICES_READY = 'kuryr_services_ready';
export const NOT_READY_LONGEST = 'kuryr_services_not_ready_longest_seconds';

function countBy<T>(values: Iterable<T>, keyOf: (v: T) => string | null): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) {
    const key = keyOf(v);
    if (key !== null) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * Registers the three gauges on `registry`; `now` (ms) ages the Ready=False conditions.
 * Label sets whose count dropped to zero are reported as 0 until the process ends, so a
 * status that went away reads 0 rather than vanishing.
 */
export function makeServiceGauges(registry: Registry, now: () => number): ServiceGauges {
  const states = new Map<string, RecordedState>();
  const seenLb = new Map<string, { provisioning_status: string; operating_status: string }>();
  new Gauge({
    name: LOADBALANCERS,
    help: 'Load balancers of the Services served, by provisioning and operating status as last recorded',
    labelNames: ['provisioning_status', 'operating_status'],
    registers: [registry],
    collect() {
      const counts = countBy(states.values(), (s) => {
        if (s.loadBalancer === null) return null;
        const labels = {
          provisioning_status: s.loadBalancer.provisioning,
          operating_status: s.loadBalancer.operating,
        };
        const key = `${labels.provisioning_status}/${labels.operating_status}`;
        seenLb.set(key, labels);
        return key;
      });
      this.reset();
      for (const [key, labels] of seenLb) this.set(labels, counts.get(key) ?? 0);
    },
  });
  new Gauge({
    name: SERVICES_READY,
    help: 'Services with a KuryrLoadBalancer Ready condition, by its status as last recorded',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      const counts = countBy(states.values(), (s) => s.ready?.status ?? null);
      for (const status of ['True', 'False']) this.set({ status }, counts.get(status) ?? 0);
    },
  });
  new Gauge({
    name: NOT_READY_LONGEST,
    help: 'How long the Service that has been Ready=False the longest has been so (0: none is)',
    registers: [registry],
    collect() {
      let oldest = Number.POSITIVE_INFINITY;
      for (const s of states.values()) {
        if (s.ready?.status === 'False') oldest = Math.min(oldest, s.ready.sinceMs);
      }
      this.set(Number.isFinite(oldest) ? Math.max(0, (now() - oldest) / 1000) : 0);
    },
  });
  return {
    recorded(key, state) {
      if (state === null) states.delete(key);
      else states.set(key, state);
    },
  };
}
