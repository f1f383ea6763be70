/**
 * The orphan sweep. Watch events are not enough to release everything: a Service deleted
 * while the controller was down (its finalizer removed by hand, or never added because the
 * controller died first) leaves no key behind. At start and on every resync, the keys of the
 * Services OpenStack still holds objects for are compared with the cache; each one the cache
 * lacks is queued, and the reconciler's orphan path releases it.
 */
import type { CloudPort } from './ports.js';

export interface SweepInput {
  readonly cloud: Pick<CloudPort, 'ownedServiceKeys'>;
  /** Keys of the Services in the cache now. */
  readonly knownKeys: readonly string[];
  readonly enqueue: (key: string) => void;
  readonly signal: AbortSignal;
}

/** Queues every owned key the cache lacks; returns them (sorted). */
export async function sweepOrphans(input: SweepInput): Promise<string[]> {
  const known = new Set(input.knownKeys);
  const owned = await input.cloud.ownedServiceKeys(input.signal);
  const orphans = owned.filter((key) => !known.has(key));
  for (const key of orphans) input.enqueue(key);
  return orphans;
}
