/**
 * The answer to a fully-populated `POST /v2/lbaas/loadbalancers`: Octavia returns the whole
 * tree it created (listeners, pools with their members and health monitor, every id and
 * field), so the tree need not be listed again once it is ACTIVE (docs/adr/0020). The record
 * is parsed as every load balancer is; the tree is kept only when every nested object parses
 * and the ids match the record's, else it is null and the next observation is a full one.
 * Only the POST; throws the session's typed errors.
 */
import { z } from 'zod';
import type { ObservedLoadBalancer } from '../core/model.js';
import { toObservedListener, toObservedLoadBalancer, toObservedPool } from './observe-tree.js';
import { healthMonitorSchema } from './octavia/healthmonitors.js';
import { listenerSchema } from './octavia/listeners.js';
import * as loadbalancers from './octavia/loadbalancers.js';
import type { LoadBalancerBody, LoadBalancerRecord } from './octavia/loadbalancers.js';
import { memberSchema } from './octavia/members.js';
import { poolSchema } from './octavia/pools.js';
import { send } from './response.js';
import type { OpenStackSession } from './session.js';

/** What the POST answered: the record, and the created tree when the answer holds it whole. */
export interface CreateAnswer {
  readonly record: LoadBalancerRecord;
  readonly tree: ObservedLoadBalancer | null;
}

/** A pool nested in the answer: its own fields plus full members and monitor. */
const nestedPoolSchema = z
  .object({
    members: z.array(memberSchema).nullish(),
    healthmonitor: healthMonitorSchema.nullish(),
    healthmonitor_id: z.string().nullish(),
  })
  .loose()
  .transform((raw, ctx) => {
    const pool = poolSchema.safeParse(raw);
    if (!pool.success) {
      ctx.addIssue({ code: 'custom', message: 'nested pool does not parse' });
      return z.NEVER;
    }
    const monitor = raw.healthmonitor ?? null;
    // A monitor id without the monitor itself (or another one) is not the whole tree.
    if ((raw.healthmonitor_id ?? monitor?.id ?? null) !== (monitor?.id ?? null)) {
      ctx.addIssue({ code: 'custom', message: 'nested pool names a monitor it does not hold' });
      return z.NEVER;
    }
    return toObservedPool(pool.data, raw.members ?? [], monitor);
  });

const nestedChildrenSchema = z.object({
  listeners: z.array(listenerSchema),
  pools: z.array(nestedPoolSchema),
});

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return a.length === b.length && set.size === a.length && b.every((id) => set.has(id));
}

/** The tree in `raw` (the answer's `loadbalancer`), or null when it is not whole. Pure. */
export function treeOfAnswer(record: LoadBalancerRecord, raw: unknown): ObservedLoadBalancer | null {
  const children = nestedChildrenSchema.safeParse(raw);
  if (!children.success) return null;
  const { listeners, pools } = children.data;
  const complete =
    sameIds(
      listeners.map((l) => l.id),
      record.listenerIds,
    ) &&
    sameIds(
      pools.map((p) => p.id),
      record.poolIds,
    );
  if (!complete) return null;
  return toObservedLoadBalancer(record, { listeners: listeners.map(toObservedListener), pools });
}

/** `{loadbalancer: …}` → CreateAnswer; a record that does not parse fails as any answer does. */
export const createAnswerSchema = z.object({ loadbalancer: z.unknown() }).transform((body, ctx) => {
  const record = loadbalancers.loadBalancerSchema.safeParse(body.loadbalancer);
  if (!record.success) {
    ctx.addIssue({ code: 'custom', message: z.prettifyError(record.error) });
    return z.NEVER;
  }
  const answer: CreateAnswer = { record: record.data, tree: treeOfAnswer(record.data, body.loadbalancer) };
  return answer;
});

/** POST a load balancer (`body` from loadbalancers.buildCreateBody); see the module comment. */
export function createLoadBalancer(
  session: OpenStackSession,
  body: { readonly loadbalancer: LoadBalancerBody },
  signal?: AbortSignal,
): Promise<CreateAnswer> {
  const call = {
    service: 'load-balancer',
    method: 'POST',
    path: loadbalancers.collectionPath,
    operation: loadbalancers.operationOf('create'),
    body,
    signal,
  } as const;
  return send(session, call, createAnswerSchema);
}
