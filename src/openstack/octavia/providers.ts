/**
 * Octavia provider drivers (`GET /v2/lbaas/providers`): which providers this Octavia has
 * enabled, so a configured `endpoints_driver_octavia_provider` can be checked before use.
 */
import { z } from 'zod';
import type { OpenStackSession } from '../session.js';
import { send } from '../response.js';

/** One enabled provider driver. */
export interface ProviderRecord {
  readonly name: string;
  readonly description: string;
}

const providersSchema = z.object({
  providers: z.array(z.object({ name: z.string(), description: z.string().nullish() })),
});

/** GET the enabled providers. Throws the session's typed errors or UnexpectedResponseError. */
export async function list(session: OpenStackSession, signal?: AbortSignal): Promise<ProviderRecord[]> {
  const call = {
    service: 'load-balancer',
    method: 'GET',
    path: '/v2/lbaas/providers',
    operation: 'octavia.provider.list',
    signal,
  } as const;
  const body = await send(session, call, providersSchema);
  return body.providers.map((p) => ({ name: p.name, description: p.description ?? '' }));
}
