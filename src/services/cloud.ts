/** The reconciler's CloudPort over our real OpenStack clients. */
import { NotFoundError } from '../openstack/errors.js';
import { executeActions } from '../openstack/execute.js';
import * as loadbalancers from '../openstack/octavia/loadbalancers.js';
import { observeService } from '../openstack/observe.js';
import { listOwnedServiceKeys } from '../openstack/owned-keys.js';
import type { OpenStackSession } from '../openstack/session.js';
import type { CloudPort, LoadBalancerHead } from './ports.js';

export interface CloudPortOptions {
  readonly session: OpenStackSession;
  readonly clusterId: string;
  /** Look again this long after an Octavia write (the LB is busy meanwhile). */
  readonly busyRequeueMs: number;
  /** Look again this long after Octavia answered 409. */
  readonly conflictRequeueMs: number;
}

/** Observe, read one load balancer and execute through `session` (no I/O until called). */
export function makeCloudPort(options: CloudPortOptions): CloudPort {
  const { session, clusterId } = options;
  return {
    observe: (q, signal) =>
      observeService({
        session,
        clusterId,
        service: q.service,
        loadBalancerName: q.loadBalancerName,
        ...(q.userFloatingIpAddress === undefined ? {} : { userFloatingIpAddress: q.userFloatingIpAddress }),
        ...(q.hintLoadBalancerId === undefined ? {} : { hints: { loadBalancerId: q.hintLoadBalancerId } }),
        signal,
      }),
    getLoadBalancer: (id, signal) => getLoadBalancerHead(session, id, signal),
    ownedServiceKeys: (signal) => listOwnedServiceKeys(session, clusterId, signal),
    execute: (actions, signal) =>
      executeActions({
        session,
        actions,
        signal,
        busyRequeueMs: options.busyRequeueMs,
        conflictRequeueMs: options.conflictRequeueMs,
      }),
  };
}

async function getLoadBalancerHead(
  session: OpenStackSession,
  id: string,
  signal: AbortSignal,
): Promise<LoadBalancerHead | null> {
  try {
    const lb = await loadbalancers.get(session, id, signal);
    return { id: lb.id, name: lb.name, tags: lb.tags, provisioningStatus: lb.provisioningStatus };
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}
