/**
 * Release: the desired state "nothing" for a Service key. Used when the Service is being
 * deleted (finalizer held), no longer wants a load balancer (skipped now), or is gone
 * entirely (no finalizer ever held, or a crash). Cascade-deletes every load balancer we own
 * for it and releases its floating IPs; the finalizer is removed only once OpenStack holds
 * nothing of ours for it.
 */
import type { V1Service } from '@kubernetes/client-node';
import { done, requeueAfter, type Result } from '../engine/result.js';
import { plan } from '../core/plan.js';
import { isOwnedForService } from '../core/ownership.js';
import type { Observed, ServiceRef } from '../core/model.js';
import { loadBalancerName } from '../core/naming.js';
import { deleteKlb } from '../kube/klb.js';
import { removeFinalizer, setIngress } from '../kube/service-writes.js';
import type { ReconcilerDeps } from './deps.js';
import { reportActions } from './report.js';

function remaining(observed: Observed, deps: ReconcilerDeps, ref: ServiceRef): number {
  const owned = (tags: readonly string[]): boolean => isOwnedForService(tags, deps.clusterId, ref);
  return (
    observed.loadBalancers.filter((lb) => owned(lb.tags)).length +
    observed.floatingIps.filter((f) => owned(f.tags)).length
  );
}

/**
 * Removes everything we own for `ref`. Returns true once nothing is left; false while
 * deletes are under way (the caller requeues).
 */
export async function releaseCloud(
  deps: ReconcilerDeps,
  ref: ServiceRef,
  svc: V1Service | null,
  signal: AbortSignal,
): Promise<boolean> {
  const observed = await deps.cloud.observe(
    { service: ref, loadBalancerName: loadBalancerName(ref) },
    signal,
  );
  const result = plan({ service: ref, clusterId: deps.clusterId, desired: null, observed });
  if (result.actions.length > 0) {
    const outcome = await deps.cloud.execute(result.actions, signal);
    if (svc !== null) await reportActions(deps, svc, outcome.done);
    return false;
  }
  return remaining(observed, deps, ref) === 0;
}

/** Release for a Service that still exists (deleting, or no longer implemented). */
export async function releaseService(
  deps: ReconcilerDeps,
  svc: V1Service,
  ref: ServiceRef,
  signal: AbortSignal,
): Promise<Result> {
  const clean = await releaseCloud(deps, ref, svc, signal);
  if (!clean) return requeueAfter(deps.timing.pendingRequeueMs, 'waiting for load balancer deletion');
  // The status write bumps the resourceVersion the finalizer patch is conditioned on.
  const current = svc.metadata?.deletionTimestamp === undefined ? await setIngress(deps.kube, svc, []) : svc;
  await deleteKlb(deps.kube, ref.namespace, ref.name);
  await removeFinalizer(deps.kube, current);
  deps.logger.info({ key: `${ref.namespace}/${ref.name}` }, 'released');
  return done();
}

/** Release for a key whose Service no longer exists: clean up anything we still own. */
export async function releaseOrphan(
  deps: ReconcilerDeps,
  ref: ServiceRef,
  signal: AbortSignal,
): Promise<Result> {
  const clean = await releaseCloud(deps, ref, null, signal);
  return clean ? done() : requeueAfter(deps.timing.pendingRequeueMs, 'waiting for orphan deletion');
}
