import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/engine/observability.js';
import { runWhileLeading, type LeaderRunOutcome, type LeaderWork } from '../../../src/app/leader-run.js';
import { LeaseWorld, type Candidate } from '../kube/leader/harness.js';

/** One stretch of "reconciling" by one runner, in fake time. */
interface Interval {
  readonly who: string;
  readonly from: number;
  to: number | undefined;
  drainMs: number | undefined;
  ticks: number;
}

/** What every runner's work reports into: the shared record of who worked when. */
class WorkLog {
  active = 0;
  maxActive = 0;
  readonly intervals: Interval[] = [];
  readonly violations: string[] = [];

  constructor(private readonly world: LeaseWorld) {}

  /** A `start` for runner `who`: work that ticks every 500 ms and checks it holds the lease. */
  starter(who: string): () => Promise<LeaderWork> {
    const { clock } = this.world;
    return () => {
      this.active++;
      this.maxActive = Math.max(this.maxActive, this.active);
      const interval: Interval = { who, from: clock.now(), to: undefined, drainMs: undefined, ticks: 0 };
      this.intervals.push(interval);
      const tick = (): void => {
        interval.ticks++;
        const holder = this.world.leaseSpec().holderIdentity;
        if (holder !== who)
          this.violations.push(`${who} worked at ${clock.now()} while ${String(holder)} held the lease`);
        handle = clock.setTimer(500, tick);
      };
      let handle = clock.setTimer(500, tick);
      return Promise.resolve({
        stop: (drainMs?: number) => {
          clock.clearTimer(handle);
          interval.to = clock.now();
          interval.drainMs = drainMs;
          this.active--;
          return Promise.resolve();
        },
      });
    };
  }
}

interface Runner {
  readonly candidate: Candidate;
  readonly shutdown: AbortController;
  outcome: LeaderRunOutcome | undefined;
  error: unknown;
}

let world: LeaseWorld;
let log: WorkLog;
const runners: Runner[] = [];

beforeEach(async () => {
  world = await LeaseWorld.start();
  log = new WorkLog(world);
});
afterEach(async () => {
  for (const r of runners.splice(0)) r.shutdown.abort();
  await world.advance(1_000);
  await world.stop();
});

function runner(
  identity: string,
  extra: { start?: () => Promise<LeaderWork>; standby?: () => Promise<{ stop(): Promise<void> }> } = {},
): Runner {
  const candidate = world.candidate(identity);
  const r: Runner = { candidate, shutdown: new AbortController(), outcome: undefined, error: undefined };
  runners.push(r);
  runWhileLeading({
    elector: candidate.elector,
    start: extra.start ?? log.starter(identity),
    shutdown: r.shutdown.signal,
    clock: world.clock,
    logger: silentLogger(),
    lostDrainMs: 2_500,
    ...(extra.standby === undefined ? {} : { standby: extra.standby }),
  }).then(
    (outcome) => {
      r.outcome = outcome;
    },
    (error: unknown) => {
      r.error = error;
    },
  );
  return r;
}

describe('runWhileLeading', () => {
  it('two runners never work at the same time: loss, restart, graceful hand-over', async () => {
    const a = runner('pod-a_1');
    await world.advance(250);
    const b = runner('pod-b_2');
    await world.advance(10_000);
    expect(log.intervals.map((i) => i.who)).toEqual(['pod-a_1']);

    // A is cut off from the API server: it stops working, then B takes over.
    a.candidate.link.partitioned = true;
    await world.advance(20_000);
    expect(a.outcome?.kind).toBe('lost');
    expect(log.intervals.map((i) => i.who)).toEqual(['pod-a_1', 'pod-b_2']);

    // A's pod restarts (new identity) and waits; B shuts down and hands over at once.
    const a2 = runner('pod-a_3');
    await world.advance(6_000);
    b.shutdown.abort();
    await world.advance(3_000);
    expect(b.outcome).toEqual({ kind: 'shutdown' });
    expect(a2.outcome).toBeUndefined();
    expect(log.intervals.map((i) => i.who)).toEqual(['pod-a_1', 'pod-b_2', 'pod-a_3']);

    expect(log.violations).toEqual([]);
    expect(log.maxActive).toBe(1);
    for (const [before, after] of log.intervals
      .slice(0, -1)
      .map((iv, k) => [iv, log.intervals[k + 1]] as const)) {
      expect(before.to).toBeDefined();
      expect(after?.from).toBeGreaterThanOrEqual(before.to ?? Number.POSITIVE_INFINITY);
      expect(before.ticks).toBeGreaterThan(0);
    }
  });

  it('losing the lease stops the work within the loss drain budget and reports lost', async () => {
    const a = runner('pod-a_1');
    await world.advance(3_000);
    a.candidate.link.partitioned = true;
    await world.advance(12_000);
    expect(a.outcome?.kind).toBe('lost');
    expect(a.outcome?.kind === 'lost' ? a.outcome.error.name : '').toBe('LeadershipLostError');
    expect(log.intervals).toMatchObject([{ who: 'pod-a_1', drainMs: 2_500 }]);
    expect(log.active).toBe(0);
  });

  it('a shutdown while waiting ends the campaign: the work never starts, the standby stops', async () => {
    runner('pod-a_1');
    await world.advance(250);
    const standbyLog: string[] = [];
    const b = runner('pod-b_2', {
      standby: () => {
        standbyLog.push('up');
        return Promise.resolve({
          stop: () => {
            standbyLog.push('down');
            return Promise.resolve();
          },
        });
      },
    });
    await world.advance(4_000);
    expect(standbyLog).toEqual(['up']);
    b.shutdown.abort();
    await world.advance(250);
    expect(b.outcome).toEqual({ kind: 'shutdown' });
    expect(standbyLog).toEqual(['up', 'down']);
    expect(log.intervals.map((i) => i.who)).toEqual(['pod-a_1']);
  });

  it('stops the standby before starting the work', async () => {
    const order: string[] = [];
    const starter = log.starter('pod-a_1');
    runner('pod-a_1', {
      standby: () => {
        order.push('standby up');
        return Promise.resolve({
          stop: () => {
            order.push('standby down');
            return Promise.resolve();
          },
        });
      },
      start: () => {
        order.push('start');
        return starter();
      },
    });
    await world.advance(250);
    expect(order).toEqual(['standby up', 'standby down', 'start']);
  });

  it('a start that fails releases the lease and rejects', async () => {
    const a = runner('pod-a_1', { start: () => Promise.reject(new Error('cloud unreachable')) });
    await world.advance(250);
    expect(a.error).toBeInstanceOf(Error);
    expect(world.leaseSpec().holderIdentity).toBe('');
  });

  it('a lease lost while the work is still starting stops that work as soon as it exists', async () => {
    let finishStart: (() => void) | undefined;
    const starter = log.starter('pod-a_1');
    const a = runner('pod-a_1', {
      start: () =>
        new Promise<LeaderWork>((resolve) => {
          finishStart = () => {
            void starter().then(resolve);
          };
        }),
    });
    await world.advance(250);
    a.candidate.link.partitioned = true;
    await world.advance(12_000);
    expect(a.outcome?.kind).toBe('lost');
    finishStart?.();
    await world.advance(250);
    expect(log.intervals).toMatchObject([{ who: 'pod-a_1', drainMs: 0 }]);
    expect(log.intervals[0]?.to).toBeDefined();
    expect(log.active).toBe(0);
  });

  it('a terminal failure of the work stops it, releases the lease for a standby and reports failed', async () => {
    const starter = log.starter('pod-a_1');
    let fail: ((err: Error) => void) | undefined;
    const a = runner('pod-a_1', {
      start: async () => {
        const work = await starter();
        const failure = new Promise<never>((_resolve, reject) => {
          fail = reject;
        });
        return { stop: (ms?: number) => work.stop(ms), failure };
      },
    });
    await world.advance(250);
    const b = runner('pod-b_2');
    await world.advance(3_000);
    expect(log.intervals.map((i) => i.who)).toEqual(['pod-a_1']);
    const cause = new Error('service subnet 1234 not found');
    fail?.(cause);
    await world.advance(250);
    expect(a.outcome).toEqual({ kind: 'failed', error: cause });
    expect(log.intervals[0]).toMatchObject({ who: 'pod-a_1', drainMs: 0 });
    // Released, not left to expire: the standby leads within one retry period.
    await world.advance(3_000);
    expect(log.intervals.map((i) => i.who)).toEqual(['pod-a_1', 'pod-b_2']);
    expect(b.outcome).toBeUndefined();
    expect(log.violations).toEqual([]);
  });

  it('work whose failure promise resolves keeps running', async () => {
    const starter = log.starter('pod-a_1');
    const a = runner('pod-a_1', {
      start: async () => {
        const work = await starter();
        return { stop: (ms?: number) => work.stop(ms), failure: Promise.resolve() };
      },
    });
    await world.advance(5_000);
    expect(a.outcome).toBeUndefined();
    expect(log.active).toBe(1);
  });
});
