/**
 * One load balancer's tree as the core's ObservedLoadBalancer: listeners and pools listed
 * by `loadbalancer_id` (one call each), members listed per non-empty pool, the health monitor
 * of each pool that has one (one GET each: Octavia cannot list monitors by load balancer),
 * and, when asked, the VIP port's security groups (one GET). Only reads.
 */
import type {
  ObservedHealthMonitor,
  ObservedListener,
  ObservedLoadBalancer,
  ObservedMember,
  ObservedPool,
} from '../core/model.js';
import { NotFoundError } from './errors.js';
import * as ports from './neutron/ports.js';
import * as healthmonitors from './octavia/healthmonitors.js';
import type { HealthMonitorRecord } from './octavia/healthmonitors.js';
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

/** The model's view of a health monitor record. Pure. */
export function toObservedHealthMonitor(h: HealthMonitorRecord): ObservedHealthMonitor {
  const { id, name, type, delay, timeout, maxRetries, maxRetriesDown, tags, provisioningStatus } = h;
  return { id, name, type, delay, timeout, maxRetries, maxRetriesDown, tags, provisioningStatus };
}

/** The model's view of a pool record with its members (sorted by address, port) and monitor. Pure. */
export function toObservedPool(
  p: PoolRecord,
  poolMembers: readonly MemberRecord[],
  monitor: HealthMonitorRecord | null = null,
): ObservedPool {
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
    ...(monitor === null ? {} : { healthMonitor: toObservedHealthMonitor(monitor) }),
  };
}

/** The model's view of a load balancer and its children (listeners by protocol/port, pools by id). Pure. */
export function toObservedLoadBalancer(
  lb: LoadBalancerRecord,
  children: {
    readonly listeners: readonly ObservedListener[];
    readonly pools: readonly ObservedPool[];
    /** The VIP port's security groups, when read. */
    readonly vipSecurityGroupIds?: readonly string[];
  },
): ObservedLoadBalancer {
  const { id, name, vipAddress, vipSubnetId, vipPortId, provider, provisioningStatus, tags } = lb;
  const { flavorId, availabilityZone, operatingStatus } = lb;
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
    flavorId,
    availabilityZone,
    ...(children.vipSecurityGroupIds === undefined
      ? {}
      : { vipSecurityGroupIds: children.vipSecurityGroupIds }),
    ...(lb.version === undefined ? {} : { version: lb.version }),
  };
}

/** What to read besides listeners, pools, members and monitors. */
export interface TreeOptions {
  /** Read the VIP port's security groups (one GET; only when the desired state names them). */
  readonly vipSecurityGroups?: boolean;
}

/** A GET that answers null on a 404 (the object went away between two reads). */
async function orNull<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

async function readPool(
  session: OpenStackSession,
  pool: PoolRecord,
  signal?: AbortSignal,
): Promise<ObservedPool> {
  const [poolMembers, monitor] = await Promise.all([
    pool.memberIds.length === 0 ? [] : members.listAll(session, pool.id, {}, signal),
    pool.healthMonitorId === null ? null : orNull(healthmonitors.get(session, pool.healthMonitorId, signal)),
  ]);
  return toObservedPool(pool, poolMembers, monitor);
}

async function readVipSecurityGroups(
  session: OpenStackSession,
  lb: LoadBalancerRecord,
  signal?: AbortSignal,
): Promise<readonly string[] | undefined> {
  if (lb.vipPortId === null) return undefined;
  const port = await orNull(ports.get(session, lb.vipPortId, signal));
  return port?.securityGroupIds;
}

/**
 * Reads the listeners, pools, members and monitors of `lb` (2 + non-empty pools + monitors
 * calls), and its VIP port's security groups when `options.vipSecurityGroups` (one more).
 */
export async function observeTree(
  session: OpenStackSession,
  lb: LoadBalancerRecord,
  signal?: AbortSignal,
  options: TreeOptions = {},
): Promise<ObservedLoadBalancer> {
  const [lbListeners, lbPools, vipSecurityGroupIds] = await Promise.all([
    listeners.listAll(session, { loadBalancerId: lb.id }, signal),
    pools.listAll(session, { loadBalancerId: lb.id }, signal),
    options.vipSecurityGroups === true ? readVipSecurityGroups(session, lb, signal) : undefined,
  ]);
  const observedPools = await Promise.all(lbPools.map((pool) => readPool(session, pool, signal)));
  return toObservedLoadBalancer(lb, {
    listeners: lbListeners.map(toObservedListener),
    pools: observedPools,
    ...(vipSecurityGroupIds === undefined ? {} : { vipSecurityGroupIds }),
  });
}
