/**
 * Small helpers for the part-C e2e scenarios (restart in the middle of a port change, a type
 * downgrade and a loadBalancerIP change): a fast poll for catching a crash point, what
 * Neutron holds for one port or floating IP, the ownership of a whole load balancer tree,
 * and the user-side Service edits those scenarios apply.
 */
import type { V1Service } from '@kubernetes/client-node';
import { clusterTag } from '../../src/core/ownership.js';
import * as floatingips from '../../src/openstack/neutron/floatingips.js';
import type { Harness, OwnedTree } from '../support/e2e-harness.js';

/**
 * Polls `check` every `intervalMs` (default 100 ms, faster than the harness' 250 ms so a short
 * window between two writes is caught) until it returns true; throws naming `what` after
 * `timeoutMs`. Errors of `check` are retried and the last one is the thrown error's cause.
 */
export async function pollUntil(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
      lastError = null;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`, { cause: lastError });
}

/** Every floating IP of the project (tagged or not) whose port is `portId`, sorted by id. */
export async function fipsOnPort(h: Harness, portId: string): Promise<floatingips.FloatingIpRecord[]> {
  const all = await floatingips.listAll(h.cloud.session, { portId });
  return all.filter((f) => f.portId === portId).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The port a floating IP is bound to: its id, null when free, undefined when the FIP no longer exists. */
export async function portOfFip(h: Harness, id: string): Promise<string | null | undefined> {
  const all = await floatingips.listAll(h.cloud.session, {});
  return all.find((f) => f.id === id)?.portId;
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

/** What `kubectl apply` of a ClusterIP manifest does to a LoadBalancer Service. */
export function toClusterIp(svc: V1Service): void {
  if (svc.spec === undefined) return;
  svc.spec.type = 'ClusterIP';
  delete svc.spec.loadBalancerIP;
  delete svc.spec.externalTrafficPolicy;
  for (const port of svc.spec.ports ?? []) delete port.nodePort;
}

/** A Service edit setting `spec.loadBalancerIP` to `address`. */
export function withLoadBalancerIp(address: string): (svc: V1Service) => void {
  return (svc) => {
    if (svc.spec !== undefined) svc.spec.loadBalancerIP = address;
  };
}

/** Wall-clock durations of named phases, for the report. */
export class Stopwatch {
  private readonly laps: string[] = [];

  /** Runs `body`, recording how long it took under `name` (also when it throws). */
  async time<T>(name: string, body: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await body();
    } finally {
      this.laps.push(`${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  }

  /** Every lap so far, one per line. */
  report(): string {
    return this.laps.join('\n');
  }
}
