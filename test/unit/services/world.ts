/**
 * A small world for reconciler tests: the simulated API server, the in-memory cloud, a
 * fake clock and the real reconciler wired as the controller wires it. The caches read the
 * server's store directly (an informer that is always in sync), so a test needs no waits.
 */
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import type { TranslateContext } from '../../../src/services/ports.js';
import { makeKubeClients, type KubeClients } from '../../../src/kube/clients.js';
import { makeEventRecorder } from '../../../src/kube/events.js';
import type { ServiceCaches } from '../../../src/kube/informers.js';
import type { KuryrLoadBalancer } from '../../../src/kube/klb.js';
import { silentLogger } from '../../../src/engine/observability.js';
import type { Result } from '../../../src/engine/result.js';
import type { CreateMode, ReconcilerMetrics, ReconcilerTiming } from '../../../src/services/deps.js';
import { makeServiceReconciler } from '../../../src/services/reconciler.js';
import { aNetworkContext, aProfile, aTranslateConfig } from '../../support/builders.js';
import { FakeClock } from '../../support/fake-clock.js';
import {
  startKubeApiServer,
  type KubeApiServer,
  type KubeObject,
} from '../../support/kube-apiserver/index.js';
import { MemoryCloud, type MemoryCloudOptions } from '../../support/memory-cloud.js';

export const CLUSTER_ID = 'c1';
export const TIMING: ReconcilerTiming = {
  pendingRequeueMs: 500,
  pendingRequeueMaxMs: 2000,
  verifyRequeueMs: 1000,
  stuckChildrenMs: 60_000,
};

/** What the reconciler reported to its metrics, as counters. */
export interface MetricsState {
  readonly actions: Map<string, number>;
  readonly createPaths: string[];
  readonly ingressLatencies: number[];
}

export interface World {
  readonly server: KubeApiServer;
  readonly kube: KubeClients;
  readonly clock: FakeClock;
  readonly cloud: MemoryCloud;
  readonly metrics: MetricsState;
  context: TranslateContext;
  reconcile(key: string): Promise<Result>;
  /** Reconciles `key` until it is not a requeue (advancing the clock by each requeue); all results. */
  converge(key: string, maxPasses?: number): Promise<Result[]>;
  service(name: string, namespace?: string): KubeObject | undefined;
  klb(name: string, namespace?: string): KuryrLoadBalancer | undefined;
  /** Core events about Service `name`, as `type reason` strings with their counts. */
  events(
    name: string,
    namespace?: string,
  ): { type: string; reason: string; message: string; count: number }[];
  stop(): Promise<void>;
}

/** Caches refreshed from the server before each reconcile (what a synced informer holds). */
interface RefreshedCaches extends ServiceCaches {
  refresh(): Promise<void>;
}

function listedCaches(kube: KubeClients): RefreshedCaches {
  let services: V1Service[] = [];
  let slices: V1EndpointSlice[] = [];
  const label = 'kubernetes.io/service-name';
  return {
    async refresh() {
      [services, slices] = await Promise.all([
        kube.core.listServiceForAllNamespaces().then((l) => l.items),
        kube.discovery.listEndpointSliceForAllNamespaces().then((l) => l.items),
      ]);
    },
    getService: (namespace, name) =>
      services.find((s) => s.metadata?.namespace === namespace && s.metadata.name === name),
    slicesFor: (namespace, serviceName) =>
      slices.filter((s) => s.metadata?.namespace === namespace && s.metadata.labels?.[label] === serviceName),
    serviceKeys: () => services.map((s) => `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`),
  };
}

function recordingMetrics(): { state: MetricsState; metrics: ReconcilerMetrics } {
  const state: MetricsState = { actions: new Map(), createPaths: [], ingressLatencies: [] };
  return {
    state,
    metrics: {
      actionExecuted: (kind) => state.actions.set(kind, (state.actions.get(kind) ?? 0) + 1),
      createPath: (path) => state.createPaths.push(path),
      ingressLatency: (s) => state.ingressLatencies.push(s),
    },
  };
}

/** Reconciler settings a test may change. */
export interface WorldOptions {
  readonly createMode?: CreateMode;
}

/** Starts a world; `cloud` options override the memory cloud's defaults. */
export async function startWorld(
  cloud: Partial<MemoryCloudOptions> = {},
  options: WorldOptions = {},
): Promise<World> {
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const server = await startKubeApiServer({ clock });
  const kube = makeKubeClients(server.kubeConfig());
  const memory = new MemoryCloud({ clusterId: CLUSTER_ID, ...cloud });
  const { state, metrics } = recordingMetrics();
  const logger = silentLogger();
  const caches = listedCaches(kube);
  const world: World = {
    server,
    kube,
    clock,
    cloud: memory,
    metrics: state,
    context: {
      config: aTranslateConfig({ clusterId: CLUSTER_ID }),
      network: aNetworkContext(),
      capabilities: aProfile(),
    },
    async reconcile(key) {
      await caches.refresh();
      return reconcile(key, new AbortController().signal);
    },
    async converge(key, maxPasses = 30) {
      const results: Result[] = [];
      for (let i = 0; i < maxPasses; i++) {
        const r = await world.reconcile(key);
        results.push(r);
        if (r.kind !== 'requeueAfter') return results;
        await clock.advance(r.ms);
      }
      throw new Error(`${key} did not converge in ${maxPasses} passes: ${JSON.stringify(results.slice(-3))}`);
    },
    service: (name, namespace = 'default') => server.store.get({ plural: 'services', namespace, name }),
    klb: (name, namespace = 'default') =>
      server.store.get({ apiVersion: 'openstack.org/v1', plural: 'kuryrloadbalancers', namespace, name }) as
        KuryrLoadBalancer | undefined,
    events: (name, namespace = 'default') =>
      server.store
        .list({ plural: 'events', namespace })
        .filter((e) => (e.involvedObject as { name?: string } | undefined)?.name === name)
        .map((e) => ({
          type: String(e.type),
          reason: String(e.reason),
          message: String(e.message),
          count: Number(e.count),
        })),
    stop: () => server.stop(),
  };
  const reconcile = makeServiceReconciler({
    caches,
    kube,
    events: makeEventRecorder({ clients: kube, logger, now: () => clock.now() }),
    cloud: memory,
    context: () => world.context,
    clusterId: CLUSTER_ID,
    timing: TIMING,
    createMode: options.createMode ?? 'auto',
    now: () => clock.now(),
    logger,
    metrics,
  });
  return world;
}
