/**
 * The pure half of the in-memory cloud (test/support/memory-cloud.ts): which objects an
 * action aims at, fresh ids for what `apply` made, what `observe` answers for a query, and
 * how many GET requests the real observer (src/openstack/observe.ts) would have sent for it.
 * No state: the class holds the project's objects and Octavia's asynchrony.
 */
import { anOwner } from './builders.js';
import type { Action, PortRef } from '../../src/core/plan/actions.js';
import type {
  Observed,
  ObservedFloatingIp,
  ObservedLoadBalancer,
  ProvisioningStatus,
} from '../../src/core/model.js';
import { markedService } from '../../src/core/naming.js';
import { clusterTag, OWNER_TAG, ownershipTags, serviceTag } from '../../src/core/ownership.js';
import type { ObserveQuery } from '../../src/services/ports.js';
import { renameChildIds } from './lb-tree-ids.js';

/** True for PENDING_CREATE/UPDATE/DELETE. */
export const isPending = (s: ProvisioningStatus): boolean => s.startsWith('PENDING_');

/** The existing load balancer an Octavia write aims at, or null. */
export function loadBalancerIdOf(action: Action): string | null {
  return 'loadBalancerId' in action ? action.loadBalancerId : null;
}

/** The load balancer an Octavia write occupies (`new:<name>` for a create), or null. */
export function octaviaTarget(action: Action): string | null {
  return action.kind === 'createLoadBalancer' ? `new:${action.loadBalancer.name}` : loadBalancerIdOf(action);
}

/** The port a floating IP action attaches to, or null. */
export function portRefOf(action: Action): PortRef | null {
  return action.kind === 'createFloatingIp' || action.kind === 'associateFloatingIp' ? action.port : null;
}

/** `action` with a `createdLoadBalancer` port resolved to the VIP port of `created`. */
export function withCreatedPort(action: Action, created: string | null): Action {
  if (
    (action.kind !== 'createFloatingIp' && action.kind !== 'associateFloatingIp') ||
    action.port.kind === 'port'
  )
    return action;
  return created === null ? action : { ...action, port: { kind: 'port', portId: `port-${created}` } };
}

function byId(a: { readonly id: string }, b: { readonly id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Every id held in `lbs` and `fips`. */
export function idsOf(
  lbs: readonly ObservedLoadBalancer[],
  fips: readonly ObservedFloatingIp[],
): Set<string> {
  const ids = new Set<string>(fips.map((f) => f.id));
  for (const lb of lbs) {
    ids.add(lb.id);
    for (const l of lb.listeners) ids.add(l.id);
    for (const p of lb.pools) {
      ids.add(p.id);
      for (const m of p.members) ids.add(m.id);
    }
  }
  return ids;
}

/** The project's objects. */
export interface CloudState {
  readonly lbs: readonly ObservedLoadBalancer[];
  readonly fips: readonly ObservedFloatingIp[];
}

/**
 * `state` with every object not in `before` renamed by `freshId(prefix)` (fresh floating IPs
 * also get a fresh address); returns the new state and the map old → new id.
 */
export function renameNew(
  state: CloudState,
  before: ReadonlySet<string>,
  freshId: (prefix: string) => string,
): { state: CloudState; renamed: Map<string, string> } {
  const map = new Map<string, string>();
  for (const id of idsOf(state.lbs, state.fips)) {
    if (!before.has(id)) map.set(id, freshId(id.slice(0, id.indexOf('-'))));
  }
  const re = (id: string): string => map.get(id) ?? id;
  const port = (p: string | null): string | null =>
    p !== null && p.startsWith('port-') && map.has(p.slice(5)) ? `port-${re(p.slice(5))}` : p;
  const lbs = state.lbs.map((lb) => ({
    ...renameChildIds(lb, re),
    id: re(lb.id),
    vipPortId: port(lb.vipPortId),
  }));
  const fips = state.fips.map((f) =>
    map.has(f.id)
      ? { ...f, id: re(f.id), address: `203.0.113.${re(f.id).slice(4)}`, portId: port(f.portId) }
      : f,
  );
  return { state: { lbs, fips }, renamed: map };
}

/** What observe answers, and the GET requests the real observer would have sent for it. */
export interface ObserveAnswer {
  readonly observed: Observed;
  /** Ids of the load balancers answered (they tick towards settling). */
  readonly loadBalancerIds: readonly string[];
  readonly reads: number;
}

/**
 * The answer of src/openstack/observe.ts for `query`: load balancers by this Service's
 * ownership tags or by name; floating IPs by
 * tags, by description marker (adopted when untagged) or on one of those VIP ports; the
 * user's floating IP by address when asked. Reads: 2 load balancer lists, the hinted GET when
 * needed, per load balancer its listeners, its pools and the members of each non-empty pool,
 * 2 floating IP lists plus one per VIP port, and the user's floating IP lookup.
 */
export function observeAnswer(state: CloudState, query: ObserveQuery, clusterId: string): ObserveAnswer {
  const wanted = [OWNER_TAG, clusterTag(clusterId), serviceTag(query.service)];
  const tagged = (tags: readonly string[]): boolean => wanted.every((t) => tags.includes(t));
  const lbs = state.lbs.filter((lb) => tagged(lb.tags) || lb.name === query.loadBalancerName);
  // The hinted load balancer is fetched when the lists missed it, and kept only if ours: then
  // the lists would have found it, so it only costs a read here.
  const hint = query.hintLoadBalancerId;
  const missed = hint !== undefined && !lbs.some((lb) => lb.id === hint);
  const ports = new Set(lbs.flatMap((lb) => (lb.vipPortId === null ? [] : [lb.vipPortId])));
  // Untagged floating IPs whose description is our marker for this Service are adopted with
  // the tags of the incarnation it names (any incarnation when the uid is unknown).
  const adopt = (f: ObservedFloatingIp): ObservedFloatingIp | null => {
    const owner =
      f.tags.length === 0 ? markedService(f.description, anOwner(clusterId), query.service) : null;
    return owner === null
      ? null
      : { ...f, tags: ownershipTags(anOwner(clusterId), owner), tagsMissing: true };
  };
  const fips = state.fips.flatMap((f) => {
    const adopted = adopt(f);
    if (adopted !== null) return [adopted];
    return tagged(f.tags) || (f.portId !== null && ports.has(f.portId)) ? [f] : [];
  });
  const address = query.userFloatingIpAddress;
  const user = address === undefined ? undefined : (state.fips.find((f) => f.address === address) ?? null);
  const observed: Observed = structuredClone({
    loadBalancers: lbs.map(sortChildren).sort(byId),
    floatingIps: fips.sort(byId),
    ...(user === undefined ? {} : { userFloatingIp: user }),
  });
  const treeReads = lbs.reduce((n, lb) => n + 2 + lb.pools.filter((p) => p.members.length > 0).length, 0);
  const reads = 2 + (missed ? 1 : 0) + treeReads + 2 + ports.size + (address === undefined ? 0 : 1);
  return { observed, loadBalancerIds: lbs.map((lb) => lb.id), reads };
}

/** Listeners by (protocol, port), members by (address, port), as the real observer orders them. */
function sortChildren(lb: ObservedLoadBalancer): ObservedLoadBalancer {
  const key = (p: string, n: number): string => `${p}:${String(n).padStart(5, '0')}`;
  return {
    ...lb,
    listeners: [...lb.listeners].sort((a, b) =>
      key(a.protocol, a.protocolPort).localeCompare(key(b.protocol, b.protocolPort)),
    ),
    pools: [...lb.pools].sort(byId).map((p) => ({
      ...p,
      members: [...p.members].sort((a, b) =>
        key(a.address, a.protocolPort).localeCompare(key(b.address, b.protocolPort)),
      ),
    })),
  };
}

/** A real call yields to the event loop before answering; so does the double (callers may interleave). */
export function yieldOnce(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
