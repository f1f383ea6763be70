/**
 * Watches the cloud directly (not through the fault proxies) while the chaos runs: every few
 * seconds it lists the load balancers tagged with the run's cluster id and maps each to the
 * Service incarnation (uid) its description marker names. The first ACTIVE load balancer of a
 * live incarnation is its established one; if that id later disappears while the incarnation
 * is still alive (its ClusterIP never changes), the controller deleted what a live Service
 * still wanted. Every VIP port seen is remembered, for the end's leaked-port check.
 */
import type { LoadBalancerRecord } from '../../src/openstack/octavia/loadbalancers.js';
import type { OpenStackSession } from '../../src/openstack/session.js';
import { taggedLoadBalancers } from '../../test/e2e/support/controller-process.js';
import { uidOf } from './verdicts.js';

export { uidOf };

/** What the observer found. */
export interface Observations {
  /** `uid: lb id` of every established load balancer that vanished while its Service lived. */
  readonly wronglyDeleted: readonly string[];
  /** Every VIP port id seen, with the load balancer it belonged to. */
  readonly vipPorts: ReadonlyMap<string, string>;
  /** Every load balancer id seen. */
  readonly seen: ReadonlySet<string>;
  /** The most load balancers one incarnation had at once (1 = never a duplicate). */
  readonly mostPerUid: number;
  readonly polls: number;
  readonly errors: number;
}

/** A running observer. */
export interface Observer {
  /** One poll now (also used for the final check). */
  poll(): Promise<LoadBalancerRecord[]>;
  observations(): Observations;
  stop(): Promise<void>;
}

/** What one poll saw: the tagged load balancers, and the live incarnations before and after the list. */
export interface Poll {
  readonly lbs: readonly Pick<
    LoadBalancerRecord,
    'id' | 'description' | 'vipPortId' | 'provisioningStatus'
  >[];
  readonly aliveBefore: ReadonlySet<string>;
  readonly aliveAfter: ReadonlySet<string>;
}

/**
 * The observer's bookkeeping, pure: feed it every poll, read the observations. An incarnation
 * alive both before and after a list whose established load balancer is absent from it was
 * wrongly deleted (a replacement under the same uid does not excuse it: its ClusterIP never
 * changes, so the controller had no reason to delete the first).
 */
export class Ledger {
  private readonly established = new Map<string, string>();
  private readonly wrong = new Set<string>();
  private readonly vipPorts = new Map<string, string>();
  private readonly seen = new Set<string>();
  private readonly tally = { polls: 0, errors: 0, mostPerUid: 0 };

  record(p: Poll): void {
    const present = new Set(p.lbs.map((lb) => lb.id));
    const perUid = new Map<string, number>();
    for (const lb of p.lbs) {
      this.seen.add(lb.id);
      if (lb.vipPortId !== null) this.vipPorts.set(lb.vipPortId, lb.id);
      const uid = uidOf(lb);
      perUid.set(uid, (perUid.get(uid) ?? 0) + 1);
      if (lb.provisioningStatus === 'ACTIVE' && !this.established.has(uid)) this.established.set(uid, lb.id);
    }
    for (const n of perUid.values()) this.tally.mostPerUid = Math.max(this.tally.mostPerUid, n);
    for (const [uid, id] of this.established) {
      if (!present.has(id) && p.aliveBefore.has(uid) && p.aliveAfter.has(uid))
        this.wrong.add(`${uid}: ${id}`);
    }
    this.tally.polls++;
  }

  failed(): void {
    this.tally.errors++;
  }

  observations(): Observations {
    return { wronglyDeleted: [...this.wrong], vipPorts: this.vipPorts, seen: this.seen, ...this.tally };
  }
}

/** Starts polling every `everyMs`; `aliveUids()` names the incarnations that are alive right now. */
export function startObserver(
  session: OpenStackSession,
  clusterId: string,
  aliveUids: () => ReadonlySet<string>,
  everyMs = 3000,
): Observer {
  const ledger = new Ledger();
  const poll = async (): Promise<LoadBalancerRecord[]> => {
    const before = aliveUids();
    const lbs = await taggedLoadBalancers(session, clusterId);
    ledger.record({ lbs, aliveBefore: before, aliveAfter: aliveUids() });
    return lbs;
  };

  const stopped = new AbortController();
  const loop = (async () => {
    while (!stopped.signal.aborted) {
      await poll().catch(() => {
        ledger.failed();
      });
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();

  return {
    poll,
    observations: () => ledger.observations(),
    stop: async () => {
      stopped.abort();
      await loop;
    },
  };
}
