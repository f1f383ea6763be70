/**
 * A deterministic `Clock` for tests: time only moves when the test calls `advance`/`runAll`,
 * and due timers fire in order (time, then scheduling order) with microtasks drained between
 * them, so promise chains started by one timer progress before the next fires.
 */
import { sleepWith, type Clock, type TimerHandle } from '../../src/engine/clock.js';

interface FakeTimer {
  readonly timerId: number;
  readonly at: number;
  readonly fn: () => void;
}

/** Thrown by `runAll` when timers keep rescheduling themselves past its iteration budget. */
export class FakeClockRunawayError extends Error {
  override readonly name = 'FakeClockRunawayError';
  constructor(limit: number) {
    super(`fake clock runAll: still pending timers after ${limit} firings (timer loop?)`);
  }
}

/** Lets every queued microtask (and promise chain) run; one macrotask turn, no wall-clock wait. */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Manual clock; starts at `startMs` (default 0). */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, FakeTimer>();

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const timerId = this.nextId++;
    this.timers.set(timerId, { timerId, at: this.current + Math.max(0, ms), fn });
    return { timerId };
  }

  clearTimer(handle: TimerHandle): void {
    this.timers.delete(handle.timerId);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }

  /** Number of timers scheduled and not yet fired or cleared. */
  pendingTimers(): number {
    return this.timers.size;
  }

  /** Drains microtasks without moving time. */
  flush(): Promise<void> {
    return flushMicrotasks();
  }

  /** Moves time forward by `ms`, firing every timer due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.current + Math.max(0, ms);
    await flushMicrotasks();
    for (let timer = this.nextDue(target); timer !== undefined; timer = this.nextDue(target)) {
      this.current = timer.at;
      this.timers.delete(timer.timerId);
      timer.fn();
      await flushMicrotasks();
    }
    this.current = target;
    await flushMicrotasks();
  }

  /** Fires timers (jumping time to each) until none is left; throws after `limit` firings. */
  async runAll(limit = 10_000): Promise<void> {
    await flushMicrotasks();
    for (let fired = 0; this.timers.size > 0; fired++) {
      if (fired >= limit) throw new FakeClockRunawayError(limit);
      const timer = this.nextDue(Number.POSITIVE_INFINITY);
      if (timer === undefined) break;
      await this.advance(timer.at - this.current);
    }
  }

  private nextDue(limit: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const timer of this.timers.values()) {
      // Map iteration is insertion (= scheduling) order, so `<` keeps ties in that order.
      if (timer.at <= limit && (best === undefined || timer.at < best.at)) best = timer;
    }
    return best;
  }
}
