/**
 * The orphan sweep. Watch events are not enough to release everything: a Service deleted
 * while the controller was down (its finalizer removed by hand, or never added because the
 * controller died first) leaves no key behind. At start and on every resync, the keys of the
 * Services OpenStack still holds objects for are compared with the cache; the ones the cache
 * lacks are queued, and the reconciler's orphan path releases each after a live GET of the
 * Service answered 404 (docs/adr/0008).
 *
 * Two guards against acting on a wrong picture: nothing is swept while the caches are not
 * synced (an empty cache would make every live Service look gone), and at most
 * `maxReleases` orphans are queued per sweep — a cluster that suddenly appears to have lost
 * many Services is far more likely looking at a broken cache than at a mass deletion; the
 * rest wait for the next sweep and are counted.
 *
 * With shards (docs/adr/0014), a sweep runs under one shard's Lease and `inScope` keeps only
 * the keys of that shard: another shard's orphans are neither queued nor counted here.
 */
import type { CloudPort } from './interfaces.js';

export interface SweepInput {
  readonly cloud: Pick<CloudPort, 'ownedServiceKeys'>;
  /** Keys of the Services in the cache now. */
  readonly knownKeys: readonly string[];
  /** null when the caches are synced; else why not (then nothing is swept). */
  readonly unsynced: string | null;
  readonly maxReleases: number;
  readonly enqueue: (key: string) => void;
  readonly signal: AbortSignal;
  /** The keys this sweep may queue (its shard's); absent: every key (one shard). */
  readonly inScope?: (key: string) => boolean;
}

/** What one sweep did. */
export type SweepResult =
  | { readonly kind: 'skipped'; readonly reason: string }
  | {
      readonly kind: 'swept';
      /** Orphan keys queued for release (sorted). */
      readonly queued: readonly string[];
      /** Orphan keys left for a later sweep by the cap (sorted). */
      readonly deferred: readonly string[];
    };

/** The orphans of one sweep: owned keys not known, at most `maxReleases` queued, the rest deferred. Pure. */
export function selectOrphans(
  owned: readonly string[],
  knownKeys: readonly string[],
  maxReleases: number,
): { readonly queued: readonly string[]; readonly deferred: readonly string[] } {
  const known = new Set(knownKeys);
  const orphans = owned.filter((key) => !known.has(key)).sort();
  const queued = orphans.slice(0, maxReleases);
  return { queued, deferred: orphans.slice(queued.length) };
}

/** Queues at most `maxReleases` owned keys the cache lacks; see the module comment. */
export async function sweepOrphans(input: SweepInput): Promise<SweepResult> {
  if (input.unsynced !== null) return { kind: 'skipped', reason: input.unsynced };
  const owned = await input.cloud.ownedServiceKeys(input.signal);
  const inScope = input.inScope;
  const scoped = inScope === undefined ? owned : owned.filter((key) => inScope(key));
  const { queued, deferred } = selectOrphans(scoped, input.knownKeys, input.maxReleases);
  for (const key of queued) input.enqueue(key);
  return { kind: 'swept', queued, deferred };
}
