/**
 * A work queue with client-go's contract (`util/workqueue`):
 * - fair: keys are handed out in the order they were (effectively) added;
 * - stingy: a key added again while it waits is coalesced into one entry;
 * - a key is never handed out twice at once: one added while being processed is queued again
 *   only when `done(key)` is called for it;
 * - delaying (`addAfter`, the earliest requested time wins) and rate limited (`addRateLimited`);
 * - shutdown: `shutDown()` refuses new keys and wakes idle consumers; queued keys are still handed
 *   out until the queue is empty; `shutDownWithDrain()` additionally waits for in-flight keys.
 */
import type { Clock } from './clock.js';
import { DelayedAdds } from './delayed-adds.js';
import { Fifo } from './fifo.js';
import { defaultControllerRateLimiter, type RateLimiter } from './ratelimit.js';

/** What `get` resolves to once the queue is shut down and empty (or the caller's signal aborted). */
export const SHUTDOWN: unique symbol = Symbol('workqueue.shutdown');
export type Shutdown = typeof SHUTDOWN;

/** Dependencies of a {@link WorkQueue}. */
export interface WorkQueueOptions<K extends QueueKey> {
  readonly clock: Clock;
  /** Used by `addRateLimited`/`forget`/`numRequeues`; defaults to client-go's controller limiter. */
  readonly rateLimiter?: RateLimiter<K>;
}

/** Keys may be any non-nullish value compared by identity (`Map` semantics); usually strings. */
export type QueueKey = string | number | bigint | boolean | symbol | object;

type Waiter<K> = (value: K | Shutdown) => void;

/** See the file comment for the contract. Constructing it schedules nothing. */
export class WorkQueue<K extends QueueKey> {
  private readonly queue = new Fifo<K>();
  /** Keys that need processing: exactly the queued ones plus in-flight ones added again. */
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  /** Idle consumers in call order (a Set keeps insertion order and drops aborted ones in O(1)). */
  private readonly waiters = new Set<Waiter<K>>();
  private readonly drainWaiters: (() => void)[] = [];
  private readonly delayed: DelayedAdds<K>;
  private readonly limiter: RateLimiter<K>;
  private readonly clock: Clock;
  private shuttingDown = false;

  constructor(options: WorkQueueOptions<K>) {
    this.clock = options.clock;
    this.limiter = options.rateLimiter ?? defaultControllerRateLimiter<K>(options.clock);
    this.delayed = new DelayedAdds<K>(this.clock, (key) => {
      this.add(key);
    });
  }

  /** Marks `key` as needing processing. Idempotent while pending; ignored after shutdown. */
  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.dispatch();
  }

  /** Adds `key` after `ms` (now when `ms <= 0`); an earlier pending time for the key wins. */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown) return;
    // `!(ms > 0)` also sends NaN here: a nonsensical delay must not lose the key.
    if (!(ms > 0)) {
      this.add(key);
      return;
    }
    this.delayed.schedule(key, this.clock.now() + ms);
  }

  /** Adds `key` after the rate limiter's delay, counting one more requeue of it. */
  addRateLimited(key: K): void {
    this.addAfter(key, this.limiter.when(key));
  }

  /** Ends `key`'s backoff history (after success or a terminal outcome); does not remove it from the queue. */
  forget(key: K): void {
    this.limiter.forget(key);
  }

  /** How many times `key` went through `addRateLimited` since it was last forgotten. */
  numRequeues(key: K): number {
    return this.limiter.numRequeues(key);
  }

  /**
   * Resolves with the next key, marking it in flight until `done(key)`. Resolves `SHUTDOWN` when
   * the queue is shut down and empty, or when `signal` aborts (the caller should stop consuming).
   * Concurrent callers are served in call order.
   */
  get(signal?: AbortSignal): Promise<K | Shutdown> {
    if (signal?.aborted === true) return Promise.resolve(SHUTDOWN);
    const key = this.take();
    if (key !== undefined) return Promise.resolve(key);
    if (this.shuttingDown) return Promise.resolve(SHUTDOWN);
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.waiters.delete(waiter);
        resolve(SHUTDOWN);
      };
      const waiter: Waiter<K> = (value) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  /** Ends processing of `key`; if it was added meanwhile it is queued again. No-op if not in flight. */
  done(key: K): void {
    if (!this.processing.delete(key)) return;
    if (this.dirty.has(key)) {
      this.queue.push(key);
      this.dispatch();
    }
    if (this.processing.size === 0) this.wakeDrainers();
  }

  /** Number of keys waiting to be handed out (neither delayed nor in flight). */
  len(): number {
    return this.queue.length;
  }

  /** Number of keys currently handed out and not yet `done`. */
  inFlight(): number {
    return this.processing.size;
  }

  /** Number of keys waiting for an `addAfter`/`addRateLimited` time. */
  delayedCount(): number {
    return this.delayed.size;
  }

  /** True once `shutDown` or `shutDownWithDrain` was called. */
  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Refuses new keys, drops delayed ones and wakes idle consumers with `SHUTDOWN`. Idempotent. */
  shutDown(): void {
    this.shuttingDown = true;
    this.delayed.clear();
    // Waiters only exist while the queue is empty, so each of them is told to stop.
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const waiter of waiters) waiter(SHUTDOWN);
  }

  /** `shutDown`, then resolves once no key is in flight (queued keys are not waited for). */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private take(): K | undefined {
    const key = this.queue.shift();
    if (key === undefined) return undefined;
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  private dispatch(): void {
    for (const waiter of this.waiters) {
      const key = this.take();
      if (key === undefined) return;
      this.waiters.delete(waiter);
      waiter(key);
    }
  }

  private wakeDrainers(): void {
    for (const resolve of this.drainWaiters.splice(0)) resolve();
  }
}
