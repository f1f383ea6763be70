/**
 * Release: the desired state "nothing" for a Service key. Used when the Service is being
 * deleted (finalizer held), no longer wants a load balancer (skipped now), or is gone
 * entirely (no finalizer ever held, or a crash). Cascade-deletes every load balancer we own
 * for it and releases its floating IPs; the finalizer is removed only once OpenStack holds
 * nothing of ours for it.
 */
import type { V1Service } from '@kubernetes/client-node';
import { done, requeueAfter, type Result } from '../engine/result.js';
import { plan } from '../core/plan/plan.js';
import { isOwnedForService } from '../core/ownership.js';
import type { Action } from '../core/plan/actions.js';
import type { Observed, ServiceRef } from '../core/model.js';
import { loadBalancerName } from '../core/naming.js';
import { deleteKlb } from '../kube/klb.js';
import { removeFinalizer, setIngress } from '../kube/service-writes.js';
import type { ReconcilerDeps } from './deps.js';
import { isVanishing } from '../core/plan/load-balancers.js';
import type { ReleaseMemory } from './release-memory.js';
import { reportActions } from './report.js';

/** What a release pass needs: the cloud, whose objects count as ours, and the requeue timing. */
export type ReleaseDeps = Pick<ReconcilerDeps, 'cloud' | 'clusterId' | 'timing' | 'now'> & {
  /** The reconciler's memory of deletes under way; without it every pass observes in full. */
  readonly releases?: ReleaseMemory;
};

/** One release pass: whether OpenStack holds nothing of ours any more, and what it did. */
export interface ReleasePass {
  readonly clean: boolean;
  readonly done: readonly Action[];
  /** When not clean: look again after this many ms. */
  readonly requeueMs: number;
}

interface Remaining {
  readonly total: number;
  readonly loadBalancers: number;
  /** Owned load balancers Octavia is already removing. */
  readonly vanishing: readonly string[];
}

function remaining(observed: Observed, deps: ReleaseDeps, ref: ServiceRef): Remaining {
  const owned = (tags: readonly string[]): boolean => isOwnedForService(tags, deps.clusterId, ref);
  const lbs = observed.loadBalancers.filter((lb) => owned(lb.tags));
  const fips = observed.floatingIps.filter((f) => owned(f.tags)).length;
  return {
    total: lbs.length + fips,
    loadBalancers: lbs.length,
    vanishing: lbs.filter((lb) => isVanishing(lb.provisioningStatus)).map((lb) => lb.id),
  };
}

/**
 * Removes everything we own for `ref`: load balancers and floating IPs found by ownership
 * tags (any incarnation), and untagged floating IPs found by our description marker (of
 * `ref.uid`, or of any incarnation when the uid is empty). Clean once nothing is left;
 * otherwise deletes are under way and `requeueMs` says when to look again. With `releases`,
 * a pass whose load balancers are still going away costs one GET each (see release-memory).
 */
export async function releaseCloud(
  deps: ReleaseDeps,
  ref: ServiceRef,
  signal: AbortSignal,
): Promise<ReleasePass> {
  const name = loadBalancerName(ref);
  const memory = deps.releases;
  const polled = memory === undefined ? null : await pollDeletes(deps, name, memory, signal);
  if (polled !== null) return { clean: false, done: [], requeueMs: polled };
  const observed = await deps.cloud.observe({ service: ref, loadBalancerName: name }, signal);
  const result = plan({ service: ref, clusterId: deps.clusterId, desired: null, observed });
  const outcome = result.actions.length > 0 ? await deps.cloud.execute(result.actions, signal) : null;
  const left = remaining(observed, deps, ref);
  if (outcome === null && left.total === 0) {
    memory?.forget(name);
    return { clean: true, done: [], requeueMs: 0 };
  }
  const deleted = (outcome?.done ?? []).flatMap((a) =>
    a.kind === 'deleteLoadBalancer' ? [a.loadBalancerId] : [],
  );
  const going = [...new Set([...left.vanishing, ...deleted])];
  // Licensed only when nothing but those deletes is left: no deferred action, no other owned object.
  const onlyDeletes =
    going.length > 0 && (outcome?.deferred.length ?? 0) === 0 && left.total === left.loadBalancers;
  const requeueMs =
    memory !== undefined && onlyDeletes
      ? memory.waiting(name, going, deps.now(), deps.timing)
      : (outcome?.requeueAfterMs ?? deps.timing.pendingRequeueMs);
  if (!onlyDeletes) memory?.forget(name);
  return { clean: false, done: outcome?.done ?? [], requeueMs };
}

/** One GET per load balancer still going away: a delay while any is, null to observe in full. */
async function pollDeletes(
  deps: ReleaseDeps,
  name: string,
  memory: ReleaseMemory,
  signal: AbortSignal,
): Promise<number | null> {
  const ids = memory.deleting(name, deps.now(), deps.timing);
  if (ids === null) return null;
  const heads = await Promise.all(ids.map((id) => deps.cloud.getLoadBalancer(id, signal)));
  const still = heads.flatMap((lb) => (lb === null ? [] : [lb]));
  if (still.length === 0 || !still.every((lb) => isVanishing(lb.provisioningStatus))) {
    memory.forget(name);
    return null;
  }
  return memory.waiting(name, ids, deps.now(), deps.timing);
}

/** Release for a Service that still exists (deleting, or no longer implemented). */
export async function releaseService(
  deps: ReconcilerDeps & ReleaseDeps,
  svc: V1Service,
  ref: ServiceRef,
  signal: AbortSignal,
): Promise<Result> {
  const pass = await releaseCloud(deps, ref, signal);
  await reportActions(deps, svc, pass.done);
  if (!pass.clean) return requeueAfter(pass.requeueMs, 'waiting for load balancer deletion');
  // The status write bumps the resourceVersion the finalizer patch is conditioned on.
  const current =
    svc.metadata?.deletionTimestamp === undefined ? await setIngress(deps.kube, svc, [], signal) : svc;
  await deleteKlb(deps.kube, ref.namespace, ref.name, signal);
  await removeFinalizer(deps.kube, current, signal);
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
  const pass = await releaseCloud(deps, ref, signal);
  return pass.clean ? done() : requeueAfter(pass.requeueMs, 'waiting for orphan deletion');
}
