/** The `controller / floor` table of the benchmark (pure formatting). */
import { rank } from './report.js';
import { sumRequests, type Snapshot } from './metrics.js';

/** One run's times (ms per Service) and phase lengths, whoever made them. */
export interface Series {
  readonly label: string;
  readonly lbActive: readonly number[];
  /** Every node ACTIVE (the controller: Ready with all members). */
  readonly treeActive: readonly number[];
  /** LoadBalancer Services only. */
  readonly ingress: readonly number[];
  readonly released: readonly number[];
  readonly createMs: number;
  readonly deleteMs: number;
  readonly create: Snapshot;
  readonly delete: Snapshot;
  readonly services: number;
}

const s = (ms: number | undefined): string => (ms === undefined ? '-' : (ms / 1000).toFixed(1));

function cell(controller: number | undefined, floor: number | undefined): string {
  const ratio =
    controller === undefined || floor === undefined || floor === 0 ? '-' : (controller / floor).toFixed(2);
  return `${s(floor).padStart(6)} s ${`(${ratio})`.padEnd(7)}`;
}

function timeRows(c: Series, floors: readonly Series[]): string[] {
  const rows: [string, (x: Series) => number | undefined][] = [];
  const metrics: [string, keyof Pick<Series, 'lbActive' | 'treeActive' | 'ingress' | 'released'>][] = [
    ['LB ACTIVE', 'lbActive'],
    ['tree ACTIVE (controller: Ready)', 'treeActive'],
    ['ingress (LoadBalancer)', 'ingress'],
    ['released (delete phase)', 'released'],
  ];
  for (const [title, key] of metrics) {
    rows.push([`${title} p50`, (x) => rank(x[key], 0.5)]);
    rows.push([`${title} p95`, (x) => rank(x[key], 0.95)]);
  }
  rows.push(['create phase, last converged', (x) => x.createMs]);
  rows.push(['delete phase, last released', (x) => x.deleteMs]);
  return rows.map(
    ([title, pick]) =>
      `  ${title.padEnd(36)} ${s(pick(c)).padStart(6)} s   ${floors.map((f) => cell(pick(c), pick(f))).join('  ')}`,
  );
}

function requestCell(snap: Snapshot, n: number): string {
  const per = (service: string, kind: 'read' | 'write'): string =>
    (sumRequests(snap, { service, kind }) / n).toFixed(1);
  return `${per('load-balancer', 'read')}/${per('load-balancer', 'write')}  ${per('network', 'read')}/${per('network', 'write')}`.padEnd(
    22,
  );
}

/** The comparison table: times (ratio controller ÷ floor in brackets) and requests per Service. */
export function compareLines(controller: Series, floors: readonly Series[]): string[] {
  const header = `  ${''.padEnd(36)} ${'controller'.padStart(8)}   ${floors.map((f) => f.label.padEnd(17)).join('  ')}`;
  const reqHeader = `  requests per Service (Octavia r/w  Neutron r/w)`;
  const req = (phase: 'create' | 'delete'): string =>
    `    ${phase.padEnd(10)} ${[controller, ...floors].map((x) => `${x.label}: ${requestCell(x[phase], x.services)}`).join(' ')}`;
  return [
    '== controller / floor (seconds; in brackets: controller ÷ floor)',
    header,
    ...timeRows(controller, floors),
    reqHeader,
    req('create'),
    req('delete'),
  ];
}
