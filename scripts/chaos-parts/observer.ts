/**
 * Watches the cloud directly (not through the fault proxies) while the chaos runs: every few
 * seconds it lists the load balancers tagged with the run's cluster id and maps each to the
 * Service incarnation (uid) its description marker names. The first ACTIVE load balancer of a
 * live incarnation is its established one; if that id later disappears while the incarnation
 * is still alive (its ClusterIP never changes), the controller deleted what a live Service
 * still wanted. Every VIP port seen is remembered, for the end's leaked-port check.
 */
import { parseDescriptionMarker } from '../../src/core/naming.js';
import type { LoadBalancerRecord } from '../../src/openstack/octavia/loadbalancers.js';
import type { OpenStackSession } from '../../src/openstack/session.js';
import { taggedLoadBalancers } from '../../test/e2e/support/controller-process.js';

/** The uid the load balancer's description marker names, or ''. */
export function uidOf(lb: { readonly description: string }): string {
  return parseDescriptionMarker(lb.description)?.service.uid ?? '';
}

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

/** Starts polling every `everyMs`; `aliveUids()` names the incarnations that are alive right now. */
export function startObserver(
  session: OpenStackSession,
  clusterId: string,
  aliveUids: () => ReadonlySet<string>,
  everyMs = 3000,
): Observer {
  const established = new Map<string, string>();
  const wrong = new Set<string>();
  const vipPorts = new Map<string, string>();
  const seen = new Set<string>();
  const tally = { polls: 0, errors: 0, mostPerUid: 0 };

  const record = (lbs: readonly LoadBalancerRecord[], before: ReadonlySet<string>): void => {
    const after = aliveUids();
    const present = new Set(lbs.map((lb) => lb.id));
    const perUid = new Map<string, number>();
    for (const lb of lbs) {
      seen.add(lb.id);
      if (lb.vipPortId !== null) vipPorts.set(lb.vipPortId, lb.id);
      const uid = uidOf(lb);
      perUid.set(uid, (perUid.get(uid) ?? 0) + 1);
      if (lb.provisioningStatus === 'ACTIVE' && !established.has(uid)) established.set(uid, lb.id);
    }
    for (const n of perUid.values()) tally.mostPerUid = Math.max(tally.mostPerUid, n);
    for (const [uid, id] of established) {
      if (!present.has(id) && before.has(uid) && after.has(uid)) wrong.add(`${uid}: ${id}`);
    }
  };

  const poll = async (): Promise<LoadBalancerRecord[]> => {
    const before = aliveUids();
    const lbs = await taggedLoadBalancers(session, clusterId);
    record(lbs, before);
    tally.polls++;
    return lbs;
  };

  const stopped = new AbortController();
  const loop = (async () => {
    while (!stopped.signal.aborted) {
      await poll().catch(() => {
        tally.errors++;
      });
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();

  return {
    poll,
    observations: () => ({ wronglyDeleted: [...wrong], vipPorts, seen, ...tally }),
    stop: async () => {
      stopped.abort();
      await loop;
    },
  };
}
