import { describe, expect, it } from 'vitest';
import { EngineConfigError } from '../../../src/engine/errors.js';
import {
  defaultControllerRateLimiter,
  exponentialBackoffLimiter,
  maxOfLimiter,
  tokenBucketLimiter,
} from '../../../src/engine/ratelimit.js';
import { FakeClock } from '../../support/fake-clock.js';

describe('exponentialBackoffLimiter', () => {
  it('doubles from the base per key up to the cap, counting requeues', () => {
    const limiter = exponentialBackoffLimiter<string>({ baseMs: 5, maxMs: 100 });
    const delays = Array.from({ length: 7 }, () => limiter.when('a'));
    expect(delays).toEqual([5, 10, 20, 40, 80, 100, 100]);
    expect(limiter.numRequeues('a')).toBe(7);
    expect(limiter.when('b')).toBe(5);
  });

  it('forget resets the sequence for that key only', () => {
    const limiter = exponentialBackoffLimiter<string>({ baseMs: 5, maxMs: 100 });
    limiter.when('a');
    limiter.when('a');
    limiter.when('b');
    limiter.forget('a');
    expect(limiter.numRequeues('a')).toBe(0);
    expect(limiter.when('a')).toBe(5);
    expect(limiter.when('b')).toBe(10);
  });

  it('defaults to 5 ms and caps at 1000 s without overflowing', () => {
    const limiter = exponentialBackoffLimiter<string>();
    expect(limiter.when('k')).toBe(5);
    let last = 0;
    for (let i = 0; i < 2000; i++) last = limiter.when('k');
    expect(last).toBe(1_000_000);
  });

  it('rejects impossible bounds', () => {
    expect(() => exponentialBackoffLimiter({ baseMs: 0 })).toThrow(EngineConfigError);
    expect(() => exponentialBackoffLimiter({ baseMs: 10, maxMs: 5 })).toThrow(EngineConfigError);
  });
});

describe('tokenBucketLimiter', () => {
  it('lets a burst through, then spaces reservations by 1/qps', () => {
    const clock = new FakeClock();
    const limiter = tokenBucketLimiter<string>({ clock, qps: 10, burst: 3 });
    const delays = Array.from({ length: 6 }, (_, i) => limiter.when(`k${i}`));
    expect(delays.slice(0, 3)).toEqual([0, 0, 0]);
    expect(delays[3]).toBeCloseTo(100);
    expect(delays[4]).toBeCloseTo(200);
    expect(delays[5]).toBeCloseTo(300);
  });

  it('refills with time but never above the burst', async () => {
    const clock = new FakeClock();
    const limiter = tokenBucketLimiter<string>({ clock, qps: 10, burst: 2 });
    limiter.when('a');
    limiter.when('a');
    await clock.advance(100);
    expect(limiter.when('a')).toBe(0);
    expect(limiter.when('a')).toBeCloseTo(100);
    await clock.advance(60_000);
    expect([limiter.when('a'), limiter.when('a')]).toEqual([0, 0]);
    expect(limiter.when('a')).toBeCloseTo(100);
    expect(limiter.numRequeues('a')).toBe(0);
  });

  it('defaults to 10 qps with a burst of 100', () => {
    const clock = new FakeClock();
    const limiter = tokenBucketLimiter<number>({ clock });
    const delays = Array.from({ length: 101 }, (_, i) => limiter.when(i));
    expect(delays.filter((d) => d === 0)).toHaveLength(100);
    expect(delays[100]).toBeCloseTo(100);
  });

  it('rejects impossible settings', () => {
    const clock = new FakeClock();
    expect(() => tokenBucketLimiter({ clock, qps: 0 })).toThrow(EngineConfigError);
    expect(() => tokenBucketLimiter({ clock, burst: 0 })).toThrow(EngineConfigError);
    expect(() => tokenBucketLimiter({ clock, burst: 1.5 })).toThrow(EngineConfigError);
  });
});

describe('maxOfLimiter', () => {
  it('returns the longest delay, tells every limiter, and forgets in all', () => {
    const clock = new FakeClock();
    const limiter = maxOfLimiter<string>(
      exponentialBackoffLimiter({ baseMs: 5, maxMs: 1000 }),
      tokenBucketLimiter({ clock, qps: 1, burst: 2 }),
    );
    // Bucket: 0, 0, 1000, 2000; backoff: 5, 10, 20, 40.
    const delays = [limiter.when('a'), limiter.when('a'), limiter.when('a'), limiter.when('a')];
    expect(delays[0]).toBe(5);
    expect(delays[1]).toBe(10);
    expect(delays[2]).toBeCloseTo(1000);
    expect(delays[3]).toBeCloseTo(2000);
    expect(limiter.numRequeues('a')).toBe(4);
    limiter.forget('a');
    expect(limiter.numRequeues('a')).toBe(0);
  });

  it('needs at least one limiter', () => {
    expect(() => maxOfLimiter()).toThrow(EngineConfigError);
  });

  it('the default controller limiter starts at 5 ms per key', () => {
    const limiter = defaultControllerRateLimiter<string>(new FakeClock());
    expect([limiter.when('a'), limiter.when('a'), limiter.when('b')]).toEqual([5, 10, 5]);
  });
});
