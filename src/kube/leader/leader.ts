/**
 * Leader election over a `coordination.k8s.io/v1` Lease, with client-go's semantics: a
 * candidate campaigns every retryPeriod (jittered) until it holds the lease, then renews it
 * every retryPeriod. Leadership ends (`lost`) when no renewal has succeeded within
 * renewDeadline of the last successful one, or as soon as a read shows another holder;
 * `release` steps down so the next candidate takes over at once. Writes are conditional on
 * the resourceVersion read, so two candidates racing for the lease never both win.
 * Design: docs/adr/0007-leader-election.md.
 */
import type { Clock } from '../../engine/clock.js';
import { KubeApiError } from '../errors.js';
import { bounded } from './call.js';
import type { LeaseClient, LeaseSnapshot } from './client.js';
import {
  decideLease,
  holderSpec,
  releasedSpec,
  sameLeaseRecord,
  type LeaseDecision,
  type LeaseRecord,
} from './lease.js';
import {
  DEFAULT_LEADER_TIMING,
  JITTER_FACTOR,
  LeaderElectionConfigError,
  validTiming,
  type LeaderTiming,
} from './timing.js';
import type { Logger } from '../logger.js';
import {
  LeaderElectionStoppedError,
  LeadershipLostError,
  type Leadership,
  type LeadershipEnd,
} from './types.js';

export { DEFAULT_LEADER_TIMING, LeaderElectionConfigError, type LeaderTiming } from './timing.js';
export { LeaseCallTimeoutError } from './call.js';
export {
  LeaderElectionStoppedError,
  LeadershipLostError,
  type Leadership,
  type LeadershipEnd,
} from './types.js';

/** Options of {@link LeaderElector}. */
export interface LeaderElectorOptions {
  readonly client: LeaseClient;
  /** Unique per process (pod name plus a random suffix): two processes never share one. */
  readonly identity: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly timing?: Partial<LeaderTiming>;
  /** A number in [0, 1) spreading campaign retries (default Math.random). */
  readonly jitter?: () => number;
}

type WriteDecision = Exclude<LeaseDecision, { kind: 'wait' }>;

type Attempt =
  | { readonly kind: 'holding'; readonly sentAtMs: number }
  | { readonly kind: 'waiting'; readonly holder: string };

/** See the file comment. The constructor only validates; `campaign` starts the work. */
export class LeaderElector {
  private readonly timing: LeaderTiming;
  private readonly what: string;
  /** The Lease as last read or written, and when its record was first seen in that form. */
  private snapshot: LeaseSnapshot | null = null;
  private observed: { readonly record: LeaseRecord | null; readonly atMs: number } | undefined;
  private lastWaitedFor = '';
  private leaseSeenBefore = false;

  constructor(private readonly options: LeaderElectorOptions) {
    if (options.identity === '') throw new LeaderElectionConfigError('leader election: identity is empty');
    this.timing = validTiming({ ...DEFAULT_LEADER_TIMING, ...options.timing });
    this.what = `lease ${options.client.ref.namespace}/${options.client.ref.name}`;
  }

  /**
   * Campaigns until this candidate holds the lease and resolves with the Leadership (renewed
   * from then on); rejects with LeaderElectionStoppedError when `signal` aborts first.
   * Errors reading or writing the lease are logged and retried, never thrown.
   */
  async campaign(signal: AbortSignal): Promise<Leadership> {
    const { clock, logger, identity } = this.options;
    const retryMs = this.timing.retryPeriodMs;
    logger.info({ lease: this.what, identity }, 'leader election: campaigning');
    for (;;) {
      try {
        // Rejects at once when `signal` is already aborted.
        const attempt = await this.tryAcquireOrRenew(signal, {
          budgetMs: this.timing.renewDeadlineMs,
          renewOnly: false,
        });
        if (attempt.kind === 'holding') return this.lead(attempt.sentAtMs);
        this.noteWaiting(attempt.holder);
      } catch (err) {
        if (signal.aborted) throw this.stopped();
        logger.warn({ lease: this.what, err }, 'leader election: lease call failed; retrying');
      }
      const jitter = Math.min(Math.max((this.options.jitter ?? Math.random)(), 0), 1);
      await clock.sleep(retryMs * (1 + JITTER_FACTOR * jitter), signal).catch(() => {
        throw this.stopped();
      });
    }
  }

  private stopped(): LeaderElectionStoppedError {
    return new LeaderElectionStoppedError(`leader election for ${this.what} stopped before acquiring it`);
  }

  private noteWaiting(holder: string): void {
    if (holder === this.lastWaitedFor) return;
    this.lastWaitedFor = holder;
    this.options.logger.info(
      { lease: this.what, holder },
      'leader election: lease held by another candidate',
    );
  }

  /** Records a read or write; a changed record restarts the expiry wait (client-go's observedTime). */
  private observe(snapshot: LeaseSnapshot | null): void {
    const record = snapshot?.record ?? null;
    if (this.observed === undefined || !sameLeaseRecord(this.observed.record, record)) {
      this.observed = { record, atMs: this.options.clock.now() };
    }
    this.snapshot = snapshot;
    if (snapshot !== null) this.leaseSeenBefore = true;
  }

  /**
   * One round of client-go's tryAcquireOrRenew: read, decide, write. A 409 means another
   * writer came first: the lease is read again once to learn who holds it now. With
   * `renewOnly` (while leading) only our own lease is written: a lease that is gone, free or
   * someone else's means our leadership was broken, and is reported as `waiting`.
   */
  private async tryAcquireOrRenew(
    parent: AbortSignal,
    limit: { readonly budgetMs: number; readonly renewOnly: boolean },
  ): Promise<Attempt> {
    const { client, clock, identity } = this.options;
    const sentAtMs = clock.now();
    return bounded(clock, { ms: limit.budgetMs, parent, what: this.what }, async (signal) => {
      for (let round = 0; ; round++) {
        const current = await client.get(signal);
        this.observe(current);
        const decision = this.decide(current, limit.renewOnly);
        if (decision.kind === 'waiting') return decision;
        const terms = { identity, nowMs: clock.now(), leaseDurationSeconds: this.leaseSeconds() };
        const spec = holderSpec(current?.record ?? null, decision, terms);
        try {
          const written =
            current === null
              ? await client.create(spec, signal)
              : await client.replace(current, spec, signal);
          this.observe(written);
          if (decision.kind !== 'renew') this.logAcquired(decision, written);
          return { kind: 'holding', sentAtMs };
        } catch (err) {
          if (round > 0 || !(err instanceof KubeApiError && err.isConflict)) throw err;
        }
      }
    });
  }

  /** What to do with the lease as read: a write, or who holds it (`waiting`). */
  private decide(
    current: LeaseSnapshot | null,
    renewOnly: boolean,
  ): WriteDecision | Extract<Attempt, { kind: 'waiting' }> {
    const { clock, identity } = this.options;
    const decision = decideLease({
      record: current?.record ?? null,
      identity,
      observedAtMs: this.observed?.atMs ?? clock.now(),
      nowMs: clock.now(),
      defaultLeaseDurationSeconds: this.leaseSeconds(),
      leaseSeenBefore: this.leaseSeenBefore,
    });
    if (decision.kind === 'wait') return { kind: 'waiting', holder: decision.holder };
    if (renewOnly && decision.kind !== 'renew') {
      const holder = current?.record.holderIdentity ?? '';
      return { kind: 'waiting', holder: holder === '' ? '(nobody: the lease is gone or free)' : holder };
    }
    return decision;
  }

  private leaseSeconds(): number {
    return Math.ceil(this.timing.leaseDurationMs / 1000);
  }

  private logAcquired(decision: Exclude<WriteDecision, { kind: 'renew' }>, written: LeaseSnapshot): void {
    const previous = decision.kind === 'takeOver' ? decision.previousHolder : null;
    this.options.logger.info(
      {
        lease: this.what,
        identity: this.options.identity,
        previous,
        transitions: written.record.leaseTransitions,
      },
      'leader election: acquired the lease',
    );
  }

  private lead(sentAtMs: number): Leadership {
    const stop = new AbortController();
    let leading = true;
    const ended = this.renewUntilEnd(sentAtMs, stop.signal).then((end) => {
      leading = false;
      return end;
    });
    let releasing: Promise<void> | undefined;
    return {
      identity: this.options.identity,
      ended,
      isLeading: () => leading,
      release: () =>
        (releasing ??= (async () => {
          stop.abort(new LeaderElectionStoppedError(`releasing ${this.what}`));
          if ((await ended).kind === 'released') await this.writeRelease();
        })()),
    };
  }

  /** Renews every retryPeriod; ends `lost` at lastSuccess + renewDeadline or on a foreign holder. */
  private async renewUntilEnd(firstSentAtMs: number, stop: AbortSignal): Promise<LeadershipEnd> {
    const { clock, logger } = this.options;
    let lastSentAtMs = firstSentAtMs;
    let lastError: unknown = undefined;
    for (;;) {
      const deadlineMs = lastSentAtMs + this.timing.renewDeadlineMs;
      const pause = Math.min(this.timing.retryPeriodMs, Math.max(0, deadlineMs - clock.now()));
      const slept = await clock.sleep(pause, stop).then(
        () => true,
        () => false,
      );
      if (!slept) return { kind: 'released' };
      const budgetMs = deadlineMs - clock.now();
      if (budgetMs <= 0)
        return this.lost(`no successful renewal within ${this.timing.renewDeadlineMs} ms`, lastError);
      try {
        const attempt = await this.tryAcquireOrRenew(stop, { budgetMs, renewOnly: true });
        if (attempt.kind === 'waiting')
          return this.lost(`the lease is now held by ${attempt.holder}`, undefined);
        lastSentAtMs = attempt.sentAtMs;
        lastError = undefined;
      } catch (err) {
        if (stop.aborted) return { kind: 'released' };
        lastError = err;
        logger.warn({ lease: this.what, err }, 'leader election: renewal failed; retrying');
      }
    }
  }

  private lost(reason: string, cause: unknown): LeadershipEnd {
    const error = new LeadershipLostError(
      `lost ${this.what} (identity ${this.options.identity}): ${reason}`,
      {
        cause,
      },
    );
    this.options.logger.error({ lease: this.what, err: error }, 'leader election: leadership lost');
    return { kind: 'lost', error };
  }

  /** Writes the released spec if the lease is still ours; one re-read after a 409. */
  private async writeRelease(): Promise<void> {
    const { client, clock, logger, identity } = this.options;
    const never = new AbortController().signal;
    try {
      await bounded(
        clock,
        { ms: this.timing.renewDeadlineMs, parent: never, what: this.what },
        async (signal) => {
          for (let round = 0; round < 2; round++) {
            const current = round === 0 ? this.snapshot : await client.get(signal);
            if (round > 0) this.observe(current);
            if (current?.record.holderIdentity !== identity) return;
            try {
              this.observe(await client.replace(current, releasedSpec(current.record, clock.now()), signal));
              logger.info({ lease: this.what, identity }, 'leader election: released the lease');
              return;
            } catch (err) {
              if (round > 0 || !(err instanceof KubeApiError && err.isConflict)) throw err;
            }
          }
        },
      );
    } catch (err) {
      logger.warn(
        { lease: this.what, err },
        'leader election: release failed; the lease will expire instead',
      );
    }
  }
}
