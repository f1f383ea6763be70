/**
 * An in-memory cloud for the Service reconciler's unit tests: a `CloudPort` over one
 * project's load balancers and floating IPs (every Service's), changed by executing the
 * plan's actions through the core's `apply` model, with Octavia's asynchrony on top:
 *
 * - A write makes the load balancer busy: a create starts PENDING_CREATE (children too),
 *   a child write PENDING_UPDATE (new children PENDING_CREATE), a delete PENDING_DELETE.
 *   A busy load balancer settles after it was returned by `settleAfterReads` reads (an
 *   observe that answers it, or a `getLoadBalancer` of it; null: only when the test calls
 *   `settle()`); a deleted one then disappears and the floating IPs on its VIP port lose
 *   their port (Neutron).
 * - Like the real executor (src/openstack/execute.ts): one Octavia write per load balancer
 *   per `execute`, later ones deferred with `requeueAfterMs`; a write on a PENDING_* load
 *   balancer, a create on a VIP address still in use, or an injected conflict answers 409:
 *   the run stops and the rest is deferred (not thrown); deleting a missing load balancer is done.
 * - `stuckChildrenOnFullCreate`: children of a fully-populated create stay PENDING_CREATE
 *   under an ACTIVE load balancer (the Octavia 11 bug, docs/adr/0002).
 * - Ids are fresh and never reused (`lb-1`, `listener-2`, `port-lb-1`, `fip-3`…).
 * - `reads` counts the GET requests the real clients would have sent (see
 *   memory-cloud-model.ts `observeAnswer`; `getLoadBalancer` is one).
 *
 * `observe` answers like src/openstack/observe.ts (memory-cloud-model.ts `observeAnswer`).
 */
import { anOwner } from './builders.js';
import type { Action } from '../../src/core/plan/actions.js';
import { isOctaviaWrite } from '../../src/core/plan/actions.js';
import { apply } from './plan-oracle/apply.js';
import { ownedServiceKey } from '../../src/core/naming.js';
import { isOwnedByCluster } from '../../src/core/ownership.js';
import type {
  Observed,
  ObservedFloatingIp,
  ObservedLoadBalancer,
  ProvisioningStatus,
} from '../../src/core/model.js';
import type { CloudPort, ExecuteOutcome, LoadBalancerHead, ObserveQuery } from '../../src/services/ports.js';
import {
  idsOf,
  isPending,
  loadBalancerIdOf,
  observeAnswer,
  octaviaTarget,
  portRefOf,
  renameNew,
  withCreatedPort,
  yieldOnce,
} from './memory-cloud-model.js';

/** An Octavia write aimed at a load balancer the memory cloud does not hold (Octavia: 404). */
export class MemoryCloudNotFoundError extends Error {
  override readonly name = 'MemoryCloudNotFoundError';
}

export interface MemoryCloudOptions {
  readonly clusterId: string;
  /** Reads returning a busy load balancer before it settles (default 1; null = only `settle()`). */
  readonly settleAfterReads?: number | null;
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

/** The project's cloud; see the module comment. */
export class MemoryCloud implements CloudPort {
  private lbs: ObservedLoadBalancer[] = [];
  private fips: ObservedFloatingIp[] = [];
  /** Busy load balancer id → reads left before it settles. */
  private readonly countdown = new Map<string, number>();
  /** Child ids that never settle (stuck children). */
  private readonly stuck = new Set<string>();
  private conflictsLeft = 0;
  private serial = 0;
  /** Every write carried out, in order (Octavia's and Neutron's audit trail). */
  readonly history: Action[] = [];
  /** Number of observe calls so far. */
  observeCalls = 0;
  /** GET requests the real clients would have sent so far (observe's lists and gets, getLoadBalancer). */
  reads = 0;
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

  /** Octavia gave up on load balancer `id`: it is now `ERROR` (a failed create, update or delete). */
  failByHand(id: string): void {
    const lb = this.lbs.find((l) => l.id === id);
    if (lb !== undefined) this.replace({ ...lb, provisioningStatus: 'ERROR' });
    this.countdown.delete(id);
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
    const answer = observeAnswer({ lbs: this.lbs, fips: this.fips }, query, this.options.clusterId);
    this.reads += answer.reads;
    this.tick(answer.loadBalancerIds);
    return answer.observed;
  }

  async ownedServiceKeys(signal: AbortSignal): Promise<readonly string[]> {
    await yieldOnce();
    signal.throwIfAborted();
    this.reads += 2;
    const { clusterId } = this.options;
    const keys = [
      ...this.lbs.map((lb) =>
        ownedServiceKey(
          { name: lb.name, description: '', owned: isOwnedByCluster(lb.tags, clusterId) },
          anOwner(clusterId),
        ),
      ),
      ...this.fips.map((fip) =>
        ownedServiceKey({ name: '', description: fip.description, owned: false }, anOwner(clusterId)),
      ),
    ];
    return [...new Set(keys.flatMap((k) => (k === null ? [] : [k])))].sort();
  }

  async getLoadBalancer(id: string, signal: AbortSignal): Promise<LoadBalancerHead | null> {
    await yieldOnce();
    signal.throwIfAborted();
    this.reads++;
    const lb = this.lbs.find((l) => l.id === id);
    if (lb === undefined) return null;
    const head: LoadBalancerHead = structuredClone({
      id: lb.id,
      name: lb.name,
      tags: lb.tags,
      provisioningStatus: lb.provisioningStatus,
    });
    this.tick([id]);
    return head;
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
    const { state, renamed } = renameNew(
      { lbs: after.loadBalancers, fips: after.floatingIps },
      before,
      (prefix) => this.freshId(prefix),
    );
    this.lbs = [...state.lbs];
    this.fips = [...state.fips];
    return this.markBusy(action, renamed);
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
    const n = this.options.settleAfterReads === undefined ? 1 : this.options.settleAfterReads;
    if (n !== null) this.countdown.set(id, n);
  }

  private tick(readIds: readonly string[]): void {
    for (const id of readIds) {
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
