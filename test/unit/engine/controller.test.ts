import { describe, expect, it } from 'vitest';
import { Controller, type ControllerOptions, type Reconcile } from '../../../src/engine/controller.js';
import {
  ControllerDrainTimeoutError,
  ControllerStateError,
  ReconcileThrewError,
} from '../../../src/engine/errors.js';
import type { ControllerMetrics } from '../../../src/engine/observability.js';
import { exponentialBackoffLimiter } from '../../../src/engine/ratelimit.js';
import { done, requeueAfter, terminal, type OutcomeKind, type Result } from '../../../src/engine/result.js';
import { FakeClock } from '../../support/fake-clock.js';

/** Metrics that keep what they were told, so tests can assert the recorded state. */
class RecordingMetrics implements ControllerMetrics {
  readonly reconciles: { durationMs: number; outcome: OutcomeKind }[] = [];
  retries = 0;
  lastDepth = 0;
  observeReconcile(_controller: string, durationMs: number, outcome: OutcomeKind): void {
    this.reconciles.push({ durationMs, outcome });
  }
  queueDepth(_controller: string, depth: number): void {
    this.lastDepth = depth;
  }
  retry(): void {
    this.retries++;
  }
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  readonly resolve: (value: T) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Runs `fn` as a reconcile body: its return value resolves, its throw rejects. */
function settle(fn: () => Result): Promise<Result> {
  return Promise.resolve().then(fn);
}

/** A controller over string keys with a fast, deterministic backoff and recording hooks. */
function setup(reconcile: Reconcile<string>, extra: Partial<ControllerOptions<string>> = {}) {
  const clock = new FakeClock();
  const metrics = new RecordingMetrics();
  const errors: { key: string; message: string; attempt: number }[] = [];
  const terminals: { key: string; message: string }[] = [];
  const controller = new Controller<string>({
    name: 'test',
    clock,
    reconcile,
    metrics,
    rateLimiter: exponentialBackoffLimiter({ baseMs: 5, maxMs: 1000 }),
    onError: (key, error, attempt) => errors.push({ key, message: error.message, attempt }),
    onTerminal: (key, error) => terminals.push({ key, message: error.message }),
    ...extra,
  });
  return { clock, metrics, errors, terminals, controller };
}

describe('Controller results', () => {
  it('retries thrown errors with exponential backoff, reporting attempts, and forgets on success', async () => {
    const calls: number[] = [];
    let failuresLeft = 3;
    const { clock, controller, errors, metrics } = setup(() =>
      settle(() => {
        calls.push(clock.now());
        if (failuresLeft-- > 0) throw new Error('octavia 503');
        return done();
      }),
    );
    controller.start();
    controller.enqueue('ns/svc');
    await clock.advance(1000);
    expect(calls).toEqual([0, 5, 15, 35]);
    expect(errors.map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(errors[0]).toEqual({ key: 'ns/svc', message: 'octavia 503', attempt: 1 });
    expect(metrics.retries).toBe(3);
    expect(metrics.reconciles.map((r) => r.outcome)).toEqual(['error', 'error', 'error', 'done']);

    // Forgotten after success: the next failure starts the backoff over.
    failuresLeft = 1;
    const start = clock.now();
    controller.enqueue('ns/svc');
    await clock.advance(1000);
    expect(calls.slice(4).map((t) => t - start)).toEqual([0, 5]);
    expect(errors.at(-1)?.attempt).toBe(1);
  });

  it('requeueAfter looks again after the delay without counting a failure', async () => {
    const calls: number[] = [];
    const script: (() => Result)[] = [
      () => {
        throw new Error('transient');
      },
      () => requeueAfter(2000, 'load balancer PENDING_CREATE'),
      () => {
        throw new Error('transient again');
      },
      () => done(),
    ];
    const { clock, controller, errors, metrics } = setup(() =>
      settle(() => {
        const step = script[calls.length] ?? (() => done());
        calls.push(clock.now());
        return step();
      }),
    );
    controller.start();
    controller.enqueue('k');
    await clock.advance(10_000);
    expect(calls).toEqual([0, 5, 2005, 2010]);
    expect(errors.map((e) => e.attempt)).toEqual([1, 1]);
    expect(metrics.reconciles.map((r) => r.outcome)).toEqual(['error', 'requeueAfter', 'error', 'done']);
  });

  it('terminal is reported once and not retried until the key is added again', async () => {
    let calls = 0;
    const { clock, controller, terminals } = setup(() =>
      settle(() => {
        calls++;
        return terminal(new Error('annotation loadbalancer-ip is not an IP'));
      }),
    );
    controller.start();
    controller.enqueue('ns/bad');
    await clock.advance(3_600_000);
    expect(calls).toBe(1);
    expect(terminals).toEqual([{ key: 'ns/bad', message: 'annotation loadbalancer-ip is not an IP' }]);
    expect(controller.stats()).toEqual({ queued: 0, inFlight: 0, delayed: 0 });
    controller.enqueue('ns/bad');
    await clock.flush();
    expect(calls).toBe(2);
  });

  it('wraps non-Error throws and survives hooks that throw', async () => {
    let calls = 0;
    const seen: unknown[] = [];
    const { clock, controller } = setup(
      () =>
        settle(() => {
          calls++;
          if (calls === 1) throw 'a string'; // eslint-disable-line @typescript-eslint/only-throw-error
          return done();
        }),
      {
        onError: (_key, error) => {
          seen.push(error);
          throw new Error('hook bug');
        },
      },
    );
    controller.start();
    controller.enqueue('k');
    await clock.advance(100);
    expect(calls).toBe(2);
    expect(seen[0]).toBeInstanceOf(ReconcileThrewError);
    expect((seen[0] as Error).cause).toBe('a string');
  });

  it('records reconcile durations from the injected clock', async () => {
    const { clock, controller, metrics } = setup(async (_key, { signal }) => {
      await clock.sleep(250, signal);
      return done();
    });
    controller.start();
    controller.enqueue('k');
    await clock.advance(250);
    expect(metrics.reconciles).toEqual([{ durationMs: 250, outcome: 'done' }]);
    expect(metrics.lastDepth).toBe(0);
  });
});

describe('Controller carries', () => {
  it("hands a done result's carry to the key's next pass; enqueueFresh drops it, enqueue does not", async () => {
    const seen: unknown[] = [];
    const { clock, controller } = setup((_key, ctx) =>
      settle(() => {
        seen.push(ctx.carry);
        return done({ pass: seen.length });
      }),
    );
    controller.start();
    controller.enqueue('ns/svc');
    await clock.flush();
    controller.enqueue('ns/svc');
    await clock.flush();
    controller.enqueueFresh('ns/svc');
    await clock.flush();
    controller.enqueue('ns/svc');
    await clock.flush();
    expect(seen).toEqual([undefined, { pass: 1 }, undefined, { pass: 3 }]);
  });

  it('a pass in flight when enqueueFresh is called leaves no carry to the pass after it', async () => {
    const seen: unknown[] = [];
    const gate = deferred<null>();
    const { clock, controller } = setup(async (_key, ctx) => {
      seen.push(ctx.carry);
      if (seen.length === 2) await gate.promise;
      return done({ pass: seen.length });
    });
    controller.start();
    controller.enqueue('k');
    await clock.flush();
    controller.enqueue('k');
    await clock.flush();
    controller.enqueueFresh('k');
    gate.resolve(null);
    await clock.flush();
    expect(seen).toEqual([undefined, { pass: 1 }, undefined]);
  });
});

describe('Controller concurrency', () => {
  it('runs up to N keys at once, never one key twice, and re-runs a key added while in flight', async () => {
    const gates = new Map<string, Deferred<Result>>();
    const running = new Set<string>();
    const runs: string[] = [];
    let maxRunning = 0;
    const violations: string[] = [];
    const { clock, controller } = setup(
      async (key) => {
        if (running.has(key)) violations.push(`${key} concurrently`);
        running.add(key);
        runs.push(key);
        maxRunning = Math.max(maxRunning, running.size);
        const gate = deferred<Result>();
        gates.set(key, gate);
        const result = await gate.promise;
        running.delete(key);
        return result;
      },
      { workers: 3 },
    );
    for (const key of ['a', 'b', 'c', 'd', 'e']) controller.enqueue(key);
    controller.enqueue('a');
    controller.start();
    await clock.flush();
    expect(runs).toEqual(['a', 'b', 'c']);
    controller.enqueue('a');
    await clock.flush();
    expect(runs).toEqual(['a', 'b', 'c']);
    gates.get('a')?.resolve(done());
    await clock.flush();
    expect(runs).toEqual(['a', 'b', 'c', 'd']);
    for (const key of ['b', 'c', 'd']) gates.get(key)?.resolve(done());
    await clock.flush();
    expect(runs).toEqual(['a', 'b', 'c', 'd', 'e', 'a']);
    for (const key of ['e', 'a']) gates.get(key)?.resolve(done());
    await clock.flush();
    expect({ maxRunning, violations, stats: controller.stats() }).toEqual({
      maxRunning: 3,
      violations: [],
      stats: { queued: 0, inFlight: 0, delayed: 0 },
    });
  });
});

describe('Controller lifecycle', () => {
  it('stop drains in-flight reconciles, takes no new keys, and cannot restart', async () => {
    const gate = deferred<Result>();
    let signalSeen: AbortSignal | undefined;
    const started: string[] = [];
    const { clock, controller } = setup(async (key, { signal }) => {
      started.push(key);
      signalSeen = signal;
      return gate.promise;
    });
    controller.start();
    controller.start();
    controller.enqueue('a');
    controller.enqueue('b');
    await clock.flush();
    let result: unknown;
    const stopping = controller.stop({ drainTimeoutMs: 5000 }).then((r) => (result = r));
    controller.enqueue('c');
    await clock.advance(4000);
    expect(result).toBeUndefined();
    gate.resolve(done());
    await stopping;
    expect(result).toEqual({ drained: true, aborted: [] });
    expect(signalSeen?.aborted).toBe(false);
    expect(started).toEqual(['a']);
    expect(clock.pendingTimers()).toBe(0);
    expect(() => {
      controller.start();
    }).toThrow(ControllerStateError);
    expect(await controller.stop()).toEqual({ drained: true, aborted: [] });
  });

  it('aborts in-flight reconciles when the drain times out', async () => {
    const signals: AbortSignal[] = [];
    const { clock, controller, metrics, errors } = setup(
      async (_key, { signal }) => {
        signals.push(signal);
        await new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            reject(signal.reason as Error);
          });
        });
        return done();
      },
      { workers: 2 },
    );
    controller.start();
    controller.enqueue('x');
    controller.enqueue('y');
    await clock.flush();
    let result: unknown;
    const stopping = controller.stop({ drainTimeoutMs: 1000 }).then((r) => (result = r));
    await clock.advance(999);
    expect(result).toBeUndefined();
    await clock.advance(1);
    await stopping;
    expect(result).toEqual({ drained: false, aborted: ['x', 'y'] });
    expect(signals.map((s) => s.reason instanceof ControllerDrainTimeoutError)).toEqual([true, true]);
    await clock.flush();
    expect(metrics.reconciles.map((r) => r.outcome)).toEqual(['aborted', 'aborted']);
    expect(errors).toEqual([]);
  });

  it('stops promptly when idle, and before start', async () => {
    const { clock, controller } = setup(() => Promise.resolve(done()), { workers: 4 });
    controller.start();
    await clock.flush();
    expect(await controller.stop({ drainTimeoutMs: 1000 })).toEqual({ drained: true, aborted: [] });
    expect(clock.pendingTimers()).toBe(0);
    const never = setup(() => Promise.resolve(done()));
    expect(await never.controller.stop()).toEqual({ drained: true, aborted: [] });
  });
});
