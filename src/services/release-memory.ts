/**
 * Per-reconciler memory of releases under way: the load balancers a release pass left going
 * away (deleted by it, or found PENDING_DELETE), and the growing requeue delay. While they
 * exist, a release pass reads only them (one GET each) instead of observing everything; the
 * full observation comes back once every one is gone (404) or one is not going away after all.
 *
 * Why skipping the full observation is sound: desired is "nothing" and stays so (a Service
 * that wants a load balancer again is ensured, not released), and a pass only records ids
 * when it left nothing undone but those deletes (no deferred action, every other owned
 * object already released); nothing of ours can appear for the key meanwhile, as only an
 * ensure creates objects. Bounded; time comes from the caller.
 */
import type { ReconcilerTiming } from './deps.js';
import { memoryMaxAgeMs, nextDelay, PENDING_MEMORY_CAPACITY } from './pending.js';
import { RecentMap } from './recent-map.js';

type Timing = Pick<ReconcilerTiming, 'pendingRequeueMs' | 'pendingRequeueMaxMs'>;

interface Entry {
  readonly ids: readonly string[];
  readonly delayMs: number;
}

/** See the module comment. Keyed by load balancer name (the Service key). */
export class ReleaseMemory {
  private readonly entries = new RecentMap<Entry>(PENDING_MEMORY_CAPACITY);

  /** The load balancers to poll for `name`, or null (observe in full). */
  deleting(name: string, now: number, timing: Timing): readonly string[] | null {
    return this.entries.get(name, now, memoryMaxAgeMs(timing))?.ids ?? null;
  }

  /**
   * A pass leaves `ids` going away: returns the requeue delay, the base one for a new set of
   * ids, growing while the same ones are still there.
   */
  waiting(name: string, ids: readonly string[], now: number, timing: Timing): number {
    const e = this.entries.get(name, now, memoryMaxAgeMs(timing));
    const same = e?.ids.length === ids.length && e.ids.every((id) => ids.includes(id));
    const delayMs = nextDelay(same ? e.delayMs : 0, timing);
    this.entries.set(name, { ids: [...ids], delayMs }, now);
    return delayMs;
  }

  /** Nothing (more) to wait for under `name`. */
  forget(name: string): void {
    this.entries.delete(name);
  }
}
