/**
 * The end checks' verdicts, pure: a snapshot of what the cloud and the API server hold at the
 * end of a run (read by checks.ts) in, what failed out. Nothing leaked (load balancers,
 * floating IPs, VIP ports of the run's cluster id that no live Service wants), nothing deleted
 * that a live Service wanted (the observer's finding), every live Service converged (one
 * ACTIVE tree on its ClusterIP with the right listeners and members, its floating IP in the
 * ingress when of type LoadBalancer, none when not), every deleted Service gone.
 */
import type { ObservedFloatingIp, ObservedLoadBalancer } from '../../src/core/model.js';
import { parseDescriptionMarker } from '../../src/core/naming.js';
import type { LoadBalancerRecord } from '../../src/openstack/octavia/loadbalancers.js';
import type { Slot } from './world.js';

/** What the end checks found (each list empty = that check passed). */
export interface CheckResult {
  readonly leakedLoadBalancers: readonly string[];
  readonly leakedFloatingIps: readonly string[];
  readonly leakedPorts: readonly string[];
  readonly wronglyDeleted: readonly string[];
  readonly unconverged: readonly string[];
}

/** True when every check passed. */
export function passed(r: CheckResult): boolean {
  return Object.values(r).every((list: readonly string[]) => list.length === 0);
}

/** Everything the verdicts judge, read once at the end of a run. */
export interface CheckSnapshot {
  readonly slots: readonly Slot[];
  /** The load balancers tagged with the run's cluster id. */
  readonly lbs: readonly LoadBalancerRecord[];
  /** The full tree of every load balancer that is the only one of a live Service, by id. */
  readonly trees: ReadonlyMap<string, ObservedLoadBalancer>;
  /** The floating IPs tagged with the run's cluster id. */
  readonly fips: readonly ObservedFloatingIp[];
  /** The ingress IPs of every Service the API server holds, by name (absent: not there). */
  readonly ingress: ReadonlyMap<string, readonly string[]>;
  /** Every VIP port the observer saw, with its load balancer. */
  readonly vipPorts: ReadonlyMap<string, string>;
  /** Which of `orphanVipPorts` still exist in Neutron. */
  readonly portsStillThere: ReadonlySet<string>;
  /** The observer's `uid: lb id` of established load balancers gone while their Service lived. */
  readonly wronglyDeleted: readonly string[];
}

/** The uid the description marker names, or ''. */
export function uidOf(item: { readonly description: string }): string {
  return parseDescriptionMarker(item.description)?.service.uid ?? '';
}

/** The VIP ports (port id → lb id) whose load balancer is gone: each must be gone too. */
export function orphanVipPorts(
  vipPorts: ReadonlyMap<string, string>,
  lbs: readonly { readonly id: string }[],
): Map<string, string> {
  const live = new Set(lbs.map((lb) => lb.id));
  return new Map([...vipPorts].filter(([, lbId]) => !live.has(lbId)));
}

/** Every item but the first of each wanted uid: the leaks. */
function extras(
  items: readonly { readonly id: string; readonly description: string }[],
  wanted: (uid: string) => boolean,
): string[] {
  const kept = new Set<string>();
  const out: string[] = [];
  for (const item of items) {
    const u = uidOf(item);
    if (wanted(u) && !kept.has(u)) kept.add(u);
    else out.push(`${item.id} (uid ${u === '' ? '?' : u}, no live Service wants it)`);
  }
  return out;
}

const joined = (xs: readonly string[]): string => [...xs].sort().join(' ');

function listenersProblem(slot: Slot, tree: ObservedLoadBalancer): string | null {
  const want = joined(slot.ports.map((p) => `TCP:${p.port}`));
  const have = joined(tree.listeners.map((l) => `${l.protocol}:${l.protocolPort}`));
  if (want !== have) return `listeners [${have}], want [${want}]`;
  for (const p of slot.ports) {
    const listener = tree.listeners.find((l) => l.protocolPort === p.port);
    const pool = tree.pools.find((q) => q.id === listener?.defaultPoolId);
    const members = joined((pool?.members ?? []).map((m) => `${m.address}:${m.protocolPort}`));
    const wanted = joined(slot.podIps.map((ip) => `${ip}:${p.targetPort}`));
    if (members !== wanted) return `port ${p.port}: members [${members}], want [${wanted}]`;
  }
  return null;
}

function treeProblem(slot: Slot, tree: ObservedLoadBalancer): string | null {
  if (tree.vipAddress !== slot.clusterIP) return `VIP ${tree.vipAddress}, want ${slot.clusterIP}`;
  const children = [...tree.listeners, ...tree.pools, ...tree.pools.flatMap((p) => p.members)];
  if (tree.provisioningStatus !== 'ACTIVE' || children.some((c) => c.provisioningStatus !== 'ACTIVE'))
    return `tree not ACTIVE (LB ${tree.provisioningStatus})`;
  return listenersProblem(slot, tree);
}

function ingressProblem(s: CheckSnapshot, slot: Slot, tree: ObservedLoadBalancer): string | null {
  const ingress = s.ingress.get(slot.name);
  if (ingress === undefined) return 'live, but not in the API server';
  if (slot.kind === 'ClusterIP')
    return ingress.length === 0 ? null : `ingress [${ingress.join(' ')}] on a ClusterIP`;
  const fip = s.fips.find((f) => uidOf(f) === slot.uid);
  if (fip === undefined) return 'no floating IP';
  if (fip.portId !== tree.vipPortId) return `floating IP ${fip.address} not on the VIP port`;
  if (ingress.length === 0) return `no ingress, want ${fip.address}`;
  return ingress.join(',') === fip.address ? null : `ingress [${ingress.join(' ')}], want ${fip.address}`;
}

/** What is wrong with one Service name, or null. */
export function slotProblem(s: CheckSnapshot, slot: Slot): string | null {
  if (!slot.alive)
    return s.ingress.has(slot.name) ? 'deleted, but still in the API server (finalizer not released)' : null;
  const mine = s.lbs.filter((lb) => uidOf(lb) === slot.uid);
  const [only] = mine;
  if (mine.length !== 1 || only === undefined) return `${mine.length} load balancers`;
  const tree = s.trees.get(only.id);
  if (tree === undefined) return `load balancer ${only.id} tree not read`;
  return treeProblem(slot, tree) ?? ingressProblem(s, slot, tree);
}

/** Every verdict of the snapshot. */
export function judge(s: CheckSnapshot): CheckResult {
  const alive = s.slots.filter((slot) => slot.alive);
  const aliveUids = new Set(alive.map((slot) => slot.uid));
  const lbUids = new Set(alive.filter((slot) => slot.kind === 'LoadBalancer').map((slot) => slot.uid));
  const unconverged: string[] = [];
  for (const slot of s.slots) {
    const problem = slotProblem(s, slot);
    if (problem !== null) unconverged.push(`${slot.name}: ${problem}`);
  }
  const leakedPorts = [...orphanVipPorts(s.vipPorts, s.lbs)]
    .filter(([portId]) => s.portsStillThere.has(portId))
    .map(([portId, lbId]) => `${portId} (VIP port of deleted LB ${lbId})`);
  return {
    leakedLoadBalancers: extras(s.lbs, (u) => aliveUids.has(u)),
    leakedFloatingIps: extras(s.fips, (u) => lbUids.has(u)),
    leakedPorts,
    wronglyDeleted: s.wronglyDeleted,
    unconverged,
  };
}
