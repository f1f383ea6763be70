/**
 * Runs the controller only while this process holds the leader lease. It campaigns (with a
 * standby ops endpoint, so probes see a live process), starts the work once the lease is
 * held, and ends one of two ways:
 * - `shutdown` (SIGTERM): the work drains while the lease is still renewed, then the lease is
 *   released so a standby replica takes over at once;
 * - `lost` (renewal failed past renewDeadline, or another holder): the work is stopped within
 *   a short drain budget and the caller exits non-zero, like client-go's OnStoppedLeading, so
 *   the pod restarts and campaigns again. The work is never started or kept without the lease;
 * - `failed` (the work reports a terminal failure of its own, e.g. a configured subnet that
 *   answers 404): the work is stopped, the lease released so a standby takes over at once, and
 *   the caller exits non-zero with the work's error, as an unelected run would.
 */
import type { Clock } from '../engine/clock.js';
import type { EngineLogger } from '../engine/observability.js';
import {
  LeaderElectionStoppedError,
  type LeaderElector,
  type Leadership,
  type LeadershipEnd,
  type LeadershipLostError,
} from '../kube/leader/leader.js';

/** The leader's work (the running controller). */
export interface LeaderWork {
  /** Stops it; in-flight work gets `drainTimeoutMs` before it is aborted. */
  stop(drainTimeoutMs?: number): Promise<void>;
  /** Rejects when the work fails on its own and cannot go on; its resolving means nothing. */
  readonly failure?: Promise<unknown>;
}

/** Something served while waiting for the lease (the standby ops endpoint). */
export interface Standby {
  stop(): Promise<void>;
}

/** Options of {@link runWhileLeading}. */
export interface LeaderRunOptions {
  readonly elector: Pick<LeaderElector, 'campaign'>;
  /** Starts the work; called once, only after the lease is held. */
  readonly start: () => Promise<LeaderWork>;
  /** Aborted on SIGTERM/SIGINT. */
  readonly shutdown: AbortSignal;
  /** Started before campaigning, stopped before `start` (e.g. to hand its port over). */
  readonly standby?: () => Promise<Standby>;
  readonly clock: Clock;
  readonly logger: EngineLogger;
  /** Drain budget once the lease is lost: well inside leaseDuration − renewDeadline. */
  readonly lostDrainMs: number;
  /** Drain budget on shutdown (default: the work's own). */
  readonly shutdownDrainMs?: number;
  /** Told true once the lease is held, false the moment leadership ends (lost or released). */
  readonly onLeading?: (leads: boolean) => void;
}

/** How a leader run ended. */
export type LeaderRunOutcome =
  | { readonly kind: 'shutdown' }
  | { readonly kind: 'lost'; readonly error: LeadershipLostError }
  | { readonly kind: 'failed'; readonly error: unknown };

const outcomeOf = (end: LeadershipEnd): LeaderRunOutcome =>
  end.kind === 'lost' ? { kind: 'lost', error: end.error } : { kind: 'shutdown' };

/**
 * Campaign, lead, stop: see the file comment. Resolves `shutdown` when `shutdown` aborts
 * (before or after acquiring), `lost` when leadership is lost. Rejects only when `start`
 * rejects (the lease is released first) or the standby cannot start.
 */
export async function runWhileLeading(options: LeaderRunOptions): Promise<LeaderRunOutcome> {
  const leadership = await acquire(options);
  if (leadership === null) return { kind: 'shutdown' };
  options.onLeading?.(true);
  void leadership.ended.then(() => options.onLeading?.(false));
  options.logger.info({ identity: leadership.identity }, 'leading: starting the controller');
  const started = await startLeading(options, leadership);
  if (started.kind !== 'running') return started;
  return holdUntilEnd(options, leadership, started.work);
}

async function acquire(options: LeaderRunOptions): Promise<Leadership | null> {
  const standby = options.standby === undefined ? null : await options.standby();
  try {
    return await options.elector.campaign(options.shutdown);
  } catch (err) {
    if (err instanceof LeaderElectionStoppedError) return null;
    throw err;
  } finally {
    await standby?.stop();
  }
}

type Started = { readonly kind: 'running'; readonly work: LeaderWork } | LeaderRunOutcome;

async function startLeading(options: LeaderRunOptions, leadership: Leadership): Promise<Started> {
  const starting = options.start();
  const first = await Promise.race([
    starting.then((work) => ({ kind: 'running', work }) as const),
    leadership.ended.then((end) => ({ kind: 'ended', end }) as const),
  ]).catch(async (err: unknown) => {
    await leadership.release();
    throw err;
  });
  if (first.kind === 'running') return first;
  // Lost while starting: stop the work the moment it exists.
  void starting.then(
    (work) => stopWithin(options, work, 0),
    () => undefined,
  );
  return outcomeOf(first.end);
}

/** Resolves (with null) once `signal` aborts. */
export function whenAborted(signal: AbortSignal): Promise<null> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(null);
    else
      signal.addEventListener(
        'abort',
        () => {
          resolve(null);
        },
        { once: true },
      );
  });
}

async function holdUntilEnd(
  options: LeaderRunOptions,
  leadership: Leadership,
  work: LeaderWork,
): Promise<LeaderRunOutcome> {
  const first = await Promise.race([whenAborted(options.shutdown), leadership.ended, failureOf(work)]);
  if (first?.kind === 'failed') {
    await stopWithin(options, work, 0);
    await leadership.release();
    return first;
  }
  if (first !== null) {
    await stopWithin(options, work, options.lostDrainMs);
    return outcomeOf(first);
  }
  options.logger.info({ identity: leadership.identity }, 'leading: shutting down');
  // Drain while the lease is still renewed; if it is lost meanwhile, stop waiting.
  const drained = work.stop(options.shutdownDrainMs).then(() => null);
  const during = await Promise.race([drained, leadership.ended]);
  if (during?.kind === 'lost') return outcomeOf(during);
  await leadership.release();
  return { kind: 'shutdown' };
}

/** Resolves with the work's terminal failure; never resolves when there is none. */
function failureOf(work: LeaderWork): Promise<{ readonly kind: 'failed'; readonly error: unknown }> {
  return new Promise((resolve) => {
    work.failure?.catch((error: unknown) => {
      resolve({ kind: 'failed', error });
    });
  });
}

/** `work.stop(drainMs)`, waiting for it at most one second longer than the drain. */
async function stopWithin(options: LeaderRunOptions, work: LeaderWork, drainMs: number): Promise<void> {
  const cap = new AbortController();
  const limit = options.clock.sleep(drainMs + 1000, cap.signal).catch(() => undefined);
  const stopped = work.stop(drainMs).catch((err: unknown) => {
    options.logger.warn({ err }, 'stopping the controller after losing the lease failed');
  });
  await Promise.race([stopped, limit]);
  cap.abort();
}
