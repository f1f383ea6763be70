/**
 * Watching the benchmark's Services converge: polls (1 s) the Services (ingress), their
 * KuryrLoadBalancer records (Ready condition, member count) and Octavia's list of the
 * cluster's load balancers, and records when each Service first reached each milestone.
 */
import type { CoreV1Api, CustomObjectsApi, V1Service } from '@kubernetes/client-node';
import { KLB_GROUP, KLB_PLURAL, KLB_VERSION, type KuryrLoadBalancer } from '../../src/kube/klb.js';
import type { LoadBalancerRecord } from '../../src/openstack/octavia/loadbalancers.js';

/** Per Service: milliseconds after its creation when a milestone was first seen. */
export interface Milestones {
  lbActive?: number;
  ready?: number;
  ingress?: number;
  /** Delete phase: neither its load balancer nor a floating IP naming it is listed any more. */
  released?: number;
}

/** What one poll saw of one Service. */
interface Seen {
  readonly lbActive: boolean;
  readonly ready: boolean;
  readonly members: number;
  readonly ingress: boolean;
}

/** Sources of a poll. */
export interface ProgressSources {
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  readonly namespace: string;
  readonly loadBalancers: () => Promise<LoadBalancerRecord[]>;
  /** Descriptions of the floating IPs the cluster owns (they name their Service). */
  readonly floatingIpDescriptions: () => Promise<string[]>;
}

/** What one Service looks like given its KuryrLoadBalancer and load balancer (either may be absent). */
function seenOf(
  svc: V1Service,
  klb: KuryrLoadBalancer | undefined,
  lb: LoadBalancerRecord | undefined,
): Seen {
  const conditions = klb?.status?.conditions ?? [];
  return {
    lbActive: lb?.provisioningStatus === 'ACTIVE',
    ready: conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    members: klb?.status?.members?.length ?? 0,
    ingress: (svc.status?.loadBalancer?.ingress ?? []).length > 0,
  };
}

/** One poll: what each Service (by name) looks like now. */
export async function poll(src: ProgressSources): Promise<Map<string, Seen>> {
  const { namespace } = src;
  const [svcs, klbList, lbs] = await Promise.all([
    src.core.listNamespacedService({ namespace }),
    src.custom.listNamespacedCustomObject({
      group: KLB_GROUP,
      version: KLB_VERSION,
      plural: KLB_PLURAL,
      namespace,
    }) as Promise<unknown>,
    src.loadBalancers(),
  ]);
  const klbs = new Map(
    ((klbList as { items?: KuryrLoadBalancer[] }).items ?? []).map((k) => [k.metadata.name, k]),
  );
  const byName = new Map(lbs.map((l) => [l.name, l]));
  const out = new Map<string, Seen>();
  for (const svc of svcs.items) {
    const name = svc.metadata?.name ?? '';
    out.set(name, seenOf(svc, klbs.get(name), byName.get(`${namespace}/${name}`)));
  }
  return out;
}

/** A Service the tracker waits for. */
export interface Tracked {
  readonly name: string;
  readonly createdAt: number;
  readonly members: number;
  readonly wantsIngress: boolean;
}

/**
 * Polls until every tracked Service is Ready with its expected member count, its load
 * balancer ACTIVE and (if it wants one) its ingress set; records milestones. Throws naming
 * the Services still missing after `timeoutMs`.
 */
export async function track(src: ProgressSources, tracked: readonly Tracked[], timeoutMs: number) {
  const milestones = new Map<string, Milestones>(tracked.map((t) => [t.name, {}]));
  const deadline = Date.now() + timeoutMs;
  let missing = tracked.map((t) => t.name);
  while (Date.now() < deadline) {
    const seen = await poll(src);
    const now = Date.now();
    missing = tracked.filter((t) => !observe(t, seen.get(t.name), milestones, now)).map((t) => t.name);
    if (missing.length === 0) return milestones;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for: ${missing.join(', ')}`);
}

/** Records the milestones `s` shows for `t`; true when `t` is done (converged, ingress if wanted). */
function observe(t: Tracked, s: Seen | undefined, milestones: Map<string, Milestones>, now: number): boolean {
  if (s === undefined) return false;
  const converged = s.ready && s.lbActive && s.members === t.members;
  const m = milestones.get(t.name) ?? {};
  const elapsed = now - t.createdAt;
  const reached: [keyof Milestones, boolean][] = [
    ['lbActive', s.lbActive],
    ['ready', converged],
    ['ingress', s.ingress],
  ];
  for (const [milestone, yes] of reached) if (yes) m[milestone] ??= elapsed;
  return converged && (!t.wantsIngress || s.ingress);
}

/**
 * Polls (1 s) until none of `tracked` has a load balancer or a floating IP left; records when
 * each was first seen released. Throws naming the ones left after `timeoutMs`.
 */
export async function trackReleased(src: ProgressSources, tracked: readonly Tracked[], timeoutMs: number) {
  const milestones = new Map<string, Milestones>(tracked.map((t) => [t.name, {}]));
  const deadline = Date.now() + timeoutMs;
  let left = tracked.map((t) => t.name);
  while (Date.now() < deadline) {
    const [lbs, fips] = await Promise.all([src.loadBalancers(), src.floatingIpDescriptions()]);
    const now = Date.now();
    left = [];
    for (const t of tracked) {
      const lbLeft = lbs.some((l) => l.name === `${src.namespace}/${t.name}`);
      const fipLeft = fips.some((d) => d.includes(`: ${src.namespace}/${t.name} (`));
      const m = milestones.get(t.name) ?? {};
      if (!lbLeft && !fipLeft) m.released ??= now - t.createdAt;
      else left.push(t.name);
    }
    if (left.length === 0) return milestones;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for the release of: ${left.join(', ')}`);
}
