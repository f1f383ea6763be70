/**
 * The resync's shared lists (docs/adr/0017): one paged list of every load balancer and one
 * of every floating IP carrying this cluster's tags in the project — the orphan sweep's two
 * lists — taken once per resync and kept, indexed by the Service tag, while it is fresh.
 * The sweep reads its owned keys from it, and each resync pass of a converged Service reads
 * its entries instead of observing in full (src/core/plan/settled.ts decides whether that is
 * enough). Only reads; a failed list answers no view (the passes observe in full) and is
 * not kept.
 */
import type { SettledView } from '../core/plan/decision.js';
import { serviceTag, serviceTagsIn, type Owner } from '../core/ownership.js';
import type { ServiceRef } from '../core/model.js';
import { listOwned, ownedKeysOf, type OwnedKeys } from './owned-keys.js';
import type { OpenStackSession } from './session.js';

/** What one snapshot holds. */
interface Snapshot {
  readonly byService: ReadonlyMap<string, SettledView>;
  readonly owned: OwnedKeys;
}

export interface SnapshotReaderOptions {
  readonly session: OpenStackSession;
  readonly owner: Owner;
  readonly projectId: string;
  readonly now: () => number;
  /** A snapshot older than this answers no view (it stays the sweep's until replaced). */
  readonly freshMs: number;
}

export interface SnapshotReader {
  /** Takes a new snapshot (the resync's); resolves to its owned keys. */
  refresh(signal: AbortSignal): Promise<OwnedKeys>;
  /** The entries of `service` in the current snapshot; null when there is none fresh or it failed. */
  view(service: Pick<ServiceRef, 'namespace' | 'name'>): Promise<SettledView | null>;
}

const EMPTY: SettledView = { loadBalancers: [], floatingIps: [] };

function indexed(
  lbs: Awaited<ReturnType<typeof listOwned>>['lbs'],
  fips: Awaited<ReturnType<typeof listOwned>>['fips'],
): Map<string, SettledView> {
  type Mutable = {
    loadBalancers: SettledView['loadBalancers'][number][];
    floatingIps: SettledView['floatingIps'][number][];
  };
  const out = new Map<string, Mutable>();
  const entry = (tag: string): Mutable => {
    let e = out.get(tag);
    if (e === undefined) out.set(tag, (e = { loadBalancers: [], floatingIps: [] }));
    return e;
  };
  for (const lb of lbs) {
    const head = { id: lb.id, provisioningStatus: lb.provisioningStatus, version: lb.version ?? null };
    for (const tag of serviceTagsIn(lb.tags)) entry(tag).loadBalancers.push(head);
  }
  for (const fip of fips) {
    const seen = { id: fip.id, revision: fip.revision ?? null };
    for (const tag of serviceTagsIn(fip.tags)) entry(tag).floatingIps.push(seen);
  }
  return out;
}

/** A snapshot reader over `options.session`; see the module comment. */
export function makeSnapshotReader(options: SnapshotReaderOptions): SnapshotReader {
  let current: { readonly startedAt: number; readonly answer: Promise<Snapshot> } | null = null;
  return {
    refresh(signal) {
      const answer = listOwned(options.session, options, signal).then(({ lbs, fips }) => ({
        byService: indexed(lbs, fips),
        owned: ownedKeysOf(lbs, fips, options.owner),
      }));
      const mine = { startedAt: options.now(), answer };
      current = mine;
      answer.catch(() => {
        if (current === mine) current = null;
      });
      return answer.then((s) => s.owned);
    },
    async view(service) {
      const taken = current;
      if (taken === null || options.now() - taken.startedAt >= options.freshMs) return null;
      try {
        const snapshot = await taken.answer;
        return snapshot.byService.get(serviceTag(service)) ?? EMPTY;
      } catch {
        return null;
      }
    },
  };
}
