/**
 * The Service reconciler: for one key (`namespace/name`), read the Service and its slices
 * from the caches, turn them into an intent (ensure a desired load balancer, or release
 * everything we own for the key), and run one pass (pass.ts). Level-triggered: there is no
 * create/update/delete branching on events; a missing or deleting Service is simply the
 * intent "nothing". Safety (docs/adr/0008): a Service missing from the cache is released
 * only when the caches are synced and a live GET from the API server answered 404. The passes
 * that follow a finished release of the same key within a minute (the Service, its record and
 * its slices disappearing once its finalizer is gone, some seen by a cache still showing the
 * Service with our finalizer) end there too, without observing again (licence.ts
 * releasedRecently).
 */
import type { V1Service } from '@kubernetes/client-node';
import { keepRulesOf } from '../core/translate/keep-rules.js';
import type { ServiceRef } from '../core/model.js';
import type { Licence } from '../core/plan/decision.js';
import { KEEP_NOTHING } from '../core/plan/floating-ips.js';
import { releasedRecently } from '../core/plan/licence.js';
import { translate } from '../core/translate/translate.js';
import type { Reason } from '../core/translate/translation.js';
import { done, requeueAfter, terminal, type ReconcileContext, type Result } from '../engine/result.js';
import { hasFinalizer } from '../kube/service-writes.js';
import type { ReconcilerDeps } from './deps.js';
import { ServiceInputError } from './errors.js';
import { runPass } from './pass.js';
import { reportInvalid } from './invalid.js';

export type Reconcile = (key: string, ctx: ReconcileContext) => Promise<Result>;

function splitKey(key: string): { namespace: string; name: string } {
  const at = key.indexOf('/');
  if (at <= 0 || at === key.length - 1) throw new ServiceInputError(`malformed Service key "${key}"`);
  return { namespace: key.slice(0, at), name: key.slice(at + 1) };
}

/** The licence a previous pass of this key left, if the carry is one. */
function licenceOf(carry: unknown): Licence | null {
  if (typeof carry !== 'object' || carry === null) return null;
  const c = carry as Partial<Licence>;
  return (c.mode === 'ensure' || c.mode === 'release' || c.mode === 'settled') &&
    Array.isArray(c.loadBalancerIds)
    ? (carry as Licence)
    : null;
}

/** Builds the reconcile function. It keeps no memory of its own: see the engine and the record. */
export function makeServiceReconciler(deps: ReconcilerDeps): Reconcile {
  return async (key, ctx) => {
    const id = splitKey(key);
    const licence = licenceOf(ctx.carry);
    const svc = deps.caches.getService(id.namespace, id.name);
    if (svc === undefined) return reconcileGone(deps, { ...id, uid: '' }, { licence, signal: ctx.signal });
    const ref: ServiceRef = { ...id, uid: svc.metadata?.uid ?? '' };
    const pass = { svc, ref, licence, signal: ctx.signal };
    if (svc.metadata?.deletionTimestamp !== undefined) {
      if (!hasFinalizer(svc)) return done();
      // A release of this key has removed our finalizer: the cached copy predates that write
      // (no finalizer can be added to a Service being deleted, nor an ensure run for it).
      if (releasedRecently(licence, deps.now())) return done(licence);
      return runPass(deps, { ...pass, intent: { kind: 'release', keep: keepRulesOf(svc) }, warnings: [] });
    }
    const ctxNow = deps.context();
    const t = translate({
      service: svc,
      slices: [...deps.caches.slicesFor(id.namespace, id.name)],
      config: ctxNow.config,
      network: ctxNow.network,
      capabilities: ctxNow.capabilities,
    });
    switch (t.kind) {
      case 'desired': {
        const intent = { kind: 'ensure' as const, desired: t.loadBalancer, keep: keepRulesOf(svc) };
        return runPass(deps, { ...pass, intent, warnings: t.warnings });
      }
      case 'skip':
        await deps.events.record(svc, 'Normal', t.reason.code, t.reason.message);
        if (!hasFinalizer(svc)) return done();
        return runPass(deps, { ...pass, intent: { kind: 'release', keep: keepRulesOf(svc) }, warnings: [] });
      case 'invalid':
        return invalid(deps, svc, t.reason, ctx.signal);
    }
  };
}

async function invalid(
  deps: ReconcilerDeps,
  svc: V1Service,
  reason: Reason,
  signal: AbortSignal,
): Promise<Result> {
  await reportInvalid(deps, svc, reason, signal);
  const key = `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
  return terminal(new ServiceInputError(`${key}: ${reason.message}`));
}

/**
 * The key has no Service in the cache. Release what we own for it only on positive
 * evidence: the caches are synced (an unsynced cache is empty, not proof) and the API
 * server itself answers 404 for the Service now. Any other answer defers the release.
 */
async function reconcileGone(
  deps: ReconcilerDeps,
  ref: ServiceRef,
  options: { readonly licence: Licence | null; readonly signal: AbortSignal },
): Promise<Result> {
  const unsynced = deps.caches.unsynced();
  if (unsynced !== null) {
    return requeueAfter(
      deps.timing.unsyncedRequeueMs,
      `not releasing ${ref.namespace}/${ref.name}: ${unsynced}`,
    );
  }
  const live = await deps.kube.readServiceLive(ref.namespace, ref.name, options.signal);
  if (live !== null) {
    return requeueAfter(
      deps.timing.unsyncedRequeueMs,
      'the API server still has the Service; the cache is behind',
    );
  }
  // The release that removed the finalizer just saw nothing of ours left: nothing to look at
  // again. The licence stays for the other events of the vanishing (its record's and slices'
  // deletions) until it expires; a pass the sweep queues starts without it (boot.ts).
  if (releasedRecently(options.licence, deps.now())) return done(options.licence);
  return runPass(deps, {
    svc: null,
    ref,
    intent: { kind: 'release', keep: KEEP_NOTHING },
    warnings: [],
    licence: options.licence,
    signal: options.signal,
  });
}
