/** Helpers the scenarios share: the run's context, waiting for Octavia, cleanup. */
import type { Action } from '../../../src/core/plan/actions.js';
import { NotFoundError } from '../../../src/openstack/errors.js';
import { executeActions, type ExecuteResult } from '../../../src/openstack/execute.js';
import * as floatingips from '../../../src/openstack/neutron/floatingips.js';
import * as ports from '../../../src/openstack/neutron/ports.js';
import * as loadbalancers from '../../../src/openstack/octavia/loadbalancers.js';
import type { LoadBalancerRecord } from '../../../src/openstack/octavia/loadbalancers.js';
import type { Query } from '../../../src/openstack/pagination.js';
import type { OpenStackSession, ServiceType } from '../../../src/openstack/session.js';
import type { ContractTarget } from '../target.js';
import type { Names } from '../names.js';

/** What one scenario run gets. */
export interface ScenarioContext {
  readonly target: ContractTarget;
  readonly names: Names;
  /** Unique to the run; in every name, tag and description the scenario creates. */
  readonly tag: string;
  /** The scenario's VIP addresses (its own slots of the run's range). */
  readonly vip: (slot: number) => string;
}

/** The comparable part of an execute result: action kinds done/deferred, requeue, conflict status. */
export function executed(result: ExecuteResult): Record<string, unknown> {
  return {
    done: result.done.map((a) => a.kind),
    deferred: result.deferred.map((a) => a.kind),
    requeueAfterMs: result.requeueAfterMs,
    conflict: result.conflict?.status ?? null,
    created: result.createdLoadBalancer === undefined ? null : result.createdLoadBalancer.vipPortId !== null,
  };
}

/** Runs hand-written actions through the real executor. */
export function run(ctx: ScenarioContext, actions: readonly Action[]): Promise<ExecuteResult> {
  return executeActions({ session: ctx.target.session, actions });
}

/** Waits until the load balancer leaves PENDING_*; resolves with it. */
export function settled(ctx: ScenarioContext, id: string): Promise<LoadBalancerRecord> {
  return ctx.target.waitFor(`load balancer ${id} to settle`, async () => {
    const lb = await loadbalancers.get(ctx.target.session, id);
    return lb.provisioningStatus.startsWith('PENDING_') ? null : lb;
  });
}

/** Waits until the load balancer answers 404. */
export function gone(ctx: ScenarioContext, id: string): Promise<true> {
  return ctx.target.waitFor(`load balancer ${id} to go`, async () => {
    try {
      await loadbalancers.get(ctx.target.session, id);
      return null;
    } catch (error) {
      if (error instanceof NotFoundError) return true;
      throw error;
    }
  });
}

async function ignoreGone(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
}

/** Deletes every floating IP, load balancer and port carrying `tag` (waiting for busy ones); idempotent. */
export async function cleanupTagged(ctx: ScenarioContext): Promise<void> {
  const { session } = ctx.target;
  for (const fip of await floatingips.listAll(session, { tags: [ctx.tag] })) {
    await ignoreGone(floatingips.delete(session, fip.id));
  }
  for (const fip of await floatingips.listAll(session, { description: ctx.tag })) {
    await ignoreGone(floatingips.delete(session, fip.id));
  }
  const lbs = await loadbalancers.listAll(session, { tags: [ctx.tag] });
  for (const lb of lbs) {
    const now = await settled(ctx, lb.id).catch(() => lb);
    if (now.provisioningStatus !== 'PENDING_DELETE') {
      await ignoreGone(loadbalancers.delete(session, lb.id, { cascade: true }));
    }
  }
  for (const lb of lbs) await gone(ctx, lb.id);
  for (const port of await ports.listAll(session, { tags: [ctx.tag] }))
    await ignoreGone(ports.delete(session, port.id));
}

export type Lister = (
  marker: string | undefined,
) => Promise<{ items: readonly { id: string }[]; nextMarker: string | null }>;

/** Walks pages until one comes back empty or without a next marker: sizes and whether each had a next link. */
export async function pages(list: Lister): Promise<{ sizes: number[]; next: boolean[]; ids: string[] }> {
  const out = { sizes: [] as number[], next: [] as boolean[], ids: [] as string[] };
  let marker: string | undefined;
  for (let i = 0; i < 10; i++) {
    const page = await list(marker);
    out.sizes.push(page.items.length);
    out.next.push(page.nextMarker !== null);
    out.ids.push(...page.items.map((item) => item.id));
    if (page.nextMarker === null || page.items.length === 0) break;
    marker = page.nextMarker;
  }
  return out;
}

/** One raw GET; resolves with the collection's items. */
export async function raw(
  session: OpenStackSession,
  req: { service: ServiceType; path: string; query: Query },
  key: string,
) {
  const res = await session.request<Record<string, unknown>>({
    ...req,
    method: 'GET',
    operation: 'contract.raw',
  });
  return (res.body[key] ?? []) as Record<string, unknown>[];
}
