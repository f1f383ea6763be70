/**
 * Runs the core's actions (src/core/actions.ts) in order, one API call each. Octavia makes a
 * load balancer busy (PENDING_*) after every write, so after the first write on a given load
 * balancer the further writes on it are deferred to the next reconcile, which re-plans from a
 * fresh observation; Neutron floating IP actions still run. A 409 from Octavia stops the run
 * and is reported as a requeue, not thrown. Counts nothing (the session counts calls).
 */
import type { Action } from '../core/plan/actions.js';
import type { ObservedFloatingIp } from '../core/model.js';
import { ConflictError } from './errors.js';
import {
  type CreatedLoadBalancer,
  isNeutronAction,
  octaviaTarget,
  portOf,
  resolvePort,
  runAction,
} from './execute-action.js';
import type { OpenStackSession } from './session.js';

export type { CreatedLoadBalancer } from './execute-action.js';

/** Default delays before the caller should look again. */
export const DEFAULT_BUSY_REQUEUE_MS = 1000;
export const DEFAULT_CONFLICT_REQUEUE_MS = 2000;

/** What to run. */
export interface ExecuteActionsInput {
  readonly session: OpenStackSession;
  readonly actions: readonly Action[];
  readonly signal?: AbortSignal;
  /** Requeue delay after Octavia writes or deferrals (default 1000 ms). */
  readonly busyRequeueMs?: number;
  /** Requeue delay after a 409 from Octavia (default 2000 ms). */
  readonly conflictRequeueMs?: number;
}

/** What happened: compatible with the reconciler's ExecuteOutcome (src/services/ports.ts). */
export interface ExecuteResult {
  /** Actions carried out, in order. */
  readonly done: readonly Action[];
  /** Actions not run this round (their LB became busy, their port is not known yet, or a 409 stopped the run). */
  readonly deferred: readonly Action[];
  /** Set when a createLoadBalancer ran: the new LB, its VIP port and tree from the POST response. */
  readonly createdLoadBalancer?: CreatedLoadBalancer;
  /** The floating IPs createFloatingIp actions made, in order. */
  readonly createdFloatingIps: readonly ObservedFloatingIp[];
  /** The 409 that stopped the run, if one did. */
  readonly conflict?: ConflictError;
  /** Look again after this many ms; null when everything ran and nothing was made busy. */
  readonly requeueAfterMs: number | null;
}

interface RunState {
  readonly done: Action[];
  readonly deferred: Action[];
  readonly busy: Set<string>;
  created: CreatedLoadBalancer | null;
  readonly floatingIps: ObservedFloatingIp[];
}

/** Why `action` cannot run now (its LB is busy, or its port is unknown), or null. */
function blocker(action: Action, state: RunState): string | null {
  const target = octaviaTarget(action);
  if (target !== null && state.busy.has(target)) return 'busy';
  const port = portOf(action);
  if (port !== null && resolvePort(port, state.created) === null) return 'port unknown';
  return null;
}

function result(state: RunState, input: ExecuteActionsInput, conflict?: ConflictError): ExecuteResult {
  const busyMs = input.busyRequeueMs ?? DEFAULT_BUSY_REQUEUE_MS;
  const conflictMs = input.conflictRequeueMs ?? DEFAULT_CONFLICT_REQUEUE_MS;
  const wait = state.busy.size > 0 || state.deferred.length > 0 ? busyMs : null;
  return {
    done: state.done,
    deferred: state.deferred,
    ...(state.created === null ? {} : { createdLoadBalancer: state.created }),
    createdFloatingIps: state.floatingIps,
    ...(conflict === undefined ? {} : { conflict }),
    requeueAfterMs: conflict === undefined ? wait : conflictMs,
  };
}

/** Runs one action; an Octavia 409 is returned (the run stops there), other errors propagate. */
async function runOne(
  action: Action,
  state: RunState,
  input: ExecuteActionsInput,
): Promise<ConflictError | null> {
  try {
    const answer = await runAction(action, {
      session: input.session,
      created: state.created,
      signal: input.signal,
    });
    if (answer.createdLoadBalancer !== undefined) state.created = answer.createdLoadBalancer;
    if (answer.createdFloatingIp !== undefined) state.floatingIps.push(answer.createdFloatingIp);
    return null;
  } catch (error) {
    if (error instanceof ConflictError && !isNeutronAction(action)) return error;
    throw error;
  }
}

/**
 * Runs `actions` in order. Returns what was done and deferred and when to look again.
 * Octavia 409 → the run stops, the rest is deferred, `conflict` and `requeueAfterMs` are set.
 * A delete of an already-deleted object counts as done. Any other error propagates typed
 * (OpenStackError subclasses, UnexpectedResponseError); actions done before it stay done.
 */
export async function executeActions(input: ExecuteActionsInput): Promise<ExecuteResult> {
  const state: RunState = { done: [], deferred: [], busy: new Set(), created: null, floatingIps: [] };
  for (const [index, action] of input.actions.entries()) {
    if (blocker(action, state) !== null) {
      state.deferred.push(action);
      continue;
    }
    const conflict = await runOne(action, state, input);
    if (conflict !== null) {
      for (const rest of input.actions.slice(index)) state.deferred.push(rest);
      return result(state, input, conflict);
    }
    state.done.push(action);
    const target = octaviaTarget(action);
    if (target !== null) state.busy.add(target);
  }
  return result(state, input);
}
