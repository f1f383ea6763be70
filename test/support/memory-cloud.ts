/**
 * An in-memory cloud for the Service reconciler's unit tests: a `CloudPort` over one
 * project's load balancers and floating IPs (every Service's), changed by executing the
 * plan's actions through the core's `apply` model, with Octavia's asynchrony on top:
 *
 * - A write makes the load balancer busy: a create starts PENDING_CREATE (children too),
 *   a child write PENDING_UPDATE (new children PENDING_CREATE), a delete PENDING_DELETE.
 *   A busy load balancer settles after it was returned by `settleAfterObserves` observe
 *   calls (null: only when the test calls `settle()`); a deleted one then disappears and
 *   the floating IPs on its VIP port lose their port (Neutron).
 * - Like the real executor (src/openstack/execute.ts): one Octavia write per load balancer
 *   per `execute`, later ones deferred with `requeueAfterMs`; a write on a PENDING_* load
 *   balancer, a create on a VIP address still in use, or an injected conflict answers 409:
 *   the run stops and the rest is deferred (not thrown); deleting a missing load balancer is done.
 * - `stuckChildrenOnFullCreate`: children of a fully-populated create stay PENDING_CREATE
 *   under an ACTIVE load balancer (the Octavia 11 bug, docs/adr/0002).
 * - Ids are fresh and never reused (`lb-1`, `listener-2`, `port-lb-1`, `fip-3`…).
 *
 * `observe` answers like src/openstack/observe.ts: load balancers by this Service's ownership
 * tags or by name; floating IPs by tags, by description marker (adopted when untagged) or on
 * one of those VIP ports; the user's floating IP by address when asked.
 */
import type { Action, PortRef } from '../../src/core/actions.js';
import { isOctaviaWrite } from '../../src/core/actions.js';
import { apply } from '../../src/core/apply.js';
import type {
  Observed,
  ObservedFloatingIp,
  ObservedLoadBalancer,
  ProvisioningStatus,
} from '../../src/core/model.js';
import { loadBalancerDescription } from '../../src/core/naming.js';
import { clusterTag, OWNER_TAG, ownershipTags, serviceTag } from '../../src/core/ownership.js';
import type { CloudPort, ExecuteOutcome, ObserveQuery } from '../../src/services/ports.js';

/** An Octavia write aimed at a load balancer the memory cloud does not hold (Octavia: 404). */
export class MemoryCloudNotFoundError extends Error {
  override readonly name = 'MemoryCloudNotFoundError';
}

export interface MemoryCloudOptions {
  readonly clusterId: string;
  /** Observe calls returning a busy load balancer before it settles (default 1; null = only `settle()`). */
  readonly settleAfterObserves?: number | null;
  /** Children of a fully-populated create never leave PENDING_CREATE (default false). */
  readonly stuckChildrenOnFullCreate?: boolean;
  readonly busyRequeueMs?: number;
  readonly conflictRequeueMs?: number;
}

interface Run {
  readonly done: Action[];
  readonly deferred: Action[];
  readonly busy: Set<string>;
  created: string | null;
  conflict: boolean;
}

const isPending = (s: ProvisioningStatus): boolean => s.startsWith('PENDING_');

/** The existing load balancer an Octavia write aims at, or null. */
function loadBalancerIdOf(action: Action): string | null {
  return 'loadBalancerId' in action ? action.loadBalancerId : null;
}

function octaviaTarget(action: Action): string | null {
  return action.kind === 'createLoadBalancer' ? `new:${action.loadBalancer.name}` : loadBalancerIdOf(action);
}

function portRefOf(action: Action): PortRef | null {
  return action.kind === 'createFloatingIp' || action.kind === 'associateFloatingIp' ? action.port : null;
}

function byId(a: { readonly id: string }, b: { readonly id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Every id held in `lbs` and `fips`. */
function idsOf(lbs: readonly ObservedLoadBalancer[], fips: readonly ObservedFloatingIp[]): Set<string> {
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

/** The project's cloud; see the module comment. */
export class MemoryCloud implements CloudPort {
  private lbs: ObservedLoadBalancer[] = [];
  private fips: ObservedFloatingIp[] = [];
  /** Busy load balancer id → observations left before it settles. */
  private readonly countdown = new Map<string, number>();
  /** Child ids that never settle (stuck children). */
  private readonly stuck = new Set<string>();
  private conflictsLeft = 0;
  private serial = 0;
  /** Every write carried out, in order (Octavia's and Neutron's audit trail). */
  readonly history: Action[] = [];
  /** Number of observe calls so far. */
  observeCalls = 0;
  /** See `MemoryCloudOptions.stuckChildrenOnFullCreate`; tests may switch it (Octavia upgraded). */
  stuckChildrenOnFullCreate: boolean;

  constructor(private readonly options: MemoryCloudOptions) {
    this.stuckChildrenOnFullCreate = options.stuckChildrenOnFullCreate ?? false;
  }

  /** Load balancers held now (all Services), with their children. */
  loadBalancers(): ObservedLoadBalancer[] {
    return structuredClone(this.lbs);
  }

  /** Floating IPs held now (ours and the users'). */
  floatingIps(): ObservedFloatingIp[] {
    return structuredClone(this.fips);
  }

  /** A user's floating IP (no tags) at `address`, optionally on `portId`. */
  addUserFloatingIp(address: string, portId: string | null = null): ObservedFloatingIp {
    const fip: ObservedFloatingIp = {
      id: this.freshId('fip'),
      address,
      networkId: 'public-network-id',
      portId,
      tags: [],
      description: 'allocated by a user',
    };
    this.fips.push(fip);
    return fip;
  }

  /** The next `times` Octavia writes answer 409 Conflict. */
  conflictOnNextWrite(times = 1): void {
    this.conflictsLeft += times;
  }

  /** Drift: someone deleted load balancer `id` by hand (gone at once; its floating IPs freed). */
  deleteByHand(id: string): void {
    this.removeLoadBalancer(id);
  }

  /** Every busy load balancer settles now (stuck children excepted). */
  settle(): void {
    for (const lb of [...this.lbs]) if (isPending(lb.provisioningStatus)) this.settleOne(lb.id);
  }

  /** Stuck children settle too (an operator fixed Octavia). */
  unstick(): void {
    this.stuck.clear();
    for (const lb of this.lbs) if (lb.provisioningStatus === 'ACTIVE') this.settleOne(lb.id);
  }

  async observe(query: ObserveQuery, signal: AbortSignal): Promise<Observed> {
    await yieldOnce();
    signal.throwIfAborted();
    this.observeCalls++;
    const { clusterId } = this.options;
    const wanted = [OWNER_TAG, clusterTag(clusterId), serviceTag(query.service)];
    const tagged = (tags: readonly string[]): boolean => wanted.every((t) => tags.includes(t));
    const lbs = this.lbs.filter((lb) => tagged(lb.tags) || lb.name === query.loadBalancerName);
    const ports = new Set(lbs.flatMap((lb) => (lb.vipPortId === null ? [] : [lb.vipPortId])));
    const marker = loadBalancerDescription(query.service);
    const fips = this.fips
      .filter((f) => tagged(f.tags) || f.description === marker || (f.portId !== null && ports.has(f.portId)))
      .map((f) =>
        f.tags.length === 0 && f.description === marker
          ? { ...f, tags: ownershipTags(clusterId, query.service) }
          : f,
      );
    const address = query.userFloatingIpAddress;
    const user = address === undefined ? undefined : (this.fips.find((f) => f.address === address) ?? null);
    const observed: Observed = structuredClone({
      loadBalancers: lbs.map(sortChildren).sort(byId),
      floatingIps: fips.sort(byId),
      ...(user === undefined ? {} : { userFloatingIp: user }),
    });
    this.tick(lbs.map((lb) => lb.id));
    return observed;
  }

  async execute(actions: readonly Action[], signal: AbortSignal): Promise<ExecuteOutcome> {
    await yieldOnce();
    signal.throwIfAborted();
    const run: Run = { done: [], deferred: [], busy: new Set(), created: null, conflict: false };
    for (const [index, action] of actions.entries()) {
      const target = octaviaTarget(action);
      const port = portRefOf(action);
      if (
        (target !== null && run.busy.has(target)) ||
        (port?.kind === 'createdLoadBalancer' && run.created === null)
      ) {
        run.deferred.push(action);
        continue;
      }
      if (target !== null && this.answersConflict(action)) {
        run.deferred.push(...actions.slice(index));
        run.conflict = true;
        break;
      }
      run.created = this.run(action, run.created) ?? run.created;
      run.done.push(action);
      this.history.push(action);
      if (target !== null) run.busy.add(target);
    }
    const busyMs = this.options.busyRequeueMs ?? 1000;
    const wait = run.busy.size > 0 || run.deferred.length > 0 ? busyMs : null;
    return {
      done: run.done,
      deferred: run.deferred,
      requeueAfterMs: run.conflict ? (this.options.conflictRequeueMs ?? 2000) : wait,
    };
  }

  /** True when Octavia would answer 409 to `action` now (consumes an injected conflict). */
  private answersConflict(action: Action): boolean {
    if (this.conflictsLeft > 0) {
      this.conflictsLeft--;
      return true;
    }
    if (action.kind === 'createLoadBalancer') {
      const want = action.loadBalancer;
      return this.lbs.some((lb) => lb.vipAddress === want.vipAddress && lb.vipSubnetId === want.vipSubnetId);
    }
    const id = loadBalancerIdOf(action);
    const lb = this.lbs.find((l) => l.id === id);
    return lb !== undefined && isPending(lb.provisioningStatus);
  }

  /** Carries out one write; returns the id of a load balancer it created. */
  private run(raw: Action, created: string | null): string | null {
    const action = withCreatedPort(raw, created);
    if (action.kind === 'deleteLoadBalancer') {
      this.setStatus(action.loadBalancerId, 'PENDING_DELETE');
      return null;
    }
    const target = loadBalancerIdOf(action);
    if (target !== null && !this.lbs.some((lb) => lb.id === target)) {
      throw new MemoryCloudNotFoundError(`${action.kind}: load balancer ${target} not found`);
    }
    const before = idsOf(this.lbs, this.fips);
    const after = apply({ loadBalancers: this.lbs, floatingIps: this.fips }, [action]);
    this.lbs = [...after.loadBalancers];
    this.fips = [...after.floatingIps];
    const fresh = this.renameNew(before);
    return this.markBusy(action, fresh);
  }

  /** Gives every object `apply` just made a fresh id (and fresh FIP address); returns old → new. */
  private renameNew(before: ReadonlySet<string>): Map<string, string> {
    const map = new Map<string, string>();
    for (const id of idsOf(this.lbs, this.fips)) {
      if (!before.has(id)) map.set(id, this.freshId(id.slice(0, id.indexOf('-'))));
    }
    const re = (id: string): string => map.get(id) ?? id;
    const port = (p: string | null): string | null =>
      p !== null && p.startsWith('port-') && map.has(p.slice(5)) ? `port-${re(p.slice(5))}` : p;
    this.lbs = this.lbs.map((lb) => ({
      ...lb,
      id: re(lb.id),
      vipPortId: port(lb.vipPortId),
      listeners: lb.listeners.map((l) => ({
        ...l,
        id: re(l.id),
        defaultPoolId: l.defaultPoolId === null ? null : re(l.defaultPoolId),
      })),
      pools: lb.pools.map((p) => ({
        ...p,
        id: re(p.id),
        listenerId: p.listenerId === null ? null : re(p.listenerId),
        members: p.members.map((m) => ({ ...m, id: re(m.id) })),
      })),
    }));
    this.fips = this.fips.map((f) =>
      map.has(f.id)
        ? { ...f, id: re(f.id), address: `203.0.113.${re(f.id).slice(4)}`, portId: port(f.portId) }
        : f,
    );
    return map;
  }

  /** Octavia's state after a write: busy load balancer, new children PENDING_CREATE. */
  private markBusy(action: Action, fresh: ReadonlyMap<string, string>): string | null {
    if (!isOctaviaWrite(action)) return null;
    const created = action.kind === 'createLoadBalancer';
    const newIds = new Set(fresh.values());
    const target = loadBalancerIdOf(action);
    const lb = this.lbs.find((l) => (created ? newIds.has(l.id) : l.id === target));
    if (lb === undefined) return null;
    const child = <T extends { id: string; provisioningStatus: ProvisioningStatus }>(c: T): T =>
      newIds.has(c.id) ? { ...c, provisioningStatus: 'PENDING_CREATE' } : c;
    this.replace({
      ...lb,
      provisioningStatus: created ? 'PENDING_CREATE' : 'PENDING_UPDATE',
      listeners: lb.listeners.map(child),
      pools: lb.pools.map((p) => ({ ...child(p), members: p.members.map(child) })),
    });
    if (created && this.stuckChildrenOnFullCreate && lb.listeners.length > 0) {
      for (const id of newIds) if (id !== lb.id) this.stuck.add(id);
    }
    this.countdownFor(lb.id);
    return created ? lb.id : null;
  }

  private setStatus(id: string, status: ProvisioningStatus): void {
    const lb = this.lbs.find((l) => l.id === id);
    if (lb === undefined) return; // Octavia: 404 on delete, which the executor counts as done
    this.replace({ ...lb, provisioningStatus: status });
    this.countdownFor(id);
  }

  private countdownFor(id: string): void {
    const n = this.options.settleAfterObserves === undefined ? 1 : this.options.settleAfterObserves;
    if (n !== null) this.countdown.set(id, n);
  }

  private tick(observedIds: readonly string[]): void {
    for (const id of observedIds) {
      const left = this.countdown.get(id);
      if (left === undefined) continue;
      if (left <= 1) this.settleOne(id);
      else this.countdown.set(id, left - 1);
    }
  }

  private settleOne(id: string): void {
    this.countdown.delete(id);
    const lb = this.lbs.find((l) => l.id === id);
    if (lb === undefined) return;
    if (lb.provisioningStatus === 'PENDING_DELETE') {
      this.removeLoadBalancer(id);
      return;
    }
    const active = <T extends { id: string; provisioningStatus: ProvisioningStatus }>(c: T): T =>
      this.stuck.has(c.id) ? c : { ...c, provisioningStatus: 'ACTIVE' };
    this.replace({
      ...lb,
      provisioningStatus: 'ACTIVE',
      listeners: lb.listeners.map(active),
      pools: lb.pools.map((p) => ({ ...active(p), members: p.members.map(active) })),
    });
  }

  private removeLoadBalancer(id: string): void {
    if (!this.lbs.some((l) => l.id === id)) return;
    const after = apply({ loadBalancers: this.lbs, floatingIps: this.fips }, [
      { kind: 'deleteLoadBalancer', loadBalancerId: id, reason: 'settled' },
    ]);
    this.lbs = [...after.loadBalancers];
    this.fips = [...after.floatingIps];
    this.countdown.delete(id);
  }

  private replace(lb: ObservedLoadBalancer): void {
    this.lbs = this.lbs.map((l) => (l.id === lb.id ? lb : l));
  }

  private freshId(prefix: string): string {
    this.serial++;
    return `${prefix}-${this.serial}`;
  }
}

/** A real call yields to the event loop before answering; so does the double (callers may interleave). */
function yieldOnce(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** `action` with a `createdLoadBalancer` port resolved to the VIP port of `created`. */
function withCreatedPort(action: Action, created: string | null): Action {
  if (
    (action.kind !== 'createFloatingIp' && action.kind !== 'associateFloatingIp') ||
    action.port.kind === 'port'
  )
    return action;
  return created === null ? action : { ...action, port: { kind: 'port', portId: `port-${created}` } };
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
