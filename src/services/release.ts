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
import type { Action } from '../core/actions.js';
import type { Observed, ServiceRef } from '../core/model.js';
import { loadBalancerName } from '../core/naming.js';
import { deleteKlb } from '../kube/klb.js';
import { removeFinalizer, setIngress } from '../kube/service-writes.js';
import type { ReconcilerDeps } from './deps.js';
import { reportActions } from './report.js';

/** What a release pass needs: the cloud, whose objects count as ours, and the requeue timing. */
export type ReleaseDeps = Pick<ReconcilerDeps, 'cloud' | 'clusterId' | 'timing'>;

/** One release pass: whether OpenStack holds nothing of ours any more, and what it did. */
export interface ReleasePass {
  readonly clean: boolean;
  readonly done: readonly Action[];
}

function remaining(observed: Observed, deps: ReleaseDeps, ref: ServiceRef): number {
  const owned = (tags: readonly string[]): boolean => isOwnedForService(tags, deps.clusterId, ref);
  return (
    observed.loadBalancers.filter((lb) => owned(lb.tags)).length +
    observed.floatingIps.filter((f) => owned(f.tags)).length
  );
}

/**
 * Removes everything we own for `ref`: load balancers and floating IPs found by ownership
 * tags (any incarnation), and untagged floating IPs found by our description marker (of
 * `ref.uid`, or of any incarnation when the uid is empty). Clean once nothing is left;
 * otherwise deletes are under way (the caller requeues).
 */
export async function releaseCloud(
  deps: ReleaseDeps,
  ref: ServiceRef,
  signal: AbortSignal,
): Promise<ReleasePass> {
  const observed = await deps.cloud.observe(
    { service: ref, loadBalancerName: loadBalancerName(ref) },
    signal,
  );
  const result = plan({ service: ref, clusterId: deps.clusterId, desired: null, observed });
  if (result.actions.length > 0) {
    const outcome = await deps.cloud.execute(result.actions, signal);
    return { clean: false, done: outcome.done };
  }
  return { clean: remaining(observed, deps, ref) === 0, done: [] };
}

/** Release for a Service that still exists (deleting, or no longer implemented). */
export async function releaseService(
  deps: ReconcilerDeps,
  svc: V1Service,
  ref: ServiceRef,
  signal: AbortSignal,
): Promise<Result> {
  const pass = await releaseCloud(deps, ref, signal);
  await reportActions(deps, svc, pass.done);
  if (!pass.clean) return requeueAfter(deps.timing.pendingRequeueMs, 'waiting for load balancer deletion');
  // The status write bumps the resourceVersion the finalizer patch is conditioned on.
  const current = svc.metadata?.deletionTimestamp === undefined ? await setIngress(deps.kube, svc, []) : svc;
  await deleteKlb(deps.kube, ref.namespace, ref.name);
  await removeFinalizer(deps.kube, current);
  deps.logger.info({ key: `${ref.namespace}/${ref.name}` }, 'released');
  return done();
}

/**
 * Release for a key whose Service no longer exists (`ref.uid` empty: the incarnation is
 * unknown): clean up anything we still own for the namespace/name in this cluster,
 * including floating IPs left untagged by a crash (found by their description marker).
 */
export async function releaseOrphan(
  deps: ReleaseDeps,
  ref: ServiceRef,
  signal: AbortSignal,
): Promise<Result> {
  const { clean } = await releaseCloud(deps, ref, signal);
  return clean ? done() : requeueAfter(deps.timing.pendingRequeueMs, 'waiting for orphan deletion');
}
