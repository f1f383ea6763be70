/**
 * What a reconcile's {@link Result} means for its key's next turn: when it runs again (a poll
 * grows its delay while the same token stays busy; a failure retries slowly, jittered) and
 * what `carry` it gets. The {@link Controller} owns the workers; this owns the pacing.
 */
import { alignedDelay, PollLimiter, type PollTiming } from './poll-limiter.js';
import { exponentialBackoffLimiter, jitteredLimiter, type RateLimiter } from './ratelimit.js';
import type { Result } from './result.js';
import type { QueueKey } from './workqueue.js';

/** Settings of {@link NextTurns}. */
export interface NextTurnOptions<K> {
  /** Delays of `poll` results (default DEFAULT_POLL_TIMING). */
  readonly pollTiming?: PollTiming;
  /** Delays of `failed` results; defaults to 1 min doubling up to 10 min, jittered by `random`. */
  readonly slowRetry?: RateLimiter<K>;
  /** [0, 1) source for the default slow retry's jitter. */
  readonly random: () => number;
  /** Now, in ms: aligned polls (`pollTiming.align`) land on multiples of their delay. */
  readonly now?: () => number;
}

/** The next run of a key: after `ms`, or none (`done`, `terminal`). */
export type NextTurn = { readonly afterMs: number } | null;

/** Per-key pacing state across results; see the file comment. */
export class NextTurns<K extends QueueKey> {
  private readonly polls: PollLimiter<K>;
  private readonly slow: RateLimiter<K>;
  private readonly align: (delayMs: number) => number;
  /** The `carry` of each key's last done / poll / requeueAfter result. */
  private readonly carried = new Map<K, unknown>();

  constructor(options: NextTurnOptions<K>) {
    this.polls = new PollLimiter<K>(options.pollTiming);
    const now = options.now;
    this.align =
      options.pollTiming?.align === true && now !== undefined
        ? (delayMs) => alignedDelay(now(), delayMs)
        : (delayMs) => delayMs;
    this.slow =
      options.slowRetry ??
      jitteredLimiter(exponentialBackoffLimiter<K>({ baseMs: 60_000, maxMs: 600_000 }), {
        fraction: 0.2,
        random: options.random,
      });
  }

  /** Keys whose next pass starts without a carry, whatever a pass in flight now returns. */
  private readonly fresh = new Set<K>();

  /** The carry the key's next pass gets (from its last done / poll / requeueAfter result). */
  carry(key: K): unknown {
    if (this.fresh.delete(key)) {
      this.carried.delete(key);
      return undefined;
    }
    return this.carried.get(key);
  }

  /** The key's next pass to start gets no carry, even one a pass in flight now leaves. */
  startAfresh(key: K): void {
    this.fresh.add(key);
  }

  /** A pass threw: its carry is dropped (the retry starts afresh). */
  threw(key: K): void {
    this.carried.delete(key);
  }

  /** Records `result` for `key` and says when it runs next. */
  after(key: K, result: Result): NextTurn {
    const carries = result.kind === 'poll' || result.kind === 'requeueAfter' || result.kind === 'done';
    if (carries && result.carry !== undefined) {
      this.carried.set(key, result.carry);
    } else {
      this.carried.delete(key);
    }
    if (result.kind !== 'poll') this.polls.forget(key);
    if (result.kind !== 'failed') this.slow.forget(key);
    switch (result.kind) {
      case 'requeueAfter':
        return { afterMs: result.ms };
      case 'poll':
        return { afterMs: this.align(this.polls.when(key, result.token)) };
      case 'failed':
        return { afterMs: this.slow.when(key) };
      default:
        return null;
    }
  }
}
