/**
 * The status table (`kuryr-services status`, the sandbox's live view): one row per Service,
 * and one per load balancer whose Service is gone, joining what Kubernetes holds (the
 * Service, its KuryrLoadBalancer record, its Events) with what Octavia and Neutron list.
 * Pure: the caller reads the sources (read.ts); nothing here does I/O.
 */
import type { CoreV1Event, V1Service } from '@kubernetes/client-node';
import type { KuryrLoadBalancer } from '../../kube/klb-types.js';
import type { FloatingIpRecord } from '../../openstack/neutron/floatingips.js';
import type { LoadBalancerRecord } from '../../openstack/octavia/loadbalancers.js';
import type { StatusTree } from '../../openstack/octavia/statuses.js';

/** One line of the table (also the JSON element of `status -o json`). */
export interface StatusRow {
  /** `namespace/name`. */
  readonly service: string;
  /** The Service is gone while OpenStack still holds its load balancer (being released). */
  readonly deleted: boolean;
  /** `spec.type`; `-` when the Service is gone. */
  readonly type: string;
  /** The load balancer's id; null when Octavia holds none for the Service. */
  readonly loadBalancerId: string | null;
  readonly vip: string | null;
  readonly floatingIp: string | null;
  /** `PROTOCOL:port` per listener (from the status tree, else the record). */
  readonly listeners: readonly string[];
  /** Members in the status tree; null when nothing says. */
  readonly members: number | null;
  /** Members operating ONLINE or NO_MONITOR (no health monitor); null without a status tree. */
  readonly membersReady: number | null;
  /** Octavia's provisioning status; null without a load balancer. */
  readonly provisioningStatus: string | null;
  readonly operatingStatus: string | null;
  /** Why it is not ready: the record's condition, else the latest Warning event; '' when fine. */
  readonly lastError: string;
}

/** Everything the rows are built from, as listed (one list per kind). */
export interface StatusSources {
  readonly services: readonly V1Service[];
  readonly klbs: readonly KuryrLoadBalancer[];
  readonly events: readonly CoreV1Event[];
  /** Load balancers with their Service key (`namespace/name`), already filtered to ours. */
  readonly loadBalancers: readonly { readonly key: string; readonly lb: LoadBalancerRecord }[];
  readonly floatingIps: readonly FloatingIpRecord[];
  /** Status trees by load balancer id (those fetched). */
  readonly trees: ReadonlyMap<string, StatusTree>;
  /** Restrict the rows to this namespace (undefined: all). */
  readonly namespace?: string;
}

const keyOf = (meta: { namespace?: string; name?: string } | undefined): string =>
  `${meta?.namespace ?? ''}/${meta?.name ?? ''}`;

function latestEvent(events: readonly CoreV1Event[]): CoreV1Event | undefined {
  const time = (e: CoreV1Event) => new Date(e.lastTimestamp ?? e.eventTime ?? 0).getTime();
  return [...events].sort((a, b) => time(a) - time(b) || (a.count ?? 0) - (b.count ?? 0)).at(-1);
}

const eventText = (e: CoreV1Event): string => `${e.reason ?? ''}: ${e.message ?? ''}`;

/** The record's condition: invalid input, or why Ready is not True; null when it says nothing. */
function conditionText(klb: KuryrLoadBalancer | undefined): string | null {
  const conditions = klb?.status?.conditions ?? [];
  const invalid = conditions.find((c) => c.type === 'InputValid' && c.status === 'False');
  if (invalid !== undefined) return `invalid: ${invalid.message}`;
  const ready = conditions.find((c) => c.type === 'Ready');
  if (ready === undefined) return null;
  return ready.status === 'True' ? '' : `${ready.reason}: ${ready.message}`;
}

/** The record's condition, else the latest Warning event, else (no record) the skip reason. */
function lastErrorOf(klb: KuryrLoadBalancer | undefined, events: readonly CoreV1Event[]): string {
  const condition = conditionText(klb);
  if (condition !== null) return condition;
  const warning = latestEvent(events.filter((e) => e.type === 'Warning'));
  if (warning !== undefined) return eventText(warning);
  const latest = latestEvent(events);
  if (klb === undefined && latest !== undefined) return `skipped: ${latest.message ?? latest.reason ?? ''}`;
  return '';
}

/** An ingress address that is not the VIP (the floating IP the controller published). */
function publishedAddress(svc: V1Service | undefined, vip: string | undefined): string | undefined {
  const ingress = (svc?.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '');
  return ingress.find((ip) => ip !== '' && ip !== vip);
}

/** The address on the VIP port (listed), else the record's, else the published one. */
function fipOf(
  svc: V1Service | undefined,
  klb: KuryrLoadBalancer | undefined,
  lb: LoadBalancerRecord | undefined,
  fips: readonly FloatingIpRecord[],
): string | null {
  const vipPort = lb?.vipPortId ?? null;
  const onVip = vipPort === null ? undefined : fips.find((f) => f.portId === vipPort);
  if (onVip !== undefined) return onVip.address;
  const recorded = klb?.status?.service_pub_ip_info?.ip_addr ?? publishedAddress(svc, lb?.vipAddress);
  return recorded === undefined || recorded === '' ? null : recorded;
}

function treeCells(
  tree: StatusTree | undefined,
  klb: KuryrLoadBalancer | undefined,
): Pick<StatusRow, 'listeners' | 'members' | 'membersReady'> {
  const recorded = (klb?.status?.listeners ?? []).map((l) => `${l.protocol}:${l.port}`);
  if (tree === undefined)
    return { listeners: recorded, members: klb?.status?.members?.length ?? null, membersReady: null };
  const members = tree.listeners.flatMap((l) => l.pools.flatMap((p) => p.members));
  const unique = new Map(members.map((m) => [m.id, m]));
  const ready = [...unique.values()].filter(
    (m) => m.operatingStatus === 'ONLINE' || m.operatingStatus === 'NO_MONITOR',
  );
  // Our listener names end in `:PROTOCOL:port` (core/naming.ts); the record is preferred.
  const named = tree.listeners.map((l) => l.name.split(':').slice(-2).join(':'));
  return {
    listeners: recorded.length > 0 ? recorded : named,
    members: unique.size,
    membersReady: ready.length,
  };
}

interface RowInput {
  readonly key: string;
  readonly svc: V1Service | undefined;
  readonly klb: KuryrLoadBalancer | undefined;
  readonly lb: LoadBalancerRecord | undefined;
  readonly events: readonly CoreV1Event[];
}

function lbCells(
  lb: LoadBalancerRecord | undefined,
  tree: StatusTree | undefined,
): Pick<StatusRow, 'loadBalancerId' | 'vip' | 'provisioningStatus' | 'operatingStatus'> {
  if (lb === undefined)
    return { loadBalancerId: null, vip: null, provisioningStatus: null, operatingStatus: null };
  return {
    loadBalancerId: lb.id,
    vip: lb.vipAddress,
    provisioningStatus: lb.provisioningStatus,
    operatingStatus: tree?.operatingStatus ?? lb.operatingStatus,
  };
}

function rowOf(input: RowInput, src: StatusSources): StatusRow {
  const { svc, klb, lb } = input;
  const tree = lb === undefined ? undefined : src.trees.get(lb.id);
  return {
    service: input.key,
    deleted: svc === undefined,
    type: svc?.spec?.type ?? '-',
    ...lbCells(lb, tree),
    floatingIp: fipOf(svc, klb, lb, src.floatingIps),
    ...treeCells(tree, klb),
    lastError: svc === undefined ? 'Service gone: being released' : lastErrorOf(klb, input.events),
  };
}

/** The rows, sorted by `namespace/name`. Pure. */
export function buildStatusRows(src: StatusSources): StatusRow[] {
  const inScope = (key: string): boolean =>
    src.namespace === undefined || key.startsWith(`${src.namespace}/`);
  const services = new Map(src.services.map((s) => [keyOf(s.metadata), s]));
  const klbs = new Map(src.klbs.map((k) => [keyOf(k.metadata), k]));
  const lbs = new Map(src.loadBalancers.map(({ key, lb }) => [key, lb]));
  const events = new Map<string, CoreV1Event[]>();
  for (const e of src.events) {
    if (e.involvedObject.kind !== 'Service') continue;
    const key = keyOf(e.involvedObject);
    events.set(key, [...(events.get(key) ?? []), e]);
  }
  const keys = [...new Set([...services.keys(), ...lbs.keys()])].filter(inScope).sort();
  return keys.map((key) =>
    rowOf(
      { key, svc: services.get(key), klb: klbs.get(key), lb: lbs.get(key), events: events.get(key) ?? [] },
      src,
    ),
  );
}

const HEADERS = [
  'SERVICE',
  'TYPE',
  'LB',
  'VIP',
  'FIP',
  'LISTENERS',
  'MEMBERS',
  'PROVISIONING',
  'OPERATING',
  'LAST ERROR',
];

function membersCell(row: StatusRow): string {
  if (row.members === null) return '-';
  return row.membersReady === null ? `?/${row.members}` : `${row.membersReady}/${row.members}`;
}

function cells(row: StatusRow, wide: boolean): string[] {
  const error = !wide && row.lastError.length > 70 ? `${row.lastError.slice(0, 67)}...` : row.lastError;
  return [
    row.deleted ? `${row.service} (deleted)` : row.service,
    row.type,
    row.loadBalancerId === null ? '-' : wide ? row.loadBalancerId : row.loadBalancerId.slice(0, 8),
    row.vip ?? '-',
    row.floatingIp ?? '-',
    row.listeners.length === 0 ? '-' : row.listeners.join(','),
    membersCell(row),
    row.provisioningStatus ?? '-',
    row.operatingStatus ?? '-',
    error,
  ];
}

/** The rows as an aligned text table, newline-terminated. `wide`: full ids and errors. Pure. */
export function renderStatusTable(rows: readonly StatusRow[], wide = false): string {
  const lines = [HEADERS, ...rows.map((r) => cells(r, wide))];
  const widths = HEADERS.map((_, i) => lines.reduce((w, l) => Math.max(w, (l[i] ?? '').length), 0));
  const text = lines.map((l) =>
    l
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  return `${text.join('\n')}\n`;
}

/** The rows as `{"services": [...]}`, 2-space indented, newline-terminated. Pure. */
export function renderStatusJson(rows: readonly StatusRow[]): string {
  return `${JSON.stringify({ services: rows }, null, 2)}\n`;
}
