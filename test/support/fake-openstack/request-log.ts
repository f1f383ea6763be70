/**
 * What the fake was asked, counted by service, method, operation label and status (counters
 * only, so 10 000 Services cost a few map entries, not a log). Tests assert on it ("one batch
 * member update per pool"), benchmarks print it.
 */
import type { FakeService } from './request.js';

/** One counted kind of request. */
export interface RequestCount {
  readonly service: FakeService;
  readonly method: string;
  /** The operation label, as our clients name their calls (`octavia.loadbalancer.list`); `unknown` when no route matched. */
  readonly operation: string;
  readonly status: number;
  readonly count: number;
}

/** A filter over counted requests; absent fields match anything. */
export type RequestFilter = Partial<Pick<RequestCount, 'service' | 'method' | 'operation' | 'status'>> & {
  /** Only reads (GET) or only writes (everything else). */
  readonly kind?: 'read' | 'write';
};

/** Counters of the requests a fake answered. */
export class RequestLog {
  readonly #counts = new Map<string, RequestCount>();

  /** Counts one answered request. */
  record(entry: Omit<RequestCount, 'count'>): void {
    const key = `${entry.service} ${entry.method} ${entry.operation} ${entry.status}`;
    const seen = this.#counts.get(key);
    this.#counts.set(key, { ...entry, count: (seen?.count ?? 0) + 1 });
  }

  /** The number of requests matching `filter`. */
  count(filter: RequestFilter = {}): number {
    let total = 0;
    for (const entry of this.#counts.values()) if (matches(entry, filter)) total += entry.count;
    return total;
  }

  /** Counts by operation label for requests matching `filter`, sorted by label. */
  byOperation(filter: RequestFilter = {}): Record<string, number> {
    const out: Record<string, number> = {};
    for (const entry of this.#counts.values()) {
      if (matches(entry, filter)) out[entry.operation] = (out[entry.operation] ?? 0) + entry.count;
    }
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /** Every counter. */
  entries(): RequestCount[] {
    return [...this.#counts.values()];
  }

  /** Forgets every count. */
  reset(): void {
    this.#counts.clear();
  }
}

function matches(entry: RequestCount, filter: RequestFilter): boolean {
  if (filter.kind === 'read' && entry.method !== 'GET') return false;
  if (filter.kind === 'write' && entry.method === 'GET') return false;
  return (
    (filter.service === undefined || filter.service === entry.service) &&
    (filter.method === undefined || filter.method === entry.method) &&
    (filter.operation === undefined || filter.operation === entry.operation) &&
    (filter.status === undefined || filter.status === entry.status)
  );
}
