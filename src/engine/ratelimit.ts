/**
 * Rate limiters deciding how long a key waits before it is retried (client-go's
 * `workqueue` limiters): per-key exponential backoff, an overall token bucket, and their
 * max-of combination. All time comes from an injected clock.
 */
import type { Clock } from './clock.js';
import { EngineConfigError } from './errors.js';

/** Decides retry delays. `when` records a failure; `forget` ends the key's failure history. */
export interface RateLimiter<K> {
  /** Delay (ms, >= 0) before `key` may be retried; counts one more requeue of `key`. */
  when(key: K): number;
  /** Clears `key`'s history (called after a success or a terminal outcome); idempotent. */
  forget(key: K): void;
  /** Times `key` has been requeued through `when` since it was last forgotten. */
  numRequeues(key: K): number;
}

/** Options of {@link exponentialBackoffLimiter}; defaults are client-go's (5 ms → 1000 s). */
export interface ExponentialBackoffOptions {
  readonly baseMs?: number;
  readonly maxMs?: number;
}

/** Per-key delay `baseMs * 2^failures`, capped at `maxMs`. Throws EngineConfigError on bad bounds. */
export function exponentialBackoffLimiter<K>(options: ExponentialBackoffOptions = {}): RateLimiter<K> {
  const baseMs = options.baseMs ?? 5;
  const maxMs = options.maxMs ?? 1_000_000;
  if (!(baseMs > 0) || !(maxMs >= baseMs)) {
    throw new EngineConfigError('exponential backoff', `need 0 < baseMs <= maxMs, got ${baseMs}, ${maxMs}`);
  }
  const failures = new Map<K, number>();
  return {
    when(key) {
      const exp = failures.get(key) ?? 0;
      failures.set(key, exp + 1);
      // 2 ** exp reaches Infinity for large exp; Math.min caps it without overflow surprises.
      return Math.min(maxMs, baseMs * 2 ** exp);
    },
    forget(key) {
      failures.delete(key);
    },
    numRequeues: (key) => failures.get(key) ?? 0,
  };
}

/** Options of {@link tokenBucketLimiter}; defaults are client-go's (10 qps, burst 100). */
export interface TokenBucketOptions {
  readonly clock: Clock;
  readonly qps?: number;
  readonly burst?: number;
}

/**
 * One bucket shared by all keys: `burst` tokens, refilled at `qps` per second. Each `when`
 * reserves a token and returns how long until it exists (0 while tokens remain). Keeps no
 * per-key history: `numRequeues` is 0 and `forget` does nothing.
 */
export function tokenBucketLimiter<K>(options: TokenBucketOptions): RateLimiter<K> {
  const { clock } = options;
  const qps = options.qps ?? 10;
  const burst = options.burst ?? 100;
  if (!(qps > 0) || !Number.isInteger(burst) || burst < 1) {
    throw new EngineConfigError('token bucket', `need qps > 0 and integer burst >= 1, got ${qps}, ${burst}`);
  }
  let tokens = burst;
  let last = clock.now();
  return {
    when() {
      const now = clock.now();
      tokens = Math.min(burst, tokens + (Math.max(0, now - last) * qps) / 1000);
      last = Math.max(last, now);
      tokens -= 1;
      return tokens >= 0 ? 0 : (-tokens * 1000) / qps;
    },
    forget() {
      // The bucket is shared; there is nothing per key to forget.
    },
    numRequeues: () => 0,
  };
}

/** Combines limiters: the longest delay wins and the highest requeue count is reported; all are told. */
export function maxOfLimiter<K>(...limiters: readonly RateLimiter<K>[]): RateLimiter<K> {
  if (limiters.length === 0) throw new EngineConfigError('max-of limiter', 'needs at least one limiter');
  return {
    when(key) {
      // Every limiter must record the failure, so no short-circuiting.
      return limiters.reduce((longest, limiter) => Math.max(longest, limiter.when(key)), 0);
    },
    forget(key) {
      for (const limiter of limiters) limiter.forget(key);
    },
    numRequeues: (key) => limiters.reduce((most, limiter) => Math.max(most, limiter.numRequeues(key)), 0),
  };
}

/**
 * Spreads `inner`'s delays: each is multiplied by a factor drawn from [1, 1 + fraction)
 * (`random` returns [0, 1)), so keys that failed together do not all retry at once.
 */
export function jitteredLimiter<K>(
  inner: RateLimiter<K>,
  options: { readonly fraction: number; readonly random: () => number },
): RateLimiter<K> {
  if (!(options.fraction >= 0)) {
    throw new EngineConfigError('jittered limiter', `need fraction >= 0, got ${options.fraction}`);
  }
  return {
    when: (key) => inner.when(key) * (1 + options.fraction * options.random()),
    forget: (key) => {
      inner.forget(key);
    },
    numRequeues: (key) => inner.numRequeues(key),
  };
}

/** client-go's default controller limiter: max of 5 ms → 1000 s per-key backoff and a 10 qps / 100 bucket. */
export function defaultControllerRateLimiter<K>(clock: Clock): RateLimiter<K> {
  return maxOfLimiter<K>(exponentialBackoffLimiter<K>(), tokenBucketLimiter<K>({ clock }));
}
