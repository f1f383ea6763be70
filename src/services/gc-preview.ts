/**
 * `gc --dry-run`: what the controller's orphan sweep and release would do now, computed with
 * the same pieces and nothing written. The keys come from `selectOrphans` (sweep.ts) over the
 * owned keys the controller lists and a fresh list of Services (a list that succeeded: the
 * "cache synced" rule holds); each queued key needs the live 404 the reconciler asks for
 * (reconciler.ts `reconcileGone`); its actions are `decide`'s release plan over a full
 * observation, exactly what the orphan pass would execute. Floating IPs that are not ours
 * (a user's) are only ever disassociated, kept ones (`ks-keep`) disowned: both are listed as
 * refused deletions.
 */
import { loadBalancerName } from '../core/naming.js';
import type { ServiceRef } from '../core/model.js';
import type { Owner } from '../core/ownership.js';
import type { Action } from '../core/plan/actions.js';
import { decide } from '../core/plan/decide.js';
import { FRESH_PROGRESS, type CreateMode } from '../core/plan/decision.js';
import { KEEP_NOTHING } from '../core/plan/floating-ips.js';
import type { Observed } from '../core/observed.js';
import type { CloudPort } from './interfaces.js';
import { selectOrphans } from './sweep.js';

/** The verdict on one orphan key. */
export interface OrphanVerdict {
  /** `namespace/name` of the Service OpenStack still holds objects for. */
  readonly service: string;
  /** release: the next sweep releases it; refused: it would not; deferred: a later sweep (the cap). */
  readonly verdict: 'release' | 'refused' | 'deferred';
  readonly reason: string;
  /** The API calls the release would make, one line each. */
  readonly actions: readonly string[];
  /** What is left in place on purpose (a user's or a kept floating IP): never deleted. */
  readonly notDeleted: readonly string[];
}

/** The whole preview. */
export interface GcPreview {
  readonly orphans: readonly OrphanVerdict[];
  /** Objects with this cluster id but another writer: never touched. */
  readonly conflicts: readonly string[];
  readonly maxReleasesPerSweep: number;
}

/** What the preview reads through. */
export interface GcPreviewInput {
  readonly cloud: Pick<CloudPort, 'ownedServiceKeys' | 'observe'>;
  /** The keys of every Service the API server lists now. */
  readonly serviceKeys: () => Promise<readonly string[]>;
  /** A live GET: null only on a 404; other failures throw. */
  readonly readServiceLive: (namespace: string, name: string) => Promise<unknown>;
  readonly owner: Owner;
  readonly maxReleases: number;
  readonly createMode: CreateMode;
  readonly now: number;
  readonly conflicts: () => readonly string[];
  readonly signal: AbortSignal;
}

function fipAddress(observed: Observed, id: string): string {
  return observed.floatingIps.find((f) => f.id === id)?.address ?? id;
}

/** One line per action, and the refused deletions among them. Pure. */
export function describeRelease(
  actions: readonly Action[],
  observed: Observed,
): { actions: string[]; notDeleted: string[] } {
  const lines: string[] = [];
  const notDeleted: string[] = [];
  const lbName = (id: string) => observed.loadBalancers.find((lb) => lb.id === id)?.name ?? '?';
  for (const a of actions) {
    switch (a.kind) {
      case 'deleteLoadBalancer':
        lines.push(
          `delete load balancer ${a.loadBalancerId} (${lbName(a.loadBalancerId)}) with its children: ${a.reason}`,
        );
        break;
      case 'deleteFloatingIp':
        lines.push(`delete floating IP ${fipAddress(observed, a.floatingIpId)} (ours)`);
        break;
      case 'disassociateFloatingIp':
        lines.push(`disassociate floating IP ${fipAddress(observed, a.floatingIpId)}`);
        notDeleted.push(
          `floating IP ${fipAddress(observed, a.floatingIpId)}: not ours (a user's): only disassociated`,
        );
        break;
      case 'disownFloatingIp':
        lines.push(`remove our tags from floating IP ${fipAddress(observed, a.floatingIpId)}`);
        notDeleted.push(
          `floating IP ${fipAddress(observed, a.floatingIpId)}: kept (ks-keep): disowned, stays allocated`,
        );
        break;
      default:
        lines.push(a.kind);
    }
  }
  return { actions: lines, notDeleted };
}

const splitKey = (key: string): ServiceRef => {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1), uid: '' };
};

async function judge(input: GcPreviewInput, key: string): Promise<OrphanVerdict> {
  const ref = splitKey(key);
  const none = { actions: [], notDeleted: [] };
  let live: unknown;
  try {
    live = await input.readServiceLive(ref.namespace, ref.name);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { service: key, verdict: 'refused', reason: `no live 404 evidence: ${why}`, ...none };
  }
  if (live !== null)
    return {
      service: key,
      verdict: 'refused',
      reason: 'no live 404 evidence: the API server still has the Service',
      ...none,
    };
  const observed = await input.cloud.observe(
    { service: ref, loadBalancerName: loadBalancerName(ref) },
    input.signal,
  );
  const decision = decide({
    service: ref,
    owner: input.owner,
    intent: { kind: 'release', keep: KEEP_NOTHING },
    observation: { kind: 'full', observed },
    progress: FRESH_PROGRESS,
    licence: null,
    createMode: input.createMode,
    recordedReady: null,
    now: input.now,
    stuckChildrenMs: 60_000,
  });
  const described = describeRelease(decision.actions, observed);
  const next = decision.next;
  const reason =
    next.kind === 'wait' || next.kind === 'blocked'
      ? `the Service is gone (live 404); ${next.reason}`
      : 'the Service is gone (live 404)';
  return { service: key, verdict: 'release', reason, ...described };
}

/** Reads and decides; writes nothing. Throws the typed Kubernetes / OpenStack errors. */
export async function previewGc(input: GcPreviewInput): Promise<GcPreview> {
  const [owned, known] = await Promise.all([input.cloud.ownedServiceKeys(input.signal), input.serviceKeys()]);
  const { queued, deferred } = selectOrphans(owned, known, input.maxReleases);
  const judged: OrphanVerdict[] = [];
  for (const key of queued) judged.push(await judge(input, key));
  const capped = deferred.map((key): OrphanVerdict => ({
    service: key,
    verdict: 'deferred',
    reason: `over max_orphan_releases_per_sweep = ${input.maxReleases}: a later sweep takes it`,
    actions: [],
    notDeleted: [],
  }));
  return {
    orphans: [...judged, ...capped],
    conflicts: input.conflicts(),
    maxReleasesPerSweep: input.maxReleases,
  };
}

/** 1 when something would be released (now or by a later sweep), else 0. Pure. */
export function gcExitCode(preview: GcPreview): 0 | 1 {
  return preview.orphans.some((o) => o.verdict !== 'refused') ? 1 : 0;
}
