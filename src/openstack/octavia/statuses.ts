/**
 * Octavia v2 status tree (`GET /v2/lbaas/loadbalancers/{id}/status`): the provisioning and
 * operating status of a load balancer and every child in one call.
 */
import { z } from 'zod';
import type { ProvisioningStatus } from '../../core/model.js';
import type { OpenStackSession } from '../session.js';
import { send, textSchema } from '../response.js';
import { LBAAS, operatingStatusSchema, provisioningStatusSchema } from './enums.js';

/** One node of the status tree. */
export interface StatusNode {
  readonly id: string;
  readonly name: string;
  readonly provisioningStatus: ProvisioningStatus;
  readonly operatingStatus: string;
}

/** A member in the status tree (address and port are reported there too). */
export interface MemberStatus extends StatusNode {
  readonly address: string | null;
  readonly protocolPort: number | null;
}

export interface PoolStatus extends StatusNode {
  readonly members: readonly MemberStatus[];
  /** The pool's health monitor (id and statuses; the tree gives it no name), or null. */
  readonly healthMonitor: HealthMonitorStatus | null;
}

/** A health monitor in the status tree. */
export interface HealthMonitorStatus {
  readonly id: string;
  readonly provisioningStatus: ProvisioningStatus;
  readonly operatingStatus: string;
}

export interface ListenerStatus extends StatusNode {
  readonly pools: readonly PoolStatus[];
}

/** The whole tree of one load balancer. */
export interface StatusTree extends StatusNode {
  readonly listeners: readonly ListenerStatus[];
}

const node = {
  id: z.string(),
  name: textSchema,
  provisioning_status: provisioningStatusSchema,
  operating_status: operatingStatusSchema,
};

function toNode(n: {
  id: string;
  name: string;
  provisioning_status: ProvisioningStatus;
  operating_status: string;
}): StatusNode {
  return {
    id: n.id,
    name: n.name,
    provisioningStatus: n.provisioning_status,
    operatingStatus: n.operating_status,
  };
}

const memberStatus = z
  .object({ ...node, address: z.string().nullish(), protocol_port: z.number().int().nullish() })
  .transform((m): MemberStatus => ({
    ...toNode(m),
    address: m.address ?? null,
    protocolPort: m.protocol_port ?? null,
  }));
const healthMonitorStatus = z
  .object({
    id: z.string(),
    provisioning_status: provisioningStatusSchema,
    operating_status: operatingStatusSchema,
  })
  .transform((h): HealthMonitorStatus => ({
    id: h.id,
    provisioningStatus: h.provisioning_status,
    operatingStatus: h.operating_status,
  }));
const poolStatus = z
  .object({
    ...node,
    members: z.array(memberStatus).nullish(),
    health_monitor: healthMonitorStatus.nullish(),
  })
  .transform((p): PoolStatus => ({
    ...toNode(p),
    members: p.members ?? [],
    healthMonitor: p.health_monitor ?? null,
  }));
const listenerStatus = z
  .object({ ...node, pools: z.array(poolStatus).nullish() })
  .transform((l): ListenerStatus => ({ ...toNode(l), pools: l.pools ?? [] }));

/** Octavia's status JSON → StatusTree. */
export const statusTreeSchema = z
  .object({
    statuses: z.object({ loadbalancer: z.object({ ...node, listeners: z.array(listenerStatus).nullish() }) }),
  })
  .transform(({ statuses: { loadbalancer: lb } }): StatusTree => ({
    ...toNode(lb),
    listeners: lb.listeners ?? [],
  }));

/** GET the status tree of a load balancer. Throws NotFoundError when it is gone. */
export async function get(
  session: OpenStackSession,
  loadBalancerId: string,
  signal?: AbortSignal,
): Promise<StatusTree> {
  const path = `${LBAAS}/loadbalancers/${encodeURIComponent(loadBalancerId)}/status`;
  const call = {
    service: 'load-balancer',
    method: 'GET',
    path,
    operation: 'octavia.loadbalancer.status',
  } as const;
  return send(session, { ...call, signal }, statusTreeSchema);
}
