import { describe, expect, it } from 'vitest';
import { FakeClock, FakeClockRunawayError } from '../../support/fake-clock.js';

describe('FakeClock', () => {
  it('fires due timers in time order, ties in scheduling order, and stops at the target', async () => {
    const clock = new FakeClock(1000);
    const fired: string[] = [];
    clock.setTimer(30, () => fired.push(`c@${clock.now()}`));
    clock.setTimer(10, () => fired.push(`a@${clock.now()}`));
    clock.setTimer(10, () => fired.push(`b@${clock.now()}`));
    clock.setTimer(50, () => fired.push(`late@${clock.now()}`));
    await clock.advance(30);
    expect(fired).toEqual(['a@1010', 'b@1010', 'c@1030']);
    expect(clock.now()).toBe(1030);
    expect(clock.pendingTimers()).toBe(1);
  });

  it('lets promise chains started by one timer progress before the next fires', async () => {
    const clock = new FakeClock();
    const seen: string[] = [];
    clock.setTimer(5, () => {
      void Promise.resolve()
        .then(() => Promise.resolve())
        .then(() => seen.push('chain'));
    });
    clock.setTimer(6, () => seen.push('second'));
    await clock.advance(10);
    expect(seen).toEqual(['chain', 'second']);
  });

  it('fires timers scheduled by timers within the same advance', async () => {
    const clock = new FakeClock();
    const at: number[] = [];
    clock.setTimer(10, () => {
      at.push(clock.now());
      clock.setTimer(10, () => at.push(clock.now()));
    });
    await clock.advance(25);
    expect(at).toEqual([10, 20]);
  });

  it('clearTimer cancels; sleep resolves on time and rejects on abort', async () => {
    const clock = new FakeClock();
    let fired = false;
    const handle = clock.setTimer(5, () => (fired = true));
    clock.clearTimer(handle);
    clock.clearTimer(handle);
    let slept = false;
    const sleep = clock.sleep(100).then(() => (slept = true));
    await clock.advance(99);
    expect(slept).toBe(false);
    await clock.advance(1);
    await sleep;
    expect({ fired, slept }).toEqual({ fired: false, slept: true });

    const abort = new AbortController();
    const aborted = clock.sleep(100, abort.signal);
    abort.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect(clock.pendingTimers()).toBe(0);
  });

  it('runAll jumps to every timer and detects runaway rescheduling', async () => {
    const clock = new FakeClock();
    const at: number[] = [];
    clock.setTimer(1000, () => at.push(clock.now()));
    clock.setTimer(5, () => at.push(clock.now()));
    await clock.runAll();
    expect(at).toEqual([5, 1000]);

    const loop = (): void => {
      clock.setTimer(1, loop);
    };
    loop();
    await expect(clock.runAll(50)).rejects.toBeInstanceOf(FakeClockRunawayError);
  });
});
