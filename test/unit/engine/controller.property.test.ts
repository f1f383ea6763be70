/**
 * Property test of the controller over random interleavings of enqueues, reconcile outcomes and
 * time: with several workers one key is never reconciled twice at once, and every key gets a
 * reconcile that started after its last enqueue, whatever the earlier outcomes were.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Controller } from '../../../src/engine/controller.js';
import { exponentialBackoffLimiter } from '../../../src/engine/ratelimit.js';
import { done, requeueAfter, terminal, type Result } from '../../../src/engine/result.js';
import { FakeClock } from '../../support/fake-clock.js';

type Outcome = 'done' | 'throw' | 'requeue' | 'terminal';
type Op =
  | { readonly t: 'enqueue'; readonly key: string }
  | { readonly t: 'finish'; readonly pick: number; readonly outcome: Outcome }
  | { readonly t: 'advance'; readonly ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('enqueue' as const), key: fc.constantFrom('a', 'b', 'c') }),
  fc.record({
    t: fc.constant('finish' as const),
    pick: fc.nat(),
    outcome: fc.constantFrom<Outcome>('done', 'throw', 'requeue', 'terminal'),
  }),
  fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 50 }) }),
);

interface Running {
  readonly key: string;
  readonly finish: (outcome: Outcome) => void;
}

function resultOf(outcome: Exclude<Outcome, 'throw'>): Result {
  switch (outcome) {
    case 'done':
      return done();
    case 'requeue':
      return requeueAfter(20, 'pending');
    case 'terminal':
      return terminal(new Error('bad input'));
  }
}

function harness() {
  const clock = new FakeClock();
  const running: Running[] = [];
  const violations: string[] = [];
  /** Logical time (op counter) of each key's last enqueue and last reconcile start. */
  const lastEnqueue = new Map<string, number>();
  const lastStart = new Map<string, number>();
  let tick = 0;
  const controller = new Controller<string>({
    name: 'prop',
    clock,
    workers: 2,
    rateLimiter: exponentialBackoffLimiter({ baseMs: 5, maxMs: 40 }),
    reconcile: (key) => {
      if (running.some((r) => r.key === key)) violations.push(`${key} reconciled twice at once`);
      lastStart.set(key, tick++);
      return new Promise<Result>((resolve, reject) => {
        running.push({
          key,
          finish: (outcome) => {
            if (outcome === 'throw') reject(new Error('transient'));
            else resolve(resultOf(outcome));
          },
        });
      });
    },
  });
  const enqueue = (key: string): void => {
    lastEnqueue.set(key, tick++);
    controller.enqueue(key);
  };
  return { clock, running, violations, lastEnqueue, lastStart, controller, enqueue };
}

describe('Controller properties', () => {
  it('never runs one key twice at once and always reconciles after the last enqueue', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 30 }), async (ops) => {
        const h = harness();
        h.controller.start();
        for (const op of ops) {
          if (op.t === 'enqueue') h.enqueue(op.key);
          else if (op.t === 'advance') await h.clock.advance(op.ms);
          else h.running.splice(op.pick % Math.max(1, h.running.length), 1)[0]?.finish(op.outcome);
          await h.clock.flush();
        }
        // Settle: everything now succeeds; let every backoff and requeue elapse.
        for (let round = 0; round < 50 && (h.running.length > 0 || h.clock.pendingTimers() > 0); round++) {
          for (const r of h.running.splice(0)) r.finish('done');
          await h.clock.advance(1000);
        }
        expect(h.violations).toEqual([]);
        expect(h.running).toEqual([]);
        for (const [key, enqueuedAt] of h.lastEnqueue) {
          expect(h.lastStart.get(key) ?? -1).toBeGreaterThan(enqueuedAt);
        }
        expect(await h.controller.stop({ drainTimeoutMs: 10 })).toEqual({ drained: true, aborted: [] });
      }),
      { numRuns: 1000 },
    );
  });
});
