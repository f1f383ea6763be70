/**
 * Property tests over random sequences of queue operations, checking the client-go contract:
 * never two in flight for one key, nothing handed out that nobody asked for, every key added is
 * processed after its last add (nothing lost), and FIFO hand-out order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exponentialBackoffLimiter } from '../../../src/engine/ratelimit.js';
import { SHUTDOWN, WorkQueue, type Shutdown } from '../../../src/engine/workqueue.js';
import { FakeClock } from '../../support/fake-clock.js';

type Op =
  | { readonly t: 'add'; readonly key: string }
  | { readonly t: 'addAfter'; readonly key: string; readonly ms: number }
  | { readonly t: 'addRateLimited'; readonly key: string }
  | { readonly t: 'get' }
  | { readonly t: 'done'; readonly pick: number }
  | { readonly t: 'advance'; readonly ms: number };

const keyArb = fc.constantFrom('a', 'b', 'c', 'd');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('add' as const), key: keyArb }),
  fc.record({ t: fc.constant('addAfter' as const), key: keyArb, ms: fc.integer({ min: -5, max: 60 }) }),
  fc.record({ t: fc.constant('addRateLimited' as const), key: keyArb }),
  fc.record({ t: fc.constant('get' as const) }),
  fc.record({ t: fc.constant('done' as const), pick: fc.nat() }),
  fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 40 }) }),
);

/** The test's view of the world, updated as operations run and as `get` promises resolve. */
class Harness {
  readonly clock = new FakeClock();
  readonly queue = new WorkQueue<string>({
    clock: this.clock,
    rateLimiter: exponentialBackoffLimiter({ baseMs: 5, maxMs: 40 }),
  });
  readonly inFlight: string[] = [];
  /** Keys added (or whose delay elapsed) and not handed out since. */
  readonly owed = new Set<string>();
  /** Model of pending delayed adds: key -> ready time (the earliest request wins). */
  readonly delayed = new Map<string, number>();
  readonly violations: string[] = [];

  startGet(): void {
    void this.queue.get().then((key) => {
      this.onHandedOut(key);
    });
  }

  onHandedOut(key: string | Shutdown): void {
    if (key === SHUTDOWN) return;
    if (this.inFlight.includes(key)) this.violations.push(`${key} handed out twice at once`);
    if (!this.owed.has(key)) this.violations.push(`${key} handed out without a pending add`);
    this.owed.delete(key);
    this.inFlight.push(key);
  }

  delay(key: string, ms: number): void {
    if (!(ms > 0)) {
      this.owed.add(key);
      return;
    }
    const readyAt = this.clock.now() + ms;
    const existing = this.delayed.get(key);
    if (existing === undefined || readyAt < existing) this.delayed.set(key, readyAt);
  }

  /** Marks delays due by `now + ms` as owed before time moves (their gets resolve during the advance). */
  async advance(ms: number): Promise<void> {
    // Let hand-outs already resolved be recorded first, so they do not consume the new marks.
    await this.clock.flush();
    const target = this.clock.now() + ms;
    for (const [key, readyAt] of this.delayed) {
      if (readyAt <= target) {
        this.owed.add(key);
        this.delayed.delete(key);
      }
    }
    await this.clock.advance(ms);
  }

  async apply(op: Op): Promise<void> {
    switch (op.t) {
      case 'add':
        this.owed.add(op.key);
        this.queue.add(op.key);
        break;
      case 'addAfter':
        this.delay(op.key, op.ms);
        this.queue.addAfter(op.key, op.ms);
        break;
      case 'addRateLimited': {
        const before = this.clock.now();
        this.queue.addRateLimited(op.key);
        // Backoff is 5 * 2^(n-1) capped at 40; the model only needs the resulting time.
        this.delay(
          op.key,
          Math.min(40, 5 * 2 ** (this.queue.numRequeues(op.key) - 1)) - (this.clock.now() - before),
        );
        break;
      }
      case 'get':
        this.startGet();
        break;
      case 'done': {
        const key = this.inFlight.splice(op.pick % Math.max(1, this.inFlight.length), 1)[0];
        if (key !== undefined) this.queue.done(key);
        break;
      }
      case 'advance':
        await this.advance(op.ms);
        break;
    }
    await this.clock.flush();
    if (this.queue.delayedCount() !== this.delayed.size) {
      this.violations.push(`delayed keys: queue ${this.queue.delayedCount()}, model ${this.delayed.size}`);
    }
  }

  /** Finishes all work: done everything, let every delay elapse, take what is queued; repeat. */
  async settle(): Promise<void> {
    for (let round = 0; round < 100; round++) {
      for (const key of this.inFlight.splice(0)) this.queue.done(key);
      await this.advance(1_000);
      for (let i = this.queue.len(); i > 0; i--) this.startGet();
      await this.clock.flush();
      if (this.inFlight.length === 0 && this.queue.len() === 0 && this.queue.delayedCount() === 0) return;
    }
    this.violations.push('queue did not settle');
  }
}

describe('WorkQueue properties', () => {
  it('never hands one key out twice at once, and processes every key after its last add', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 40 }), async (ops) => {
        const h = new Harness();
        for (const op of ops) await h.apply(op);
        await h.settle();
        expect(h.violations).toEqual([]);
        expect([...h.owed]).toEqual([]);
        expect(h.delayed.size).toBe(0);
        h.queue.shutDown();
        await h.clock.flush();
        expect(h.clock.pendingTimers()).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('hands keys out in the order a reference FIFO model predicts (add/get/done only)', async () => {
    const simpleOp = fc.oneof(
      fc.record({ t: fc.constant('add' as const), key: keyArb }),
      fc.record({ t: fc.constant('get' as const) }),
      fc.record({ t: fc.constant('done' as const), pick: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(simpleOp, { maxLength: 40 }), async (ops) => {
        const clock = new FakeClock();
        const queue = new WorkQueue<string>({ clock });
        const actual: string[] = [];
        const inFlight: string[] = [];
        const model = {
          queue: [] as string[],
          dirty: new Set<string>(),
          processing: new Set<string>(),
          waiting: 0,
        };
        const expected: string[] = [];
        const handOut = (): void => {
          for (let key = model.queue[0]; key !== undefined && model.waiting > 0; key = model.queue[0]) {
            model.queue.shift();
            model.waiting--;
            model.dirty.delete(key);
            model.processing.add(key);
            expected.push(key);
          }
        };
        for (const op of ops) {
          if (op.t === 'add') {
            queue.add(op.key);
            if (!model.dirty.has(op.key)) {
              model.dirty.add(op.key);
              if (!model.processing.has(op.key)) model.queue.push(op.key);
            }
          } else if (op.t === 'get') {
            model.waiting++;
            void queue.get().then((key) => {
              if (key === SHUTDOWN) return;
              actual.push(key);
              inFlight.push(key);
            });
          } else {
            const key = inFlight.splice(op.pick % Math.max(1, inFlight.length), 1)[0];
            if (key !== undefined) {
              queue.done(key);
              model.processing.delete(key);
              if (model.dirty.has(key)) model.queue.push(key);
            }
          }
          handOut();
          await clock.flush();
        }
        expect(actual).toEqual(expected);
        expect(queue.len()).toBe(model.queue.length);
      }),
      { numRuns: 1000 },
    );
  });
});
