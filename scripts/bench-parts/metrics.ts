/**
 * Reading the controller's Prometheus registry for the benchmark: snapshots of the counters
 * it cares about, and differences between two snapshots (one phase's cost).
 */
import type { Registry } from 'prom-client';

/** Counter values of one moment. */
export interface Snapshot {
  /** `kuryr_openstack_requests_total` by `service operation status`. */
  readonly requests: ReadonlyMap<string, number>;
  /** `kuryr_openstack_actions_total` by kind. */
  readonly actions: ReadonlyMap<string, number>;
  /** `kuryr_loadbalancer_creates_total` by path. */
  readonly creates: ReadonlyMap<string, number>;
}

interface MetricJson {
  readonly name: string;
  readonly values: readonly { readonly value: number; readonly labels: Record<string, string | number> }[];
}

function valuesOf(
  metrics: readonly MetricJson[],
  name: string,
  key: (l: Record<string, string | number>) => string,
) {
  const out = new Map<string, number>();
  for (const v of metrics.find((m) => m.name === name)?.values ?? []) {
    const k = key(v.labels);
    out.set(k, (out.get(k) ?? 0) + v.value);
  }
  return out;
}

/** Reads the three counters from `registry`. */
export async function snapshot(registry: Registry): Promise<Snapshot> {
  const metrics = (await registry.getMetricsAsJSON()) as unknown as MetricJson[];
  const str = (v: string | number | undefined): string => String(v ?? '');
  return {
    requests: valuesOf(
      metrics,
      'kuryr_openstack_requests_total',
      (l) => `${str(l.service)} ${str(l.operation)} ${str(l.status)}`,
    ),
    actions: valuesOf(metrics, 'kuryr_openstack_actions_total', (l) => str(l.kind)),
    creates: valuesOf(metrics, 'kuryr_loadbalancer_creates_total', (l) => str(l.path)),
  };
}

function minus(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of a) if (v - (b.get(k) ?? 0) !== 0) out.set(k, v - (b.get(k) ?? 0));
  return out;
}

/** What happened between `before` and `after`. */
export function delta(after: Snapshot, before: Snapshot): Snapshot {
  return {
    requests: minus(after.requests, before.requests),
    actions: minus(after.actions, before.actions),
    creates: minus(after.creates, before.creates),
  };
}

const READ = /\.(get|list|status)$/;
const NOT_API = /^(token\.issue|catalog\.lookup|version\.discover)$/;

/** Kind of request: a read (GET), a write, or session housekeeping (tokens, discovery). */
export function requestKind(operation: string): 'read' | 'write' | 'other' {
  if (NOT_API.test(operation)) return 'other';
  return READ.test(operation) ? 'read' : 'write';
}

/** Sums requests of one OpenStack service (or all when `service` is null) and kind. */
export function sumRequests(s: Snapshot, filter: { service: string | null; kind: 'read' | 'write' }): number {
  let total = 0;
  for (const [key, n] of s.requests) {
    const [service = '', operation = ''] = key.split(' ');
    if ((filter.service === null || service === filter.service) && requestKind(operation) === filter.kind)
      total += n;
  }
  return total;
}

/** Reads (GETs) by operation label, any status, sorted by label. */
export function readsByOperation(s: Snapshot): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, n] of s.requests) {
    const [, operation = ''] = key.split(' ');
    if (requestKind(operation) === 'read') out.set(operation, (out.get(operation) ?? 0) + n);
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Requests answered with a non-2xx status (e.g. 409 while busy), by `service operation status`. */
export function failedRequests(s: Snapshot): Map<string, number> {
  return new Map([...s.requests].filter(([key]) => !/ 2\d\d$/.test(key)));
}
