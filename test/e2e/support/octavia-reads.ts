/**
 * What Octavia holds for one Service: its load balancer trees (found by name among the ones
 * tagged with the harness' cluster id), their shape (listeners, pools, members, ownership),
 * and waits until a tree is settled the way a test expects or gone.
 */
import type { ObservedLoadBalancer, ObservedPool } from '../../../src/core/model.js';
import { clusterTag } from '../../../src/core/ownership.js';
import type { Harness, OwnedTree } from '../../support/e2e-harness.js';
import { waitFor, waitForValue } from '../../support/wait.js';
import { klbOf, NS, serviceOf } from './kube-reads.js';
import { CONVERGE_MS, SETTLE_MS } from './timeouts.js';

/** Every owned load balancer named after `<namespace>/<name>`. */
export async function lbsOf(
  h: Harness,
  name: string,
  namespace = 'default',
): Promise<ObservedLoadBalancer[]> {
  return (await h.ownedLoadBalancers()).filter((lb) => lb.name === `${namespace}/${name}`);
}

/** The owned load balancer trees named after Service `name` in NS (any incarnation, any VIP). */
export async function treesFor(h: Harness, name: string): Promise<OwnedTree[]> {
  return (await h.ownedLoadBalancers()).filter((lb) => lb.name === `${NS}/${name}`);
}

/** True when the load balancer and every listener, pool and member is ACTIVE. */
export function treeActive(lb: ObservedLoadBalancer): boolean {
  return (
    lb.provisioningStatus === 'ACTIVE' &&
    lb.listeners.every((l) => l.provisioningStatus === 'ACTIVE') &&
    lb.pools.every(
      (p) => p.provisioningStatus === 'ACTIVE' && p.members.every((m) => m.provisioningStatus === 'ACTIVE'),
    )
  );
}

/** True when the tree and all its children are ACTIVE, with `members` members in its one pool. */
export function settled(lb: OwnedTree | undefined, members: number): lb is OwnedTree {
  if (lb?.provisioningStatus !== 'ACTIVE') return false;
  const children = [...lb.listeners, ...lb.pools, ...lb.pools.flatMap((p) => p.members)];
  return (
    children.every((c) => c.provisioningStatus === 'ACTIVE') &&
    lb.listeners.length === 1 &&
    lb.pools.length === 1 &&
    lb.pools[0]?.members.length === members
  );
}

/** `address:port` of every member of `pool`, sorted. */
export function memberTargets(pool: ObservedPool | undefined): string[] {
  return (pool?.members ?? []).map((m) => `${m.address}:${m.protocolPort}`).sort();
}

/** `PROTOCOL:port` of every listener, sorted. */
export function listenerKeys(lb: ObservedLoadBalancer): string[] {
  return lb.listeners.map((l) => `${l.protocol}:${l.protocolPort}`).sort();
}

/** The default pool of the listener on `protocol:port`. */
export function poolOf(lb: ObservedLoadBalancer, protocol: string, port: number): ObservedPool | undefined {
  const listener = lb.listeners.find((l) => l.protocol === protocol && l.protocolPort === port);
  if (listener === undefined) return undefined;
  return lb.pools.find((p) => p.id === listener.defaultPoolId);
}

/**
 * Ids of the listeners, pools and members of `tree` that do not carry this harness' cluster
 * tag (each as `kind:id`); empty when the controller owns the whole tree.
 */
export function untaggedChildren(h: Harness, tree: OwnedTree): string[] {
  const tag = clusterTag(h.clusterId);
  const children = [
    ...tree.listeners.map((l) => ({ kind: 'listener', id: l.id, tags: l.tags })),
    ...tree.pools.map((p) => ({ kind: 'pool', id: p.id, tags: p.tags })),
    ...tree.pools.flatMap((p) => p.members.map((m) => ({ kind: 'member', id: m.id, tags: m.tags }))),
  ];
  return children.filter((c) => !c.tags.includes(tag)).map((c) => `${c.kind}:${c.id}`);
}

/** A one-line picture of a tree for the report: status and `PROTOCOL:port(members)` per listener. */
export function describeTree(tree: OwnedTree | undefined): string {
  if (tree === undefined) return 'no LB';
  const listeners = tree.listeners.map((l) => {
    const pool = tree.pools.find((p) => p.id === l.defaultPoolId);
    const members = pool === undefined ? '-' : String(pool.members.length);
    return `${l.protocol}:${l.protocolPort}(${members})`;
  });
  return `${tree.provisioningStatus} [${listeners.sort().join(' ')}] pools=${tree.pools.length}`;
}

/**
 * Waits (SETTLE_MS) until the Service has exactly one load balancer, its whole tree is ACTIVE
 * and `check` holds; returns that tree.
 */
export async function waitForTree(
  h: Harness,
  name: string,
  what: string,
  check: (lb: ObservedLoadBalancer) => boolean = () => true,
): Promise<ObservedLoadBalancer> {
  let found: ObservedLoadBalancer | undefined;
  await waitFor(`${name}: ${what}`, SETTLE_MS, async () => {
    const lbs = await lbsOf(h, name);
    found = lbs[0];
    if (lbs.length !== 1 || found === undefined) return false;
    return treeActive(found) && check(found);
  });
  if (found === undefined) throw new Error(`${name}: no load balancer after waiting for ${what}`);
  return found;
}

/**
 * Waits (CONVERGE_MS) until Service `name` has exactly one owned LB, settled on `vip` with
 * `members` members; returns it.
 */
export async function waitSettled(
  h: Harness,
  name: string,
  vip: string,
  members: number,
): Promise<OwnedTree> {
  return waitForValue(`${name}: one ACTIVE LB on ${vip} with ${members} member(s)`, CONVERGE_MS, async () => {
    const trees = await treesFor(h, name);
    const [only] = trees;
    return trees.length === 1 && only?.vipAddress === vip && settled(only, members) ? only : null;
  });
}

/** Waits (SETTLE_MS) until the Service's load balancer, its record and the Service itself (finalizer removed) are gone. */
export async function waitReleased(h: Harness, name: string): Promise<void> {
  await waitFor(`${name}: load balancer, record and Service gone`, SETTLE_MS, async () => {
    return (await lbsOf(h, name)).length === 0 && klbOf(h, name) === null && serviceOf(h, name) === null;
  });
}
