/** Formatting of the benchmark's numbers (pure). */
import { failedRequests, readsByOperation, sumRequests, type Snapshot } from './metrics.js';

/** The `p` quantile (0..1] of `values` by nearest rank; undefined when empty. */
export function rank(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** p50/p95/max of `values` (nearest rank), in seconds with one decimal; `-` when empty. */
export function percentiles(valuesMs: readonly number[]): string {
  if (valuesMs.length === 0) return '-';
  const s = (ms: number | undefined): string => ((ms ?? 0) / 1000).toFixed(1);
  return `p50 ${s(rank(valuesMs, 0.5))} s  p95 ${s(rank(valuesMs, 0.95))} s  max ${s(rank(valuesMs, 1))} s  (n=${valuesMs.length})`;
}

function perService(n: number, count: number): string {
  return `${n} total, ${(n / count).toFixed(2)} per Service`;
}

function mapLine(m: ReadonlyMap<string, number>): string {
  return [...m].map(([k, v]) => `${k}=${v}`).join(' ') || '(none)';
}

/** The lines describing one phase's OpenStack cost. */
export function phaseLines(title: string, d: Snapshot, count: number): string[] {
  const failed = failedRequests(d);
  return [
    `== ${title}`,
    `  Octavia writes (POST/PUT/DELETE):  ${perService(sumRequests(d, { service: 'load-balancer', kind: 'write' }), count)}`,
    `  Octavia reads (GET):               ${perService(sumRequests(d, { service: 'load-balancer', kind: 'read' }), count)}`,
    `  Neutron writes:                    ${perService(sumRequests(d, { service: 'network', kind: 'write' }), count)}`,
    `  Neutron reads (GET):               ${perService(sumRequests(d, { service: 'network', kind: 'read' }), count)}`,
    `  reads by operation:                ${mapLine(readsByOperation(d))}`,
    `  actions by kind:                   ${mapLine(d.actions)}`,
    `  load balancer creates by path:     ${mapLine(d.creates)}`,
    `  non-2xx answers:                   ${mapLine(failed)}`,
  ];
}
