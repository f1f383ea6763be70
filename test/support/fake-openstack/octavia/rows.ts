/**
 * Octavia's objects as the fake stores them (mutable rows inside the fake only). Tags are
 * kept sorted, as Octavia returns them.
 */

/** Octavia provisioning statuses. */
export type Provisioning = 'ACTIVE' | 'PENDING_CREATE' | 'PENDING_UPDATE' | 'PENDING_DELETE' | 'ERROR';

/** What every Octavia object has. */
export interface OctaviaRow {
  readonly id: string;
  readonly projectId: string;
  name: string;
  description: string;
  provisioningStatus: Provisioning;
  operatingStatus: string;
  adminStateUp: boolean;
  readonly createdAt: number;
  updatedAt: number | null;
  tags: string[];
}

export interface LoadBalancerRow extends OctaviaRow {
  readonly vipAddress: string;
  readonly vipPortId: string;
  readonly vipSubnetId: string;
  readonly vipNetworkId: string;
  readonly provider: string;
  listenerIds: string[];
  poolIds: string[];
  amphoraPortIds: string[];
}

export interface ListenerRow extends OctaviaRow {
  readonly lbId: string;
  readonly protocol: string;
  readonly protocolPort: number;
  connectionLimit: number;
  defaultPoolId: string | null;
  timeoutClientData: number;
  timeoutMemberConnect: number;
  timeoutMemberData: number;
  timeoutTcpInspect: number;
  allowedCidrs: string[] | null;
  insertHeaders: Record<string, string>;
}

export interface SessionPersistenceRow {
  readonly type: string;
  readonly cookieName: string | null;
  readonly persistenceTimeout: number | null;
  readonly persistenceGranularity: string | null;
}

export interface PoolRow extends OctaviaRow {
  readonly lbId: string;
  listenerIds: string[];
  readonly protocol: string;
  lbAlgorithm: string;
  sessionPersistence: SessionPersistenceRow | null;
  memberIds: string[];
  healthMonitorId: string | null;
}

export interface MemberRow extends OctaviaRow {
  readonly poolId: string;
  readonly address: string;
  readonly protocolPort: number;
  weight: number;
  backup: boolean;
  subnetId: string | null;
  monitorAddress: string | null;
  monitorPort: number | null;
}

export interface HealthMonitorRow extends OctaviaRow {
  readonly poolId: string;
  readonly type: string;
  delay: number;
  timeout: number;
  maxRetries: number;
  maxRetriesDown: number;
  httpMethod: string | null;
  urlPath: string | null;
  expectedCodes: string | null;
  httpVersion: number | null;
  domainName: string | null;
}

/** Octavia's listener defaults (what a PUT of null resets to). */
export const LISTENER_DEFAULTS = {
  connectionLimit: -1,
  timeoutClientData: 50_000,
  timeoutMemberConnect: 5_000,
  timeoutMemberData: 50_000,
  timeoutTcpInspect: 0,
} as const;

/** A sorted, duplicate-free copy of `tags`. */
export function sortedTags(tags: readonly string[]): string[] {
  return [...new Set(tags)].sort();
}
