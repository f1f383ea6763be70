/**
 * The sandbox's live table: one row per Service of the demo namespace (and per load balancer
 * whose Service is gone), joining what Kubernetes holds (the Service, its KuryrLoadBalancer
 * record, its Events) with what Octavia lists under the sandbox's ownership tags.
 */
import type { CoreV1Api, CoreV1Event, CustomObjectsApi, V1Service } from '@kubernetes/client-node';
import { KLB_GROUP, KLB_PLURAL, KLB_VERSION, type KuryrLoadBalancer } from '../../src/kube/klb.js';
import type { LoadBalancerRecord } from '../../src/openstack/octavia/loadbalancers.js';

/** One line of the table. */
export interface Row {
  readonly service: string;
  readonly type: string;
  readonly lbId: string;
  readonly vip: string;
  readonly fip: string;
  readonly listeners: string;
  readonly members: number | null;
  /** Octavia's provisioning status; `-` when Octavia has no load balancer for it. */
  readonly status: string;
  readonly note: string;
}

/** Where the rows come from. */
export interface TableSources {
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  readonly namespace: string;
  readonly loadBalancers: () => Promise<LoadBalancerRecord[]>;
}

function latestEventFor(events: readonly CoreV1Event[], name: string): CoreV1Event | undefined {
  const mine = events.filter((e) => e.involvedObject.name === name && e.involvedObject.kind === 'Service');
  const time = (e: CoreV1Event) => new Date(e.lastTimestamp ?? e.eventTime ?? 0).getTime();
  return mine.sort((a, b) => time(a) - time(b) || (a.count ?? 0) - (b.count ?? 0)).at(-1);
}

function noteFor(klb: KuryrLoadBalancer | undefined, event: CoreV1Event | undefined): string {
  const conditions = klb?.status?.conditions ?? [];
  const invalid = conditions.find((c) => c.type === 'InputValid' && c.status === 'False');
  if (invalid !== undefined) return `invalid: ${invalid.message}`;
  const ready = conditions.find((c) => c.type === 'Ready');
  if (ready?.status === 'True') return '';
  if (ready !== undefined) return `${ready.reason}: ${ready.message}`;
  if (klb === undefined && event !== undefined) return `skipped: ${event.message ?? event.reason ?? ''}`;
  return '';
}

interface RowInput {
  readonly name: string;
  readonly svc: V1Service | undefined;
  readonly klb: KuryrLoadBalancer | undefined;
  readonly lb: LoadBalancerRecord | undefined;
  readonly event: CoreV1Event | undefined;
}

/** The floating IP shown: the record's, else the Service's first ingress address, else '-'. */
function shownFip(svc: V1Service | undefined, klb: KuryrLoadBalancer | undefined): string {
  const ingress = (svc?.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '').filter((ip) => ip !== '');
  const fip = klb?.status?.service_pub_ip_info?.ip_addr ?? ingress[0] ?? '';
  return fip === '' ? '-' : fip;
}

/** The load balancer columns (from Octavia). */
function lbCells(lb: LoadBalancerRecord | undefined): Pick<Row, 'lbId' | 'vip' | 'status'> {
  return lb === undefined
    ? { lbId: '-', vip: '-', status: '-' }
    : { lbId: lb.id.slice(0, 8), vip: lb.vipAddress, status: lb.provisioningStatus };
}

/** The record columns (from the KuryrLoadBalancer status). */
function recordCells(klb: KuryrLoadBalancer | undefined): Pick<Row, 'listeners' | 'members'> {
  const listeners = (klb?.status?.listeners ?? []).map((l) => `${l.protocol}:${l.port}`).join(',');
  return { listeners: listeners === '' ? '-' : listeners, members: klb?.status?.members?.length ?? null };
}

function rowOf(input: RowInput): Row {
  const { svc, klb } = input;
  const gone = svc === undefined;
  return {
    service: gone ? `${input.name} (deleted)` : input.name,
    type: svc?.spec?.type ?? '-',
    ...lbCells(input.lb),
    fip: shownFip(svc, klb),
    ...recordCells(klb),
    note: gone ? 'being released' : noteFor(klb, input.event),
  };
}

/** Reads every source once and joins them into rows (sorted by Service name). */
export async function readRows(src: TableSources): Promise<Row[]> {
  const { namespace } = src;
  const [services, klbList, events, lbs] = await Promise.all([
    src.core.listNamespacedService({ namespace }),
    src.custom.listNamespacedCustomObject({
      group: KLB_GROUP,
      version: KLB_VERSION,
      plural: KLB_PLURAL,
      namespace,
    }) as Promise<unknown>,
    src.core.listNamespacedEvent({ namespace }),
    src.loadBalancers(),
  ]);
  const klbs = ((klbList as { items?: KuryrLoadBalancer[] }).items ?? []).filter(
    (k) => k.metadata.name !== undefined,
  );
  const lbByName = new Map(lbs.map((lb) => [lb.name, lb]));
  const names = new Set(services.items.map((s) => s.metadata?.name ?? ''));
  for (const lb of lbs)
    if (lb.name.startsWith(`${namespace}/`)) names.add(lb.name.slice(namespace.length + 1));
  names.delete('');
  return [...names].sort().map((name) =>
    rowOf({
      name,
      svc: services.items.find((s) => s.metadata?.name === name),
      klb: klbs.find((k) => k.metadata.name === name),
      lb: lbByName.get(`${namespace}/${name}`),
      event: latestEventFor(events.items, name),
    }),
  );
}

const HEADERS = ['SERVICE', 'TYPE', 'LB', 'VIP', 'FIP', 'LISTENERS', 'MEMBERS', 'STATUS', 'NOTE'] as const;

function cells(row: Row): string[] {
  return [
    row.service,
    row.type,
    row.lbId,
    row.vip,
    row.fip,
    row.listeners,
    row.members === null ? '-' : String(row.members),
    row.status,
    row.note.length > 70 ? `${row.note.slice(0, 67)}...` : row.note,
  ];
}

/** Renders rows as an aligned text table (no trailing newline). Pure. */
export function renderTable(rows: readonly Row[]): string {
  const lines = [[...HEADERS], ...rows.map(cells)];
  const widths = HEADERS.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
  return lines
    .map((l) =>
      l
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
