/**
 * The controller's side of the benchmark: the simulated Kubernetes API server + the
 * controller (in process, its metrics registry read directly) + the real test cloud. Each
 * Service is created with its EndpointSlice applied first; then every slice gets one more
 * endpoint; then everything is deleted. Per phase: the request counters' difference and,
 * per Service, when each milestone was first seen.
 */
import type { Harness } from '../../test/support/e2e-harness.js';
import { ownedFloatingIps, ownedLoadBalancers } from '../sandbox-parts/cloud.js';
import { delta, snapshot, type Snapshot } from './metrics.js';
import { track, trackReleased, type Milestones, type ProgressSources, type Tracked } from './progress.js';
import { scaledSlice, type BenchService } from './workload.js';

const NAMESPACE = 'default';

/** What the controller's run measured. */
export interface ControllerRun {
  readonly created: ReadonlyMap<string, Milestones>;
  readonly scaled: ReadonlyMap<string, Milestones>;
  readonly released: ReadonlyMap<string, Milestones>;
  /** Until the last Service was converged (with its ingress). */
  readonly createMs: number;
  /** Until nothing tagged with the cluster id was listed any more. */
  readonly deleteMs: number;
  readonly requests: { readonly create: Snapshot; readonly scale: Snapshot; readonly delete: Snapshot };
}

function sourcesOf(h: Harness): ProgressSources {
  return {
    core: h.core,
    custom: h.custom,
    namespace: NAMESPACE,
    loadBalancers: () => ownedLoadBalancers(h.cloud.session, h.clusterId),
    floatingIpDescriptions: async () =>
      (await ownedFloatingIps(h.cloud.session, h.clusterId)).map((f) => f.description),
  };
}

async function createPhase(h: Harness, services: readonly BenchService[]): Promise<Map<string, Milestones>> {
  const tracked: Tracked[] = [];
  for (const s of services) {
    await h.discovery.createNamespacedEndpointSlice({ namespace: NAMESPACE, body: s.slice });
    await h.core.createNamespacedService({ namespace: NAMESPACE, body: s.service });
    tracked.push({
      name: s.name,
      createdAt: Date.now(),
      members: s.members,
      wantsIngress: s.kind === 'loadbalancer',
    });
  }
  return track(sourcesOf(h), tracked, 1_200_000);
}

async function scalePhase(h: Harness, services: readonly BenchService[]): Promise<Map<string, Milestones>> {
  const tracked: Tracked[] = [];
  for (const [i, s] of services.entries()) {
    const body = scaledSlice(s, i);
    const name = body.metadata?.name ?? '';
    await h.discovery.replaceNamespacedEndpointSlice({ name, namespace: NAMESPACE, body });
    const members = (s.members / 2) * 3;
    tracked.push({ name: s.name, createdAt: Date.now(), members, wantsIngress: false });
  }
  return track(sourcesOf(h), tracked, 900_000);
}

async function deletePhase(h: Harness, services: readonly BenchService[]): Promise<Map<string, Milestones>> {
  const tracked: Tracked[] = [];
  for (const s of services) {
    await h.core.deleteNamespacedService({ name: s.name, namespace: NAMESPACE });
    tracked.push({ name: s.name, createdAt: Date.now(), members: 0, wantsIngress: false });
  }
  return trackReleased(sourcesOf(h), tracked, 1_200_000);
}

/** Runs the three phases against a started controller; `say` reports progress as it goes. */
export async function runController(
  h: Harness,
  services: readonly BenchService[],
  say: (line: string) => void,
): Promise<ControllerRun> {
  const base = await snapshot(h.registry());
  let t0 = Date.now();
  say(`controller: creating ${services.length} Services (slice first); waiting for them to converge`);
  const created = await createPhase(h, services);
  const createMs = Date.now() - t0;
  const afterCreate = await snapshot(h.registry());
  say(`controller: scaling ${services.length} slices by one endpoint`);
  const scaled = await scalePhase(h, services);
  const afterScale = await snapshot(h.registry());
  say(`controller: deleting ${services.length} Services; waiting for the releases`);
  t0 = Date.now();
  const released = await deletePhase(h, services);
  const deleteMs = Date.now() - t0;
  const afterDelete = await snapshot(h.registry());
  return {
    created,
    scaled,
    released,
    createMs,
    deleteMs,
    requests: {
      create: delta(afterCreate, base),
      scale: delta(afterScale, afterCreate),
      delete: delta(afterDelete, afterScale),
    },
  };
}
