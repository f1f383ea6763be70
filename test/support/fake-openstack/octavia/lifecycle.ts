/**
 * Octavia's asynchrony in the fake. A write is accepted only while the load balancer is
 * ACTIVE (children writes: 409 `Load Balancer <id> is immutable and cannot be updated.`;
 * the load balancer's own update or delete: 409 `Invalid state <status> of loadbalancer
 * resource <id>`, a delete also from ERROR); it then marks the load balancer PENDING_* and
 * schedules the operation's completion on the injected clock after the configured latency.
 * Completion turns the objects the operation touched from PENDING_CREATE/PENDING_UPDATE to
 * ACTIVE (or ERROR when a fault was injected) and removes the PENDING_DELETE ones with their
 * children; a deleted load balancer takes its tree, VIP and amphora ports along (floating
 * IPs on them are unbound). With `stuckChildrenOnFullCreate` a fully-populated create
 * settles only the load balancer, as Octavia 11 without a jobboard does (ADR 2).
 */
import { octaviaFault } from '../errors.js';
import { deletePortRow, insertPort } from '../neutron/ports.js';
import type { LoadBalancerRow, OctaviaRow, PoolRow, Provisioning } from './rows.js';
import type { OctaviaState } from './state.js';

/** What kind of operation a write starts (it picks the latency). */
export type OperationKind = 'create' | 'update' | 'delete';

/** One injected failure: the next `count` operations of `kind` end in ERROR. */
export interface OperationFault {
  readonly kind: OperationKind | 'any';
  count: number;
}

const PENDING = new Set<Provisioning>(['PENDING_CREATE', 'PENDING_UPDATE', 'PENDING_DELETE']);

/** True for PENDING_* statuses. */
export function isPending(status: Provisioning): boolean {
  return PENDING.has(status);
}

/** 409 unless the load balancer is ACTIVE (checked before a child write changes anything). */
export function assertMutable(lb: LoadBalancerRow): void {
  if (lb.provisioningStatus !== 'ACTIVE') {
    throw octaviaFault(409, `Load Balancer ${lb.id} is immutable and cannot be updated.`);
  }
}

/** 409 unless the load balancer is ACTIVE; then it becomes PENDING_UPDATE (a child write). */
export function lockForChild(state: OctaviaState, lb: LoadBalancerRow): void {
  assertMutable(lb);
  mark(state, lb, 'PENDING_UPDATE');
}

/** 409 unless the parent pool is ACTIVE (member and monitor writes check it first). */
export function requireActivePool(pool: PoolRow): void {
  if (pool.provisioningStatus !== 'ACTIVE') {
    throw octaviaFault(409, `Pool ${pool.id} is immutable and cannot be updated.`);
  }
}

/** 409 unless the load balancer may take its own update (ACTIVE) or delete (ACTIVE or ERROR). */
export function lockLoadBalancer(
  state: OctaviaState,
  lb: LoadBalancerRow,
  to: 'PENDING_UPDATE' | 'PENDING_DELETE',
): void {
  const ok =
    lb.provisioningStatus === 'ACTIVE' || (to === 'PENDING_DELETE' && lb.provisioningStatus === 'ERROR');
  if (!ok)
    throw octaviaFault(409, `Invalid state ${lb.provisioningStatus} of loadbalancer resource ${lb.id}`);
  mark(state, lb, to);
}

/** Sets a provisioning status and `updated_at` (status is not indexed). */
export function mark(state: OctaviaState, row: OctaviaRow, status: Provisioning): void {
  row.provisioningStatus = status;
  row.updatedAt = state.now();
}

function latencyOf(state: OctaviaState, kind: OperationKind, children: number): number {
  const l = state.world.config.octavia;
  const base =
    kind === 'create' ? l.create + l.createPerChild * children : kind === 'update' ? l.update : l.delete;
  const spread = l.jitter === 0 ? 1 : 1 + l.jitter * (2 * state.world.ids.fraction() - 1);
  return Math.max(0, Math.round(base * spread));
}

function takeFault(state: OctaviaState, kind: OperationKind): boolean {
  const fault = state.faults.find((f) => (f.kind === kind || f.kind === 'any') && f.count > 0);
  if (fault === undefined) return false;
  fault.count--;
  return true;
}

/** An object an operation changed: completion settles (or removes) exactly these. */
export type Touched =
  | { readonly table: 'listener'; readonly id: string }
  | { readonly table: 'pool'; readonly id: string }
  | { readonly table: 'member'; readonly id: string }
  | { readonly table: 'healthmonitor'; readonly id: string };

/** Schedules the end of the operation just started on `lbId`, which changed `touched`. */
export function schedule(
  state: OctaviaState,
  op: { readonly lbId: string; readonly kind: OperationKind; readonly touched: readonly Touched[] },
): void {
  const failed = op.kind !== 'delete' && takeFault(state, op.kind);
  const children = op.kind === 'create' ? op.touched.length : 0;
  const due = state.now() + latencyOf(state, op.kind, children);
  // The Octavia 11 bug (ADR 2): the flow marks only the load balancer ACTIVE.
  const stuck = op.kind === 'create' && children > 0 && state.world.config.stuckChildrenOnFullCreate;
  const touched = stuck ? [] : [...op.touched];
  state.world.scheduler.at(due, () => {
    complete(state, op.lbId, { failed, touched, created: op.kind === 'create' });
  });
}

function settle(state: OctaviaState, row: OctaviaRow, to: Provisioning): boolean {
  if (row.provisioningStatus === 'PENDING_DELETE') return false;
  if (isPending(row.provisioningStatus)) mark(state, row, to);
  return true;
}

function settleMonitor(state: OctaviaState, id: string, to: Provisioning): void {
  const hm = state.healthMonitors.get(id);
  const pool = hm === undefined ? undefined : state.pools.get(hm.poolId);
  if (hm === undefined || pool === undefined) return;
  const wasCreating = hm.provisioningStatus === 'PENDING_CREATE';
  if (!settle(state, hm, to)) removeMonitor(state, pool);
  // A monitor created on its own reports ONLINE once its pool is checked (no members: nothing failing).
  else if (wasCreating && hm.operatingStatus === 'OFFLINE' && to === 'ACTIVE') hm.operatingStatus = 'ONLINE';
}

function settleOne(state: OctaviaState, lb: LoadBalancerRow, t: Touched, to: Provisioning): void {
  if (t.table === 'healthmonitor') {
    settleMonitor(state, t.id, to);
    return;
  }
  if (t.table === 'member') {
    const member = state.members.get(t.id);
    const pool = member === undefined ? undefined : state.pools.get(member.poolId);
    if (member !== undefined && pool !== undefined && !settle(state, member, to))
      removeMember(state, pool, t.id);
    return;
  }
  if (t.table === 'pool') {
    const pool = state.pools.get(t.id);
    if (pool !== undefined && !settle(state, pool, to)) removePool(state, lb, pool);
    return;
  }
  const listener = state.listeners.get(t.id);
  if (listener !== undefined && !settle(state, listener, to)) removeListener(state, lb, t.id);
}

function complete(
  state: OctaviaState,
  lbId: string,
  how: { readonly failed: boolean; readonly touched: readonly Touched[]; readonly created: boolean },
): void {
  const lb = state.loadBalancers.get(lbId);
  if (lb === undefined) return;
  if (lb.provisioningStatus === 'PENDING_DELETE') {
    removeLoadBalancer(state, lb);
    return;
  }
  const to: Provisioning = how.failed ? 'ERROR' : 'ACTIVE';
  for (const t of how.touched) settleOne(state, lb, t, to);
  if (how.created && !how.failed && !createAmphoraPorts(state, lb)) {
    mark(state, lb, 'ERROR');
    return;
  }
  mark(state, lb, to);
}

function createAmphoraPorts(state: OctaviaState, lb: LoadBalancerRow): boolean {
  try {
    for (let i = 0; i < state.world.config.amphoraPorts; i++) {
      const port = insertPort(state.neutron, {
        networkId: lb.vipNetworkId,
        projectId: lb.projectId,
        name: `octavia-lb-vrrp-${state.world.ids.uuid()}`,
        fixedIps: [{ subnetId: lb.vipSubnetId }],
        deviceId: state.world.ids.uuid(),
        deviceOwner: 'compute:nova',
      });
      lb.amphoraPortIds.push(port.id);
    }
    return true;
  } catch {
    return false;
  }
}

function removeMember(state: OctaviaState, pool: PoolRow, memberId: string): void {
  state.members.remove(memberId);
  pool.memberIds = pool.memberIds.filter((id) => id !== memberId);
}

function removeMonitor(state: OctaviaState, pool: PoolRow): void {
  if (pool.healthMonitorId !== null) state.healthMonitors.remove(pool.healthMonitorId);
  pool.healthMonitorId = null;
}

function removePool(state: OctaviaState, lb: LoadBalancerRow, pool: PoolRow): void {
  for (const memberId of [...pool.memberIds]) removeMember(state, pool, memberId);
  removeMonitor(state, pool);
  for (const listenerId of pool.listenerIds) {
    const listener = state.listeners.get(listenerId);
    if (listener?.defaultPoolId === pool.id) listener.defaultPoolId = null;
  }
  state.pools.remove(pool.id);
  lb.poolIds = lb.poolIds.filter((id) => id !== pool.id);
}

function removeListener(state: OctaviaState, lb: LoadBalancerRow, listenerId: string): void {
  const listener = state.listeners.remove(listenerId);
  if (listener?.defaultPoolId != null) {
    const pool = state.pools.get(listener.defaultPoolId);
    if (pool !== undefined) pool.listenerIds = pool.listenerIds.filter((id) => id !== listenerId);
  }
  lb.listenerIds = lb.listenerIds.filter((id) => id !== listenerId);
}

/** Removes a load balancer with its whole tree, its VIP port and its amphora ports (Octavia's cascade). */
export function removeLoadBalancer(state: OctaviaState, lb: LoadBalancerRow): void {
  for (const poolId of [...lb.poolIds]) {
    const pool = state.pools.get(poolId);
    if (pool !== undefined) removePool(state, lb, pool);
  }
  for (const listenerId of [...lb.listenerIds]) removeListener(state, lb, listenerId);
  for (const portId of [lb.vipPortId, ...lb.amphoraPortIds]) deletePortRow(state.neutron, portId);
  state.loadBalancers.remove(lb.id);
  state.tombstones.set(lb.id, lb.createdAt);
}
