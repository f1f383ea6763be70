/**
 * Neutron quotas: `GET /v2.0/quotas/{project_id}/details` (limit, used and reserved per
 * resource, the `quota_details` extension) and `GET /v2.0/quotas/{project_id}` (limits only).
 * -1 means unlimited.
 */
import { z } from 'zod';
import { NotFoundError } from '../errors.js';
import type { OpenStackSession } from '../session.js';
import { send } from '../response.js';

/** One resource's quota; `used` and `reserved` are null when Neutron only reports limits. */
export interface QuotaUsage {
  readonly limit: number;
  readonly used: number | null;
  readonly reserved: number | null;
}

/** Quotas by Neutron resource name (`floatingip`, `port`, `network`, ...). */
export type NeutronQuotas = Readonly<Record<string, QuotaUsage>>;

const detailsSchema = z
  .object({
    quota: z.record(
      z.string(),
      z.object({ limit: z.number().int(), used: z.number().int(), reserved: z.number().int().nullish() }),
    ),
  })
  .transform(({ quota }): NeutronQuotas =>
    Object.fromEntries(
      Object.entries(quota).map(([name, q]) => [
        name,
        { limit: q.limit, used: q.used, reserved: q.reserved ?? 0 },
      ]),
    ),
  );

const limitsSchema = z
  .object({ quota: z.record(z.string(), z.number().int()) })
  .transform(({ quota }): NeutronQuotas =>
    Object.fromEntries(
      Object.entries(quota).map(([name, l]) => [name, { limit: l, used: null, reserved: null }]),
    ),
  );

function path(projectId: string): string {
  return `/v2.0/quotas/${encodeURIComponent(projectId)}`;
}

/** GET limits and usage of `projectId`. Throws NotFoundError when the quota_details extension is absent. */
export async function getDetails(
  session: OpenStackSession,
  projectId: string,
  signal?: AbortSignal,
): Promise<NeutronQuotas> {
  const call = {
    service: 'network',
    method: 'GET',
    path: `${path(projectId)}/details`,
    operation: 'neutron.quota.details',
    signal,
  } as const;
  return send(session, call, detailsSchema);
}

/** GET the limits of `projectId` (no usage). Throws the session's typed errors. */
export async function get(
  session: OpenStackSession,
  projectId: string,
  signal?: AbortSignal,
): Promise<NeutronQuotas> {
  const call = {
    service: 'network',
    method: 'GET',
    path: path(projectId),
    operation: 'neutron.quota.get',
    signal,
  } as const;
  return send(session, call, limitsSchema);
}

/** Details when Neutron has them, else limits only. Throws the session's typed errors. */
export async function getWithUsage(
  session: OpenStackSession,
  projectId: string,
  signal?: AbortSignal,
): Promise<NeutronQuotas> {
  try {
    return await getDetails(session, projectId, signal);
  } catch (err) {
    if (err instanceof NotFoundError) return get(session, projectId, signal);
    throw err;
  }
}
