/**
 * The Service reconciler: for one key (`namespace/name`), read the Service and its slices
 * from the caches, translate, and either ensure its load balancer or release everything we
 * own for it. Level-triggered: there is no create/update/delete branching on events; a
 * missing or deleting Service is simply the desired state "nothing".
 */
import type { V1Service } from '@kubernetes/client-node';
import { translate } from '../core/translate.js';
import type { ServiceRef } from '../core/model.js';
import { loadBalancerName } from '../core/naming.js';
import { done, terminal, type Result } from '../engine/result.js';
import { ensureKlbSpec, getKlb, writeKlbStatus } from '../kube/klb.js';
import { hasFinalizer } from '../kube/service-writes.js';
import type { Reason } from '../core/translation.js';
import type { ReconcilerDeps } from './deps.js';
import { ServiceInputError } from './errors.js';
import { ensureService } from './ensure.js';
import { conditionFor } from './klb-record.js';
import { releaseOrphan, releaseService } from './release.js';
import { ReleaseMemory } from './release-memory.js';
import { StuckTracker } from './stuck.js';

export type Reconcile = (key: string, signal: AbortSignal) => Promise<Result>;

function splitKey(key: string): { namespace: string; name: string } {
  const at = key.indexOf('/');
  if (at <= 0 || at === key.length - 1) throw new ServiceInputError(`malformed Service key "${key}"`);
  return { namespace: key.slice(0, at), name: key.slice(at + 1) };
}

function refOf(svc: V1Service, fallback: { namespace: string; name: string }): ServiceRef {
  return { ...fallback, uid: svc.metadata?.uid ?? '' };
}

/** Builds the reconcile function; its memory (stuck, busy and vanishing load balancers) lives in the closure. */
export function makeServiceReconciler(deps: ReconcilerDeps): Reconcile {
  const stuck = new StuckTracker(deps.timing.stuckChildrenMs);
  const releaseDeps = { ...deps, releases: new ReleaseMemory() };
  // Skip reasons already reported, so a headless Service is not re-announced on every resync.
  const skipsReported = new Map<string, string>();
  return async (key, signal) => {
    const id = splitKey(key);
    const svc = deps.caches.getService(id.namespace, id.name);
    if (svc === undefined) {
      skipsReported.delete(key);
      stuck.forget(loadBalancerName(id));
      return releaseOrphan(releaseDeps, { ...id, uid: '' }, signal);
    }
    const ref = refOf(svc, id);
    if (svc.metadata?.deletionTimestamp !== undefined) {
      return hasFinalizer(svc) ? releaseService(releaseDeps, svc, ref, signal) : done();
    }
    const ctx = deps.context();
    const t = translate({
      service: svc,
      slices: deps.caches.slicesFor(id.namespace, id.name),
      config: ctx.config,
      network: ctx.network,
      capabilities: ctx.capabilities,
    });
    switch (t.kind) {
      case 'desired':
        skipsReported.delete(key);
        return ensureService(deps, { svc, desired: t.loadBalancer, warnings: t.warnings, stuck, signal });
      case 'skip':
        if (skipsReported.get(key) !== t.reason.message) {
          skipsReported.set(key, t.reason.message);
          await deps.events.record(svc, 'Normal', t.reason.code, t.reason.message);
        }
        return hasFinalizer(svc) ? releaseService(releaseDeps, svc, ref, signal) : done();
      case 'invalid':
        return reportInvalid(deps, svc, t.reason, signal);
    }
  };
}

/**
 * A Service that can never work as written: a Warning event and a condition on its record;
 * whatever load balancer it already has is left as it is (a typo must not take a working
 * Service down). Not retried until the Service changes.
 */
async function reportInvalid(
  deps: ReconcilerDeps,
  svc: V1Service,
  reason: Reason,
  signal: AbortSignal,
): Promise<Result> {
  await deps.events.record(svc, 'Warning', reason.code, reason.message);
  const nowIso = new Date(deps.now()).toISOString();
  const existing = await getKlb(deps.kube, svc.metadata?.namespace ?? '', svc.metadata?.name ?? '', signal);
  const klb =
    existing ??
    (await ensureKlbSpec(
      deps.kube,
      svc,
      {
        ip: svc.spec?.clusterIP ?? '',
        subnet_id: '',
        type: svc.spec?.type ?? 'ClusterIP',
        provider: '',
        ports: [],
      },
      undefined,
      signal,
    ));
  const condition = conditionFor(
    { type: 'InputValid', status: 'False', reason: reason.code, message: reason.message },
    klb.status?.conditions,
    nowIso,
  );
  const others = (klb.status?.conditions ?? []).filter((c) => c.type !== 'InputValid');
  await writeKlbStatus(deps.kube, klb, { ...(klb.status ?? {}), conditions: [...others, condition] }, signal);
  return terminal(
    new ServiceInputError(`${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}: ${reason.message}`),
  );
}
