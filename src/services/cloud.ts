/** The reconciler's CloudPort over our real OpenStack clients. */
import { executeActions } from '../openstack/execute.js';
import { observeService } from '../openstack/observe.js';
import type { OpenStackSession } from '../openstack/session.js';
import type { CloudPort } from './ports.js';

export interface CloudPortOptions {
  readonly session: OpenStackSession;
  readonly clusterId: string;
  /** Look again this long after an Octavia write (the LB is busy meanwhile). */
  readonly busyRequeueMs: number;
  /** Look again this long after Octavia answered 409. */
  readonly conflictRequeueMs: number;
}

/** Observe and execute through `session` (no I/O until called). */
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
