/**
 * Per-reconciler memory of load balancers left busy (PENDING_*), keyed by load balancer
 * name: the growing requeue delay while the same one stays busy, and the licence for a
 * light poll (one GET of that load balancer instead of a full observation; see
 * src/services/light-poll.ts for when a pass may grant it). Bounded; time comes from the
 * caller (`deps.now()`), so tests never sleep.
 */
import type { ReconcilerTiming } from './deps.js';
import { RecentMap } from './recent-map.js';

/** Each pass that still finds the same load balancer busy waits this much longer (capped). */
export const PENDING_BACKOFF_FACTOR = 1.5;

/** At most this many names are remembered; the least recently touched go first. */
export const PENDING_MEMORY_CAPACITY = 10_000;

/**
 * Memory older than this many times `pendingRequeueMaxMs` is ignored: no pass looked for a
 * long while (the Service was skipped, invalid, or the queue was backed up), so what the
 * last pass knew may no longer hold.
 */
const STALE_AFTER_CAPS = 4;

/** How long memory of a load balancer is trusted without a new pass (see STALE_AFTER_CAPS). */
export function memoryMaxAgeMs(timing: PendingTiming): number {
  return STALE_AFTER_CAPS * Math.max(timing.pendingRequeueMs, timing.pendingRequeueMaxMs);
}

type PendingTiming = Pick<ReconcilerTiming, 'pendingRequeueMs' | 'pendingRequeueMaxMs'>;

interface Entry {
  readonly loadBalancerId: string;
  /** The delay given by the last pending pass; 0 after a write (the backoff starts over). */
  readonly delayMs: number;
  /** Fingerprint of the desired state under which a light poll may stand in for the plan. */
  readonly licence: string | null;
}

/** What a pass learnt about the load balancer it leaves busy. */
export interface BusyNote {
  readonly loadBalancerId: string;
  /** The desired fingerprint when skipping the plan is sound while it stays busy; else null. */
  readonly licence: string | null;
}

/** See the module comment. Not shared between reconcilers. */
export class PendingMemory {
  private readonly entries = new RecentMap<Entry>(PENDING_MEMORY_CAPACITY);

  /**
   * The load balancer id to light-poll for `name`, or null (do a full observation): only the
   * one recorded in the status (`hintId`) that the last pass left busy under a licence for
   * this very `fingerprint`, recently.
   */
  lightPollTarget(
    name: string,
    query: { readonly hintId: string; readonly fingerprint: string },
    now: number,
    timing: PendingTiming,
  ): string | null {
    const e = this.fresh(name, now, timing);
    const licence = e?.licence ?? null;
    if (e === null || licence === null) return null;
    return e.loadBalancerId === query.hintId && licence === query.fingerprint ? e.loadBalancerId : null;
  }

  /**
   * A pass ends waiting on `note.loadBalancerId`: returns the requeue delay, the base delay
   * for a load balancer newly seen busy, growing by PENDING_BACKOFF_FACTOR while it stays so.
   */
  waiting(name: string, note: BusyNote, now: number, timing: PendingTiming): number {
    const e = this.fresh(name, now, timing);
    const previous = e !== null && e.loadBalancerId === note.loadBalancerId ? e.delayMs : 0;
    const delayMs = nextDelay(previous, timing);
    this.entries.set(name, { ...note, delayMs }, now);
    return delayMs;
  }

  /** A light poll found it still busy: the next (grown) delay; the licence is kept. */
  stillBusy(name: string, now: number, timing: PendingTiming): number {
    const e = this.fresh(name, now, timing);
    if (e === null) return timing.pendingRequeueMs;
    return this.waiting(name, { loadBalancerId: e.loadBalancerId, licence: e.licence }, now, timing);
  }

  /** A pass sent a write to the load balancer: a new Octavia operation, the backoff starts over. */
  written(name: string, note: BusyNote, now: number): void {
    this.entries.set(name, { ...note, delayMs: 0 }, now);
  }

  /** The load balancer settled (or there is none to wait for): forget it. */
  settle(name: string): void {
    this.entries.delete(name);
  }

  /** Same as settle: the Service is gone. */
  forget(name: string): void {
    this.entries.delete(name);
  }

  /** Names remembered (for tests of the bound). */
  get size(): number {
    return this.entries.size;
  }

  private fresh(name: string, now: number, timing: PendingTiming): Entry | null {
    return this.entries.get(name, now, memoryMaxAgeMs(timing)) ?? null;
  }
}

/** The delay after `previousMs` (0 = first pending pass). */
export function nextDelay(previousMs: number, timing: PendingTiming): number {
  const base = timing.pendingRequeueMs;
  const cap = Math.max(base, timing.pendingRequeueMaxMs);
  if (previousMs <= 0) return base;
  return Math.min(cap, Math.max(base, Math.round(previousMs * PENDING_BACKOFF_FACTOR)));
}
