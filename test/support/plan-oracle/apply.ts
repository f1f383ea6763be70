/**
 * `apply`: a pure model of what executing a plan's actions does to `Observed`, as Octavia
 * and Neutron would leave things once every write has settled. Used by property tests
 * (plan ∘ apply ∘ plan is empty) and by the CLI to show the expected result of a plan.
 *
 * Model: created objects are ACTIVE with ids derived from their names (made unique with a
 * `-2`, `-3`… suffix); a created load balancer's VIP port is `port-<lb id>`; a deleted load
 * balancer disappears with its children and the floating IPs on its VIP port lose their
 * port; deleting a listener leaves its pool (Octavia does not cascade), deleting a pool
 * clears its listener's default pool; a member batch replaces the pool's member list,
 * keeping the ids of members whose (address, port) stays; a pool created with a monitor
 * has it (ACTIVE); the VIP port of a new load balancer has no security groups recorded
 * (Octavia puts its own there; the next observation reads them), a security group write sets
 * them on the load balancer owning the port.
 */
import type { Action, BatchMember } from '../../../src/core/plan/actions.js';
import { allIds, ApplyError, mapFips, uniqueId, type State } from './apply-state.js';
import {
  createFloatingIp,
  deleteFloatingIp,
  resolvePort,
  setFipPort,
  tagFloatingIp,
  disownFloatingIp,
} from './apply-floating-ip.js';

export { ApplyError } from './apply-state.js';
import type {
  DesiredHealthMonitor,
  DesiredListener,
  DesiredLoadBalancer,
  DesiredMember,
  DesiredPool,
  Observed,
  ObservedHealthMonitor,
  ObservedListener,
  ObservedLoadBalancer,
  ObservedMember,
  ObservedPool,
} from '../../../src/core/model.js';

function memberOf(member: DesiredMember | BatchMember, id: string): ObservedMember {
  return {
    id,
    name: member.name,
    address: member.address,
    protocolPort: member.protocolPort,
    subnetId: member.subnetId ?? null,
    tags: member.tags,
    provisioningStatus: 'ACTIVE',
  };
}

interface PoolSpec {
  readonly desired: DesiredPool;
  readonly listenerId: string;
  readonly taken: Set<string>;
}

function monitorOf(desired: DesiredHealthMonitor, id: string): ObservedHealthMonitor {
  return { id, ...desired, provisioningStatus: 'ACTIVE' };
}

function poolOf(spec: PoolSpec): ObservedPool {
  const id = uniqueId(`pool-${spec.desired.name}`, spec.taken);
  const monitor = spec.desired.healthMonitor;
  return {
    id,
    name: spec.desired.name,
    protocol: spec.desired.protocol,
    lbAlgorithm: spec.desired.lbAlgorithm,
    sessionPersistence: spec.desired.sessionPersistence,
    members: spec.desired.members.map((m) =>
      memberOf(m, uniqueId(`member-${id}-${m.address}-${m.protocolPort}`, spec.taken)),
    ),
    listenerId: spec.listenerId,
    tags: spec.desired.tags,
    provisioningStatus: 'ACTIVE',
    ...(monitor === undefined ? {} : { healthMonitor: monitorOf(monitor, uniqueId(`hm-${id}`, spec.taken)) }),
  };
}

function listenerOf(desired: DesiredListener, taken: Set<string>): [ObservedListener, ObservedPool] {
  const id = uniqueId(`listener-${desired.name}`, taken);
  const pool = poolOf({ desired: desired.pool, listenerId: id, taken });
  const listener: ObservedListener = {
    id,
    name: desired.name,
    protocol: desired.protocol,
    protocolPort: desired.protocolPort,
    allowedCidrs: desired.allowedCidrs,
    timeoutClientData: desired.timeoutClientData,
    timeoutMemberData: desired.timeoutMemberData,
    defaultPoolId: pool.id,
    tags: desired.tags,
    provisioningStatus: 'ACTIVE',
  };
  return [listener, pool];
}

function createLoadBalancer(state: State, desired: DesiredLoadBalancer): State {
  const taken = allIds(state.observed);
  const id = uniqueId(`lb-${desired.name}`, taken);
  const children = desired.listeners.map((l) => listenerOf(l, taken));
  const lb: ObservedLoadBalancer = {
    id,
    name: desired.name,
    vipAddress: desired.vipAddress,
    vipSubnetId: desired.vipSubnetId,
    vipPortId: `port-${id}`,
    provider: desired.provider,
    provisioningStatus: 'ACTIVE',
    tags: desired.tags,
    listeners: children.map(([listener]) => listener),
    pools: children.map(([, pool]) => pool),
    flavorId: desired.flavorId ?? null,
    availabilityZone: desired.availabilityZone ?? null,
  };
  return {
    observed: { ...state.observed, loadBalancers: [...state.observed.loadBalancers, lb] },
    createdId: id,
  };
}

function deleteLoadBalancer(state: State, id: string): State {
  const lb = findLoadBalancer(state.observed, id, 'deleteLoadBalancer');
  const loadBalancers = state.observed.loadBalancers.filter((other) => other.id !== id);
  const released = mapFips({ ...state.observed, loadBalancers }, (fip) =>
    fip.portId !== null && fip.portId === lb.vipPortId ? { ...fip, portId: null } : fip,
  );
  return { ...state, observed: released };
}

function findLoadBalancer(observed: Observed, id: string, operation: string): ObservedLoadBalancer {
  const lb = observed.loadBalancers.find((candidate) => candidate.id === id);
  if (lb === undefined) throw new ApplyError(`${operation}: load balancer ${id} not found`);
  return lb;
}

function updateLoadBalancer(
  state: State,
  target: { readonly id: string; readonly operation: string },
  fn: (lb: ObservedLoadBalancer, taken: Set<string>) => ObservedLoadBalancer,
): State {
  findLoadBalancer(state.observed, target.id, target.operation);
  const taken = allIds(state.observed);
  const loadBalancers = state.observed.loadBalancers.map((lb) => (lb.id === target.id ? fn(lb, taken) : lb));
  return { ...state, observed: { ...state.observed, loadBalancers } };
}

function requireChild(
  lb: ObservedLoadBalancer,
  kind: 'listener' | 'pool',
  id: string,
  operation: string,
): void {
  const children: readonly { readonly id: string }[] = kind === 'listener' ? lb.listeners : lb.pools;
  if (!children.some((child) => child.id === id)) {
    throw new ApplyError(`${operation}: ${kind} ${id} not found on load balancer ${lb.id}`);
  }
}

function applyListenerAction(
  lb: ObservedLoadBalancer,
  action: Action,
  taken: Set<string>,
): ObservedLoadBalancer {
  switch (action.kind) {
    case 'createListener': {
      const [listener, pool] = listenerOf(action.listener, taken);
      return { ...lb, listeners: [...lb.listeners, listener], pools: [...lb.pools, pool] };
    }
    case 'updateListener':
      requireChild(lb, 'listener', action.listenerId, action.kind);
      return {
        ...lb,
        listeners: lb.listeners.map((l) => (l.id === action.listenerId ? { ...l, ...action.changes } : l)),
      };
    case 'deleteListener':
      requireChild(lb, 'listener', action.listenerId, action.kind);
      return {
        ...lb,
        listeners: lb.listeners.filter((l) => l.id !== action.listenerId),
        pools: lb.pools.map((p) => (p.listenerId === action.listenerId ? { ...p, listenerId: null } : p)),
      };
    default:
      return applyPoolAction(lb, action, taken);
  }
}

function applyPoolAction(lb: ObservedLoadBalancer, action: Action, taken: Set<string>): ObservedLoadBalancer {
  switch (action.kind) {
    case 'createPool': {
      requireChild(lb, 'listener', action.listenerId, action.kind);
      const pool = poolOf({ desired: action.pool, listenerId: action.listenerId, taken });
      const listeners = lb.listeners.map((l) =>
        l.id === action.listenerId ? { ...l, defaultPoolId: pool.id } : l,
      );
      return { ...lb, listeners, pools: [...lb.pools, pool] };
    }
    case 'updatePool':
      requireChild(lb, 'pool', action.poolId, action.kind);
      return {
        ...lb,
        pools: lb.pools.map((p) => (p.id === action.poolId ? { ...p, ...action.changes } : p)),
      };
    case 'deletePool':
      requireChild(lb, 'pool', action.poolId, action.kind);
      return {
        ...lb,
        pools: lb.pools.filter((p) => p.id !== action.poolId),
        listeners: lb.listeners.map((l) =>
          l.defaultPoolId === action.poolId ? { ...l, defaultPoolId: null } : l,
        ),
      };
    case 'replaceMembers':
      requireChild(lb, 'pool', action.poolId, action.kind);
      return {
        ...lb,
        pools: lb.pools.map((p) => (p.id === action.poolId ? replaceMembers(p, action.members, taken) : p)),
      };
    default:
      return applyMonitorAction(lb, action, taken);
  }
}

function editPools(lb: ObservedLoadBalancer, fn: (p: ObservedPool) => ObservedPool): ObservedLoadBalancer {
  return { ...lb, pools: lb.pools.map(fn) };
}

function requireMonitor(lb: ObservedLoadBalancer, id: string, operation: string): void {
  if (!lb.pools.some((p) => p.healthMonitor?.id === id)) {
    throw new ApplyError(`${operation}: health monitor ${id} not found on load balancer ${lb.id}`);
  }
}

function applyMonitorAction(
  lb: ObservedLoadBalancer,
  action: Action,
  taken: Set<string>,
): ObservedLoadBalancer {
  switch (action.kind) {
    case 'createHealthMonitor': {
      requireChild(lb, 'pool', action.poolId, action.kind);
      if (lb.pools.find((p) => p.id === action.poolId)?.healthMonitor !== undefined) {
        throw new ApplyError(`${action.kind}: pool ${action.poolId} already has a health monitor (409)`);
      }
      const monitor = monitorOf(action.monitor, uniqueId(`hm-${action.poolId}`, taken));
      return editPools(lb, (p) => (p.id === action.poolId ? { ...p, healthMonitor: monitor } : p));
    }
    case 'updateHealthMonitor':
      requireMonitor(lb, action.healthMonitorId, action.kind);
      return editPools(lb, (p) =>
        p.healthMonitor?.id === action.healthMonitorId
          ? { ...p, healthMonitor: { ...p.healthMonitor, ...action.changes } }
          : p,
      );
    case 'deleteHealthMonitor':
      requireMonitor(lb, action.healthMonitorId, action.kind);
      return editPools(lb, (p) => {
        if (p.healthMonitor?.id !== action.healthMonitorId) return p;
        const rest = { ...p };
        delete rest.healthMonitor;
        return rest;
      });
    default:
      throw new ApplyError(`${action.kind}: not an action on the children of load balancer ${lb.id}`);
  }
}

function setVipSecurityGroups(state: State, portId: string, ids: readonly string[]): State {
  const owner = state.observed.loadBalancers.find((lb) => lb.vipPortId === portId);
  if (owner === undefined) throw new ApplyError(`setVipSecurityGroups: no load balancer has port ${portId}`);
  const loadBalancers = state.observed.loadBalancers.map((lb) =>
    lb === owner ? { ...lb, vipSecurityGroupIds: [...ids] } : lb,
  );
  return { ...state, observed: { ...state.observed, loadBalancers } };
}

function replaceMembers(pool: ObservedPool, batch: readonly BatchMember[], taken: Set<string>): ObservedPool {
  const members = batch.map((member) => {
    const existing = pool.members.find(
      (m) => m.address === member.address && m.protocolPort === member.protocolPort,
    );
    if ('foreign' in member && existing !== undefined) return existing;
    const id = existing?.id ?? uniqueId(`member-${pool.id}-${member.address}-${member.protocolPort}`, taken);
    return memberOf(member, id);
  });
  return { ...pool, members };
}

function step(state: State, action: Action): State {
  switch (action.kind) {
    case 'createLoadBalancer':
      return createLoadBalancer(state, action.loadBalancer);
    case 'deleteLoadBalancer':
      return deleteLoadBalancer(state, action.loadBalancerId);
    case 'createFloatingIp':
      return createFloatingIp(state, action);
    case 'associateFloatingIp':
      return setFipPort(
        state,
        action.floatingIpId,
        resolvePort(state, action.port, action.kind),
        action.kind,
      );
    case 'disassociateFloatingIp':
      return setFipPort(state, action.floatingIpId, null, action.kind);
    case 'deleteFloatingIp':
      return deleteFloatingIp(state, action.floatingIpId);
    case 'tagFloatingIp':
      return tagFloatingIp(state, action.floatingIpId, action.tags);
    case 'disownFloatingIp':
      return disownFloatingIp(state, action.floatingIpId, action.tags);
    case 'setVipSecurityGroups':
      return setVipSecurityGroups(state, action.portId, action.securityGroupIds);
    case 'tagLoadBalancer':
      return updateLoadBalancer(state, { id: action.loadBalancerId, operation: action.kind }, (lb) => ({
        ...lb,
        tags: [...action.tags],
      }));
    default:
      return updateLoadBalancer(state, { id: action.loadBalancerId, operation: action.kind }, (lb, taken) =>
        applyListenerAction(lb, action, taken),
      );
  }
}

/**
 * The state OpenStack reaches once `actions` have all run on `observed` (see the model
 * above). Pure and deterministic. Throws ApplyError when an action names an object that
 * does not exist in the modelled state.
 */
export function apply(observed: Observed, actions: readonly Action[]): Observed {
  let state: State = { observed, createdId: null };
  for (const action of actions) state = step(state, action);
  return state.observed;
}
