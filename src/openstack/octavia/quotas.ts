/**
 * Octavia quotas (`GET /v2/lbaas/quotas/{project_id}`): a project's effective limits (the
 * defaults filled in). -1 means unlimited. Octavia reports no usage; count objects for that.
 */
import { z } from 'zod';
import type { OpenStackSession } from '../session.js';
import { send } from '../response.js';

/** A project's Octavia limits; -1 = unlimited, null = not reported by this Octavia. */
export interface OctaviaQuota {
  readonly loadBalancer: number | null;
  readonly listener: number | null;
  readonly pool: number | null;
  readonly member: number | null;
  readonly healthMonitor: number | null;
}

const limit = z.number().int().nullish();

// Octavia sends both spellings on some releases (`load_balancer` and the deprecated `loadbalancer`).
const quotaSchema = z
  .object({
    quota: z.object({
      load_balancer: limit,
      loadbalancer: limit,
      listener: limit,
      pool: limit,
      member: limit,
      health_monitor: limit,
      healthmonitor: limit,
    }),
  })
  .transform(({ quota: q }): OctaviaQuota => ({
    loadBalancer: q.load_balancer ?? q.loadbalancer ?? null,
    listener: q.listener ?? null,
    pool: q.pool ?? null,
    member: q.member ?? null,
    healthMonitor: q.health_monitor ?? q.healthmonitor ?? null,
  }));

/** GET the effective quota of `projectId`. Throws NotFoundError, ForbiddenError (policy) or the session's other errors. */
export async function get(
  session: OpenStackSession,
  projectId: string,
  signal?: AbortSignal,
): Promise<OctaviaQuota> {
  const call = {
    service: 'load-balancer',
    method: 'GET',
    path: `/v2/lbaas/quotas/${encodeURIComponent(projectId)}`,
    operation: 'octavia.quota.get',
    signal,
  } as const;
  return send(session, call, quotaSchema);
}
