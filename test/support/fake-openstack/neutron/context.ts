/** What a Neutron handler gets: the tables and who is calling. */
import type { Caller, FakeRequest, FakeResponse } from '../request.js';
import type { NeutronState } from './state.js';

export interface NeutronCtx {
  readonly state: NeutronState;
  readonly caller: Caller;
}

/** One Neutron route handler; `params` are the path's `:name` segments. */
export type NeutronHandler = (
  ctx: NeutronCtx,
  req: FakeRequest,
  params: Readonly<Record<string, string>>,
) => FakeResponse;

/** The project a new object belongs to: the caller's, or the one an admin names. */
export function ownerOf(ctx: NeutronCtx, body: Record<string, unknown>): string {
  const named = body.project_id ?? body.tenant_id;
  return ctx.caller.admin && typeof named === 'string' ? named : ctx.caller.projectId;
}
