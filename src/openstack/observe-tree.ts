/**
 * One load balancer's tree as the core's ObservedLoadBalancer: listeners and pools listed
 * by `loadbalancer_id` (one call each), members listed per non-empty pool. Only reads.
 */
import type { ObservedListener, ObservedLoadBalancer, ObservedMember, ObservedPool } from '../core/model.js';
import * as listeners from './octavia/listeners.js';
import type { ListenerRecord } from './octavia/listeners.js';
import type { LoadBalancerRecord } from './octavia/loadbalancers.js';
import * as members from './octavia/members.js';
import type { MemberRecord } from './octavia/members.js';
import * as pools from './octavia/pools.js';
import type { PoolRecord } from './octavia/pools.js';
import type { OpenStackSession } from './session.js';

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The model's view of a member record. Pure. */
export function toObservedMember(m: MemberRecord): ObservedMember {
  const { id, name, address, protocolPort, subnetId, tags, provisioningStatus } = m;
  return { id, name, address, protocolPort, subnetId, tags, provisioningStatus };
}

/** The model's view of a listener record. Pure. */
export function toObservedListener(l: ListenerRecord): ObservedListener {
  const { id, name, protocol, protocolPort, allowedCidrs, timeoutClientData, timeoutMemberData } = l;
  const { defaultPoolId, tags, provisioningStatus } = l;
  return {
    id,
    name,
    protocol,
    protocolPort,
    allowedCidrs,
    timeoutClientData,
    timeoutMemberData,
    defaultPoolId,
    tags,
    provisioningStatus,
  };
}

/** The model's view of a pool record with its members (sorted by address, port). Pure. */
export function toObservedPool(p: PoolRecord, poolMembers: readonly MemberRecord[]): ObservedPool {
  const { id, name, protocol, lbAlgorithm, sessionPersistence, listenerId, tags, provisioningStatus } = p;
  const sorted = poolMembers
    .map(toObservedMember)
    .sort(
      (a, b) =>
        compareText(a.address, b.address) || a.protocolPort - b.protocolPort || compareText(a.id, b.id),
    );
  return {
    id,
    name,
    protocol,
    lbAlgorithm,
    sessionPersistence,
    members: sorted,
    listenerId,
    tags,
    provisioningStatus,
  };
}

/** The model's view of a load balancer and its children (listeners by protocol/port, pools by id). Pure. */
export function toObservedLoadBalancer(
  lb: LoadBalancerRecord,
  children: { readonly listeners: readonly ObservedListener[]; readonly pools: readonly ObservedPool[] },
): ObservedLoadBalancer {
  const { id, name, vipAddress, vipSubnetId, vipPortId, provider, provisioningStatus, tags } = lb;
  const { operatingStatus } = lb;
  const sortedListeners = [...children.listeners].sort(
    (a, b) =>
      compareText(a.protocol, b.protocol) || a.protocolPort - b.protocolPort || compareText(a.id, b.id),
  );
  const sortedPools = [...children.pools].sort((a, b) => compareText(a.id, b.id));
  return {
    id,
    name,
    vipAddress,
    vipSubnetId,
    vipPortId,
    provider,
    provisioningStatus,
    operatingStatus,
    tags,
    listeners: sortedListeners,
    pools: sortedPools,
  };
}

/** Reads the listeners, pools and members of `lb`. 2 + (non-empty pools) calls. */
export async function observeTree(
  session: OpenStackSession,
  lb: LoadBalancerRecord,
  signal?: AbortSignal,
): Promise<ObservedLoadBalancer> {
  const [lbListeners, lbPools] = await Promise.all([
    listeners.listAll(session, { loadBalancerId: lb.id }, signal),
    pools.listAll(session, { loadBalancerId: lb.id }, signal),
  ]);
  const observedPools = await Promise.all(
    lbPools.map(async (pool) =>
      toObservedPool(
        pool,
        pool.memberIds.length === 0 ? [] : await members.listAll(session, pool.id, {}, signal),
      ),
    ),
  );
  return toObservedLoadBalancer(lb, { listeners: lbListeners.map(toObservedListener), pools: observedPools });
}
