/**
 * Quotas against what serving the cluster's Services needs. What the cluster's own objects
 * already use is part of the need (they are replaced, not added), so the test is:
 * (used by everything else in the project) + (the cluster's need) <= limit. Pure.
 */
import type { DesiredLoadBalancer } from '../../core/model.js';
import { error, ok, warning, type CheckRow } from './check.js';
import type { Read } from './facts.js';

const GROUP = 'quota';

/** Object counts per quota'd resource. */
export interface ResourceCounts {
  readonly loadBalancers: number;
  readonly listeners: number;
  readonly pools: number;
  readonly members: number;
  readonly floatingIps: number;
  /** VIP ports (one per load balancer; provider ports such as amphora VRRP ports are not counted). */
  readonly ports: number;
}

/** One resource's limit and use in the project (-1 unlimited; `used` null when unknown). */
export interface QuotaFact {
  readonly limit: number | null;
  readonly used: number | null;
}

/** What the quota checks read. */
export interface QuotaFacts {
  /** What the Services need (from translate). */
  readonly need: ResourceCounts;
  /** What the cluster's own objects (tagged with its cluster id) use now. */
  readonly ours: ResourceCounts;
  readonly octavia: Read<Readonly<Record<'loadBalancers' | 'listeners' | 'pools' | 'members', QuotaFact>>>;
  readonly neutron: Read<Readonly<Record<'floatingIps' | 'ports', QuotaFact>>>;
}

/** The counts a set of desired load balancers needs. Pure. */
export function countNeeds(desired: readonly DesiredLoadBalancer[]): ResourceCounts {
  const sum = (f: (lb: DesiredLoadBalancer) => number): number => desired.reduce((n, lb) => n + f(lb), 0);
  return {
    loadBalancers: desired.length,
    listeners: sum((lb) => lb.listeners.length),
    pools: sum((lb) => lb.listeners.length),
    members: sum((lb) => lb.listeners.reduce((n, l) => n + l.pool.members.length, 0)),
    floatingIps: sum((lb) => (lb.floatingIp?.method === 'pool' ? 1 : 0)),
    ports: desired.length,
  };
}

const LABELS: Readonly<Record<keyof ResourceCounts, string>> = {
  loadBalancers: 'load balancers',
  listeners: 'listeners',
  pools: 'pools',
  members: 'members',
  floatingIps: 'floating IPs',
  ports: 'ports',
};

function resourceRow(
  key: keyof ResourceCounts,
  fact: QuotaFact,
  facts: QuotaFacts,
  service: string,
): CheckRow {
  const label = LABELS[key];
  const need = facts.need[key];
  if (fact.limit === null) return ok(GROUP, label, `${service} reports no limit; the Services need ${need}`);
  if (fact.limit < 0) return ok(GROUP, label, `unlimited; the Services need ${need}`);
  const others = fact.used === null ? 0 : Math.max(0, fact.used - facts.ours[key]);
  const required = others + need;
  const usedText = fact.used === null ? 'usage unknown' : `${others} used by other objects`;
  const detail = `the Services need ${need}, ${usedText}, limit ${fact.limit}`;
  const fix = `raise the project's ${service} ${label} quota to at least ${Math.ceil(required * 1.2)}`;
  if (required > fact.limit) return error(GROUP, label, detail, fix);
  if (required > fact.limit * 0.9) return warning(GROUP, label, `${detail} (over 90%)`, fix);
  return ok(GROUP, label, detail);
}

/** The quota rows. */
export function checkQuotas(facts: QuotaFacts): CheckRow[] {
  const rows: CheckRow[] = [];
  const fix = 'give the user the project reader role (quota reads), or check the quotas by hand';
  if (facts.octavia.ok) {
    for (const [key, fact] of Object.entries(facts.octavia.value))
      rows.push(resourceRow(key as keyof ResourceCounts, fact, facts, 'Octavia'));
  } else {
    rows.push(warning(GROUP, 'Octavia quotas', `cannot be read: ${facts.octavia.reason}`, fix));
  }
  if (facts.neutron.ok) {
    for (const [key, fact] of Object.entries(facts.neutron.value))
      rows.push(resourceRow(key as keyof ResourceCounts, fact, facts, 'Neutron'));
  } else {
    rows.push(warning(GROUP, 'Neutron quotas', `cannot be read: ${facts.neutron.reason}`, fix));
  }
  return rows;
}
