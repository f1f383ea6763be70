/** What an Octavia handler gets, and lookups shared by the resource modules. */
import { octaviaNotFound } from '../errors.js';
import type { Caller, FakeRequest, FakeResponse } from '../request.js';
import { visibleTo } from './list.js';
import type { ListenerRow, LoadBalancerRow, OctaviaRow, PoolRow } from './rows.js';
import type { OctaviaState } from './state.js';

export interface OctaviaCtx {
  readonly state: OctaviaState;
  readonly caller: Caller;
}

/** One Octavia route handler; `params` are the path's `:name` segments. */
export type OctaviaHandler = (
  ctx: OctaviaCtx,
  req: FakeRequest,
  params: Readonly<Record<string, string>>,
) => FakeResponse;

function visible<T extends OctaviaRow>(row: T | undefined, ctx: OctaviaCtx, what: string, id: string): T {
  if (row === undefined || !visibleTo(row, ctx.caller)) throw octaviaNotFound(what, id);
  return row;
}

/** The load balancer `id`, or Octavia's 404. */
export function findLoadBalancer(ctx: OctaviaCtx, id: string): LoadBalancerRow {
  return visible(ctx.state.loadBalancers.get(id), ctx, 'Load Balancer', id);
}

/** The listener `id`, or Octavia's 404. */
export function findListener(ctx: OctaviaCtx, id: string): ListenerRow {
  return visible(ctx.state.listeners.get(id), ctx, 'Listener', id);
}

/** The pool `id`, or Octavia's 404. */
export function findPool(ctx: OctaviaCtx, id: string): PoolRow {
  return visible(ctx.state.pools.get(id), ctx, 'Pool', id);
}

/** The load balancer owning a child row (always present while the child is). */
export function parentOf(ctx: OctaviaCtx, lbId: string): LoadBalancerRow {
  const lb = ctx.state.loadBalancers.get(lbId);
  if (lb === undefined) throw octaviaNotFound('Load Balancer', lbId);
  return lb;
}

/** Fresh common fields of a new Octavia object. */
export function newRow(
  ctx: OctaviaCtx,
  fields: {
    readonly projectId: string;
    readonly name?: string | undefined;
    readonly description?: string | undefined;
  },
): Omit<OctaviaRow, 'tags'> & { tags: string[] } {
  return {
    id: ctx.state.world.ids.uuid(),
    projectId: fields.projectId,
    name: fields.name ?? '',
    description: fields.description ?? '',
    provisioningStatus: 'PENDING_CREATE',
    operatingStatus: 'OFFLINE',
    adminStateUp: true,
    createdAt: ctx.state.now(),
    updatedAt: null,
    tags: [],
  };
}
