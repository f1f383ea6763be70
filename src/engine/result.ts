/** What a reconcile tells the controller to do next with its key. */

/** The key converged; its backoff history is forgotten. */
export interface DoneResult {
  readonly kind: 'done';
}

/**
 * Not converged yet but nothing failed (e.g. a load balancer is `PENDING_*`): look again after
 * `ms` without counting a failure, freeing the worker instead of blocking it.
 */
export interface RequeueAfterResult {
  readonly kind: 'requeueAfter';
  readonly ms: number;
  /** Human-readable why, logged with the requeue. */
  readonly reason: string;
}

/**
 * An input that will never work as is: reported once through `onTerminal` and not retried;
 * a later `add` (e.g. the object changed) triggers a fresh reconcile.
 */
export interface TerminalResult {
  readonly kind: 'terminal';
  readonly error: Error;
}

/** Outcome of one reconcile. A thrown error means "retry with backoff". */
export type Result = DoneResult | RequeueAfterResult | TerminalResult;

/** Every way one reconcile can end, as reported to metrics: the result kinds plus a throw or an abort. */
export type OutcomeKind = Result['kind'] | 'error' | 'aborted';

/** The `done` result. */
export function done(): DoneResult {
  return { kind: 'done' };
}

/** A `requeueAfter` result for `ms` milliseconds because of `reason`. */
export function requeueAfter(ms: number, reason: string): RequeueAfterResult {
  return { kind: 'requeueAfter', ms, reason };
}

/** A `terminal` result carrying `error`. */
export function terminal(error: Error): TerminalResult {
  return { kind: 'terminal', error };
}
