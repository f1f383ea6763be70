/**
 * The end checks of a chaos run, against the cloud (read directly, not through the proxies)
 * and the API server, once the faults have stopped: nothing leaked (load balancers, floating
 * IPs, VIP ports of this run's cluster id that no live Service wants), nothing deleted that a
 * live Service wanted (from the observer), and every live Service converged (one ACTIVE tree
 * on its ClusterIP with the right listeners and members, the floating IP in its ingress when
 * of type LoadBalancer, none when not); every deleted Service is gone from the API server.
 */
import type { CoreV1Api } from '@kubernetes/client-node';
import type { ObservedFloatingIp, ObservedLoadBalancer } from '../../src/core/model.js';
import { parseDescriptionMarker } from '../../src/core/naming.js';
import { NotFoundError } from '../../src/openstack/errors.js';
import * as ports from '../../src/openstack/neutron/ports.js';
import { observeTree } from '../../src/openstack/observe-tree.js';
import type { LoadBalancerRecord } from '../../src/openstack/octavia/loadbalancers.js';
import type { OpenStackSession } from '../../src/openstack/session.js';
import { taggedFloatingIps } from '../../test/e2e/support/controller-process.js';
import { uidOf, type Observations } from './observer.js';
import { NS, type Slot } from './world.js';

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

/** What the checks read from. */
export interface CheckInputs {
  readonly session: OpenStackSession;
  readonly core: CoreV1Api;
  readonly clusterId: string;
  readonly slots: readonly Slot[];
  readonly lbs: readonly LoadBalancerRecord[];
  readonly observations: Observations;
}

function extras<T extends { readonly id: string }>(
  items: readonly T[],
  wanted: (uid: string) => boolean,
  uid: (t: T) => string,
): string[] {
  const kept = new Set<string>();
  const out: string[] = [];
  for (const item of items) {
    const u = uid(item);
    if (wanted(u) && !kept.has(u)) kept.add(u);
    else out.push(`${item.id} (uid ${u === '' ? '?' : u})`);
  }
  return out;
}

async function leakedPorts(inputs: CheckInputs): Promise<string[]> {
  const live = new Set(inputs.lbs.map((lb) => lb.id));
  const out: string[] = [];
  for (const [portId, lbId] of inputs.observations.vipPorts) {
    if (live.has(lbId)) continue;
    try {
      await ports.get(inputs.session, portId);
      out.push(`${portId} (VIP port of deleted LB ${lbId})`);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  return out;
}

function listenersProblem(slot: Slot, tree: ObservedLoadBalancer): string | null {
  const want = slot.ports.map((p) => `TCP:${p.port}`).sort();
  const have = tree.listeners.map((l) => `${l.protocol}:${l.protocolPort}`).sort();
  if (want.join(',') !== have.join(',')) return `listeners [${have.join(' ')}], want [${want.join(' ')}]`;
  for (const p of slot.ports) {
    const listener = tree.listeners.find((l) => l.protocolPort === p.port);
    const pool = tree.pools.find((q) => q.id === listener?.defaultPoolId);
    const members = (pool?.members ?? []).map((m) => `${m.address}:${m.protocolPort}`).sort();
    const wanted = slot.podIps.map((ip) => `${ip}:${p.targetPort}`).sort();
    if (members.join(',') !== wanted.join(','))
      return `port ${p.port}: members [${members.join(' ')}], want [${wanted.join(' ')}]`;
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

async function ingressProblem(
  inputs: CheckInputs,
  slot: Slot,
  tree: ObservedLoadBalancer,
  fips: readonly ObservedFloatingIp[],
): Promise<string | null> {
  const svc = await inputs.core.readNamespacedService({ name: slot.name, namespace: NS });
  const ingress = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '');
  if (slot.kind === 'ClusterIP')
    return ingress.length === 0 ? null : `ingress [${ingress.join(' ')}] on a ClusterIP`;
  const fip = fips.find((f) => parseDescriptionMarker(f.description)?.service.uid === slot.uid);
  if (fip === undefined) return 'no floating IP';
  if (fip.portId !== tree.vipPortId) return `floating IP ${fip.address} not on the VIP port`;
  return ingress.join(',') === fip.address ? null : `ingress [${ingress.join(' ')}], want ${fip.address}`;
}

async function slotProblem(
  inputs: CheckInputs,
  slot: Slot,
  fips: readonly ObservedFloatingIp[],
): Promise<string | null> {
  if (!slot.alive) {
    const left = await inputs.core
      .readNamespacedService({ name: slot.name, namespace: NS })
      .catch(() => null);
    return left === null ? null : 'deleted, but still in the API server (finalizer not released)';
  }
  const mine = inputs.lbs.filter((lb) => uidOf(lb) === slot.uid);
  const [only] = mine;
  if (mine.length !== 1 || only === undefined) return `${mine.length} load balancers`;
  const tree = await observeTree(inputs.session, only);
  return treeProblem(slot, tree) ?? (await ingressProblem(inputs, slot, tree, fips));
}

/** Runs every end check once. */
export async function runChecks(inputs: CheckInputs): Promise<CheckResult> {
  const alive = inputs.slots.filter((s) => s.alive);
  const aliveUids = new Set(alive.map((s) => s.uid));
  const lbUids = new Set(alive.filter((s) => s.kind === 'LoadBalancer').map((s) => s.uid));
  const fips = await taggedFloatingIps(inputs.session, inputs.clusterId);
  const unconverged: string[] = [];
  for (const slot of inputs.slots) {
    const problem = await slotProblem(inputs, slot, fips);
    if (problem !== null) unconverged.push(`${slot.name}: ${problem}`);
  }
  return {
    leakedLoadBalancers: extras(inputs.lbs, (u) => aliveUids.has(u), uidOf),
    leakedFloatingIps: extras(
      fips,
      (u) => lbUids.has(u),
      (f) => parseDescriptionMarker(f.description)?.service.uid ?? '',
    ),
    leakedPorts: await leakedPorts(inputs),
    wronglyDeleted: inputs.observations.wronglyDeleted,
    unconverged,
  };
}
