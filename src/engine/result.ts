/** What a reconcile tells the controller to do next with its key. */

/** The key converged; its backoff and poll history are forgotten. */
export interface DoneResult {
  readonly kind: 'done';
  /** Handed to the key's next reconcile, whenever it comes (see {@link ReconcileContext.carry}). */
  readonly carry?: unknown;
}

/**
 * Look again after exactly `ms` (e.g. to verify writes just sent), without counting a
 * failure. Ends any poll backoff of the key: what follows is a new operation.
 */
export interface RequeueAfterResult {
  readonly kind: 'requeueAfter';
  readonly ms: number;
  /** Human-readable why, logged with the requeue. */
  readonly reason: string;
  /** Handed to the next reconcile of the key (see {@link ReconcileContext.carry}). */
  readonly carry?: unknown;
}

/**
 * Waiting on something outside that is still busy (a load balancer in `PENDING_*`): look
 * again after the engine's poll delay, which starts at its base and grows while successive
 * polls of the key name the same `token`, up to its cap (a different token starts over).
 * Never blocks a worker.
 */
export interface PollResult {
  readonly kind: 'poll';
  /** What is being waited on (e.g. `busy:<load balancer id>`). */
  readonly token: string;
  readonly reason: string;
  readonly carry?: unknown;
}

/**
 * A failure someone must fix (a quota, a policy, a request the cloud rejects), already
 * reported to the object's owner by the reconciler: retried slowly (the engine's slow
 * limiter, minutes), never hot.
 */
export interface FailedResult {
  readonly kind: 'failed';
  readonly error: Error;
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
export type Result = DoneResult | RequeueAfterResult | PollResult | FailedResult | TerminalResult;

/** Every way one reconcile can end, as reported to metrics: the result kinds plus a throw or an abort. */
export type OutcomeKind = Result['kind'] | 'error' | 'aborted';

/** What the engine hands each reconcile besides the key. */
export interface ReconcileContext {
  /** Aborted when a stop's drain times out. */
  readonly signal: AbortSignal;
  /**
   * The `carry` of the key's previous result when it was a done, poll or requeueAfter that
   * had one, else undefined (after failed, terminal, a throw, or a restart of the process).
   */
  readonly carry: unknown;
  /** A process-unique id of this pass (for logs). */
  readonly passId: string;
}

/** The `done` result, optionally carrying `carry` to the key's next reconcile. */
export function done(carry?: unknown): DoneResult {
  return carry === undefined ? { kind: 'done' } : { kind: 'done', carry };
}

/** A `requeueAfter` result for `ms` milliseconds because of `reason`. */
export function requeueAfter(ms: number, reason: string, carry?: unknown): RequeueAfterResult {
  return carry === undefined
    ? { kind: 'requeueAfter', ms, reason }
    : { kind: 'requeueAfter', ms, reason, carry };
}

/** A `poll` result waiting on `token`. */
export function poll(token: string, reason: string, carry?: unknown): PollResult {
  return carry === undefined ? { kind: 'poll', token, reason } : { kind: 'poll', token, reason, carry };
}

/** A `failed` result carrying `error` (slow retry). */
export function failed(error: Error): FailedResult {
  return { kind: 'failed', error };
}

/** A `terminal` result carrying `error`. */
export function terminal(error: Error): TerminalResult {
  return { kind: 'terminal', error };
}
