/**
 * Watching the benchmark's Services converge: polls (1 s) the Services (ingress), their
 * KuryrLoadBalancer records (Ready condition, member count) and Octavia's list of the
 * cluster's load balancers, and records when each Service first reached each milestone.
 */
import type { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { KLB_GROUP, KLB_PLURAL, KLB_VERSION, type KuryrLoadBalancer } from '../../src/kube/klb.js';
import type { LoadBalancerRecord } from '../../src/openstack/octavia/loadbalancers.js';

/** Per Service: milliseconds after its creation when a milestone was first seen. */
export interface Milestones {
  lbActive?: number;
  ready?: number;
  ingress?: number;
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
  const klbs = (klbList as { items?: KuryrLoadBalancer[] }).items ?? [];
  const out = new Map<string, Seen>();
  for (const svc of svcs.items) {
    const name = svc.metadata?.name ?? '';
    const klb = klbs.find((k) => k.metadata.name === name);
    const lb = lbs.find((l) => l.name === `${namespace}/${name}`);
    out.set(name, {
      lbActive: lb?.provisioningStatus === 'ACTIVE',
      ready: klb?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      members: klb?.status?.members?.length ?? 0,
      ingress: (svc.status?.loadBalancer?.ingress ?? []).length > 0,
    });
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
    missing = [];
    for (const t of tracked) {
      const s = seen.get(t.name);
      const m = milestones.get(t.name) ?? {};
      if (s?.lbActive === true) m.lbActive ??= now - t.createdAt;
      const converged = s !== undefined && s.ready && s.lbActive && s.members === t.members;
      if (converged) m.ready ??= now - t.createdAt;
      if (s?.ingress === true) m.ingress ??= now - t.createdAt;
      if (!converged || (t.wantsIngress && !s.ingress)) missing.push(t.name);
    }
    if (missing.length === 0) return milestones;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for: ${missing.join(', ')}`);
}
