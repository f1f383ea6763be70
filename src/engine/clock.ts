/**
 * Time as an injected dependency: every timer, delay and timestamp in the engine goes through a
 * `Clock`, so tests drive time with a fake clock and never sleep.
 */

/** Opaque handle of one scheduled timer; only meaningful to the clock that issued it. */
export interface TimerHandle {
  readonly timerId: number;
}

/** A source of time and timers. Implementations keep no module-level state. */
export interface Clock {
  /** Current time in milliseconds (epoch for the system clock; arbitrary origin for fakes). */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds (negative counts as 0). */
  setTimer(ms: number, fn: () => void): TimerHandle;
  /** Cancels a timer; idempotent, a no-op for fired or unknown handles. */
  clearTimer(handle: TimerHandle): void;
  /** Resolves after `ms`; rejects with `signal.reason` as soon as `signal` aborts (or is already aborted). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Builds `sleep` from `setTimer`/`clearTimer`, so every clock shares one abort behaviour.
 * The timer is cleared and the abort listener removed whichever way the sleep ends.
 */
export function sleepWith(clock: Pick<Clock, 'setTimer' | 'clearTimer'>, ms: number, signal?: AbortSignal) {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clock.clearTimer(handle);
      reject(signal?.reason as Error);
    };
    const handle = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Node's setTimeout fires immediately for delays above 2^31-1 ms; longer timers are chained. */
const MAX_NODE_DELAY_MS = 2 ** 31 - 1;

/** The real clock: `Date.now()` and Node timers. Each call returns an independent instance. */
export function systemClock(): Clock {
  const timers = new Map<number, NodeJS.Timeout>();
  let nextId = 1;
  const arm = (timerId: number, dueAt: number, fn: () => void): void => {
    const remaining = Math.max(0, dueAt - Date.now());
    // An infinite delay never fires: keep the handle, schedule nothing.
    if (remaining === Number.POSITIVE_INFINITY) return;
    const timeout = setTimeout(
      () => {
        if (dueAt - Date.now() > 0 && remaining > MAX_NODE_DELAY_MS) {
          arm(timerId, dueAt, fn);
          return;
        }
        timers.delete(timerId);
        fn();
      },
      Math.min(remaining, MAX_NODE_DELAY_MS),
    );
    timers.set(timerId, timeout);
  };
  const clock: Clock = {
    now: () => Date.now(),
    setTimer(ms, fn) {
      const timerId = nextId++;
      arm(timerId, Date.now() + Math.max(0, ms), fn);
      return { timerId };
    },
    clearTimer(handle) {
      const timeout = timers.get(handle.timerId);
      if (timeout !== undefined) clearTimeout(timeout);
      timers.delete(handle.timerId);
    },
    sleep: (ms, signal) => sleepWith(clock, ms, signal),
  };
  return clock;
}
