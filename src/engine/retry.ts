/**
 * Retrying one start-up step until it succeeds: a growing, jittered delay between attempts
 * (base ×2 up to the cap), one report per failed attempt, and an abort that ends the wait.
 */
import type { Clock } from './clock.js';

/** Options of {@link retryUntilDone}. */
export interface RetryOptions {
  readonly clock: Clock;
  readonly signal: AbortSignal;
  /** First delay (default 1 s) and cap (default 30 s). */
  readonly baseMs?: number;
  readonly maxMs?: number;
  /** [0, 1) source for the jitter (up to +20 %). */
  readonly random: () => number;
  /** Told about each failure before the wait (attempt counts from 1). */
  readonly onFailure: (err: unknown, attempt: number, delayMs: number) => void;
}

/** Runs `step` until it resolves; rejects only with the signal's reason when it aborts. */
export async function retryUntilDone<T>(
  step: (signal: AbortSignal) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const base = options.baseMs ?? 1000;
  const cap = options.maxMs ?? 30_000;
  for (let attempt = 1; ; attempt++) {
    options.signal.throwIfAborted();
    try {
      return await step(options.signal);
    } catch (err) {
      options.signal.throwIfAborted();
      const delay = Math.min(cap, base * 2 ** Math.min(attempt - 1, 30)) * (1 + 0.2 * options.random());
      options.onFailure(err, attempt, Math.round(delay));
      await options.clock.sleep(delay, options.signal);
    }
  }
}
