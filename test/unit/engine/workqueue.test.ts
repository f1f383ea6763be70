import { describe, expect, it } from 'vitest';
import { exponentialBackoffLimiter } from '../../../src/engine/ratelimit.js';
import { SHUTDOWN, WorkQueue, type Shutdown } from '../../../src/engine/workqueue.js';
import { FakeClock } from '../../support/fake-clock.js';

function newQueue(clock = new FakeClock()): { clock: FakeClock; queue: WorkQueue<string> } {
  const rateLimiter = exponentialBackoffLimiter<string>({ baseMs: 5, maxMs: 1000 });
  return { clock, queue: new WorkQueue<string>({ clock, rateLimiter }) };
}

/** Takes every queued key right now (the queue is non-empty, so `get` resolves at once). */
async function takeAll(queue: WorkQueue<string>): Promise<string[]> {
  const keys: string[] = [];
  while (queue.len() > 0) {
    const key = await queue.get();
    if (key === SHUTDOWN) break;
    keys.push(key);
  }
  return keys;
}

describe('WorkQueue basics', () => {
  it('hands keys out in FIFO order', async () => {
    const { queue } = newQueue();
    for (const key of ['a', 'b', 'c', 'd']) queue.add(key);
    expect(await takeAll(queue)).toEqual(['a', 'b', 'c', 'd']);
    expect(queue.inFlight()).toBe(4);
  });

  it('coalesces a key added again while pending, keeping its first position', async () => {
    const { queue } = newQueue();
    queue.add('a');
    queue.add('b');
    queue.add('a');
    queue.add('a');
    expect(queue.len()).toBe(2);
    expect(await takeAll(queue)).toEqual(['a', 'b']);
  });

  it('does not hand out a key being processed; re-queues it at done if added meanwhile', async () => {
    const { queue } = newQueue();
    queue.add('a');
    expect(await queue.get()).toBe('a');
    queue.add('a');
    queue.add('a');
    expect(queue.len()).toBe(0);
    queue.add('b');
    expect(await takeAll(queue)).toEqual(['b']);
    queue.done('a');
    expect(queue.len()).toBe(1);
    expect(await queue.get()).toBe('a');
    queue.done('a');
    expect([queue.len(), queue.inFlight() - 1]).toEqual([0, 0]);
  });

  it('done without a later add forgets the key; done of an unknown key is a no-op', async () => {
    const { queue } = newQueue();
    queue.add('a');
    await queue.get();
    queue.done('a');
    queue.done('a');
    queue.done('never-added');
    expect([queue.len(), queue.inFlight()]).toEqual([0, 0]);
  });

  it('serves waiting consumers in call order as keys arrive', async () => {
    const { queue } = newQueue();
    const got: string[] = [];
    const first = queue.get().then((k) => got.push(`first:${String(k)}`));
    const second = queue.get().then((k) => got.push(`second:${String(k)}`));
    queue.add('x');
    queue.add('y');
    await Promise.all([first, second]);
    expect(got).toEqual(['first:x', 'second:y']);
  });

  it('an aborted get resolves SHUTDOWN and does not swallow the next key', async () => {
    const { queue } = newQueue();
    const abort = new AbortController();
    const aborted = queue.get(abort.signal);
    abort.abort();
    expect(await aborted).toBe(SHUTDOWN);
    const next = queue.get();
    queue.add('a');
    expect(await next).toBe('a');
    expect(await queue.get(abort.signal)).toBe(SHUTDOWN);
  });
});

describe('WorkQueue delays', () => {
  it('addAfter releases keys at their time, in time order', async () => {
    const { clock, queue } = newQueue();
    queue.addAfter('late', 300);
    queue.addAfter('early', 100);
    queue.addAfter('mid', 200);
    await clock.advance(99);
    expect(queue.len()).toBe(0);
    expect(queue.delayedCount()).toBe(3);
    await clock.advance(201);
    expect(await takeAll(queue)).toEqual(['early', 'mid', 'late']);
    expect(queue.delayedCount()).toBe(0);
  });

  it('an earlier addAfter wins over a later one, and a later one does not postpone', async () => {
    const { clock, queue } = newQueue();
    queue.addAfter('a', 500);
    queue.addAfter('a', 100);
    queue.addAfter('a', 900);
    await clock.advance(100);
    expect(await takeAll(queue)).toEqual(['a']);
    queue.done('a');
    await clock.advance(10_000);
    expect(queue.len()).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('addAfter with a non-positive (or NaN) delay adds now', async () => {
    const { queue } = newQueue();
    queue.addAfter('a', 0);
    queue.addAfter('b', -5);
    queue.addAfter('c', Number.NaN);
    expect(await takeAll(queue)).toEqual(['a', 'b', 'c']);
  });

  it('a delayed key that is already queued is coalesced when released', async () => {
    const { clock, queue } = newQueue();
    queue.add('a');
    queue.addAfter('a', 50);
    await clock.advance(50);
    expect(queue.len()).toBe(1);
  });

  it('addRateLimited backs off exponentially until forget', async () => {
    const { clock, queue } = newQueue();
    const releasedAt: number[] = [];
    for (let i = 0; i < 4; i++) {
      queue.addRateLimited('a');
      const started = clock.now();
      while (queue.len() === 0) await clock.advance(1);
      releasedAt.push(clock.now() - started);
      await queue.get();
      queue.done('a');
    }
    expect(releasedAt).toEqual([5, 10, 20, 40]);
    expect(queue.numRequeues('a')).toBe(4);
    queue.forget('a');
    expect(queue.numRequeues('a')).toBe(0);
  });
});

describe('WorkQueue shutdown', () => {
  it('shutDown wakes idle consumers, refuses new keys, drops delayed ones, still hands out queued ones', async () => {
    const { clock, queue } = newQueue();
    const idle = queue.get();
    queue.shutDown();
    expect(await idle).toBe(SHUTDOWN);

    const { queue: q2, clock: c2 } = newQueue(clock);
    q2.add('queued');
    q2.addAfter('delayed', 10);
    q2.shutDown();
    q2.add('refused');
    await c2.advance(100);
    const results: (string | Shutdown)[] = [await q2.get(), await q2.get()];
    expect(results).toEqual(['queued', SHUTDOWN]);
    expect(q2.isShuttingDown()).toBe(true);
  });

  it('shutDownWithDrain resolves only once in-flight keys are done', async () => {
    const { queue } = newQueue();
    queue.add('a');
    queue.add('b');
    await takeAll(queue);
    let drained = false;
    const drain = queue.shutDownWithDrain().then(() => (drained = true));
    queue.done('a');
    await Promise.resolve();
    expect(drained).toBe(false);
    queue.done('b');
    await drain;
    expect(drained).toBe(true);
    await expect(newQueue().queue.shutDownWithDrain()).resolves.toBeUndefined();
  });
});
