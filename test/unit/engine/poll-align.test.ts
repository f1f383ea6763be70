/**
 * Aligned polls (src/engine/poll-limiter.ts `align`): each poll lands on a multiple of its
 * delay on the clock, so keys that poll at the same delay poll at the same moments (and the
 * Service reconciler's polls then share one list, src/openstack/heads.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NextTurns } from '../../../src/engine/next-turn.js';
import { alignedDelay } from '../../../src/engine/poll-limiter.js';
import { poll } from '../../../src/engine/result.js';

describe('alignedDelay', () => {
  it('lands on a multiple of the delay, between half and one and a half delays away', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 42 }), fc.integer({ min: 1, max: 600_000 }), (now, d) => {
        const r = alignedDelay(now, d);
        expect(r).toBeGreaterThanOrEqual(Math.ceil(d / 2));
        expect(r).toBeLessThanOrEqual(Math.ceil(1.5 * d));
        // On a multiple unless the half-delay floor had to apply (rounding of odd delays).
        if (r > Math.ceil(d / 2)) expect((now + r) % d).toBe(0);
      }),
    );
  });
});

describe('NextTurns with aligned polls', () => {
  const timing = { baseMs: 2000, maxMs: 10_000, factor: 1.5 };

  const POLLS = 12;
  /** Due times of the polls of one key (each pass takes 37 ms), starting at `start`. */
  function dueTimes(turns: NextTurns<string>, key: string, start: number, clock: { t: number }) {
    const out: number[] = [];
    clock.t = start;
    for (let i = 0; i < POLLS; i++) {
      const next = turns.after(key, poll('busy:lb', 'PENDING_CREATE'));
      if (next === null) throw new Error('a poll has a next turn');
      clock.t += next.afterMs;
      out.push(clock.t);
      clock.t += 37; // the pass itself
    }
    return out;
  }

  it('two keys that started 700 ms apart poll at the same moments once at the cap', () => {
    const clock = { t: 0 };
    const turns = new NextTurns<string>({
      pollTiming: { ...timing, align: true },
      random: () => 0,
      now: () => clock.t,
    });
    const a = dueTimes(turns, 'a', 1_000_000, clock);
    const b = dueTimes(turns, 'b', 1_000_700, clock);
    expect(a.slice(-6)).toEqual(b.slice(-6));
    expect(a.slice(-6).every((t) => t % 10_000 === 0)).toBe(true);
  });

  it('without align the same keys never meet', () => {
    const clock = { t: 0 };
    const turns = new NextTurns<string>({ pollTiming: timing, random: () => 0, now: () => clock.t });
    const a = dueTimes(turns, 'a', 1_000_000, clock);
    const b = dueTimes(turns, 'b', 1_000_700, clock);
    expect(a.filter((t) => b.includes(t))).toEqual([]);
  });
});
