/**
 * The per-key poll delay of `poll` results: a key waiting on the same thing (the same
 * `token`) waits longer each time, so a load balancer that stays busy is looked at less and
 * less often; waiting on something else starts again from the base. Bounded by the keys
 * that are polling; forgotten when the key's reconcile ends otherwise.
 */
import { EngineConfigError } from './errors.js';

/** Settings of {@link PollLimiter}. */
export interface PollTiming {
  /** First delay for a token (ms, > 0). */
  readonly baseMs: number;
  /** The cap (ms, >= baseMs). */
  readonly maxMs: number;
  /** Growth per repeated poll of the same token (>= 1; 1 = fixed delay). */
  readonly factor: number;
  /**
   * Land each poll on the nearest multiple of its delay on the clock (`alignedDelay`), so keys
   * polling at the same delay poll at the same moments and can share one read (default false).
   */
  readonly align?: boolean;
}

/**
 * `delayMs` moved so that `now + result` is the multiple of `delayMs` nearest to
 * `now + delayMs`: between half and one and a half delays, a delay on average. Pure.
 */
export function alignedDelay(now: number, delayMs: number): number {
  const target = Math.round((now + delayMs) / delayMs) * delayMs;
  return Math.max(Math.ceil(delayMs / 2), target - now);
}

/** Defaults: 2 s, growing ×1.5 up to 10 s (kuryr.conf pending_requeue_ms / pending_requeue_max_ms). */
export const DEFAULT_POLL_TIMING: PollTiming = { baseMs: 2000, maxMs: 10_000, factor: 1.5 };

interface Entry {
  readonly token: string;
  readonly delayMs: number;
}

/** See the module comment. Keeps no clock: delays only. */
export class PollLimiter<K> {
  private readonly entries = new Map<K, Entry>();

  constructor(private readonly timing: PollTiming = DEFAULT_POLL_TIMING) {
    const { baseMs, maxMs, factor } = timing;
    if (!(baseMs > 0) || !(maxMs >= baseMs) || !(factor >= 1)) {
      throw new EngineConfigError(
        'poll limiter',
        `need 0 < baseMs <= maxMs and factor >= 1, got ${baseMs}, ${maxMs}, ${factor}`,
      );
    }
  }

  /** The delay before `key` polls `token` again; grows while the token repeats. */
  when(key: K, token: string): number {
    const previous = this.entries.get(key);
    const { baseMs, maxMs, factor } = this.timing;
    const delayMs =
      previous?.token === token
        ? Math.min(maxMs, Math.max(baseMs, Math.round(previous.delayMs * factor)))
        : baseMs;
    this.entries.set(key, { token, delayMs });
    return delayMs;
  }

  /** Ends `key`'s poll history; idempotent. */
  forget(key: K): void {
    this.entries.delete(key);
  }

  /** Keys currently remembered. */
  get size(): number {
    return this.entries.size;
  }
}
