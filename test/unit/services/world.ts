/**
 * A small world for reconciler tests: the simulated API server, the REST-level fake OpenStack
 * (test/support/fake-openstack, reached through our real session, clients, observer and
 * executor), a fake clock that drives both, and the real reconciler wired as the controller
 * wires it. The engine's per-key memory (the carry handed from one pass to the next, the
 * growing poll delay) is reproduced with the engine's own PollLimiter. The caches are
 * listed from the server before each pass (an informer that is always in sync), unless a
 * test declares them unsynced.
 */
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import type { Owner } from '../../../src/core/ownership.js';
import type { CreateMode } from '../../../src/core/plan/decision.js';
import { PollLimiter, type PollTiming } from '../../../src/engine/poll-limiter.js';
import type { Result } from '../../../src/engine/result.js';
import { silentLogger, type EngineLogger } from '../../../src/engine/observability.js';
import { makeKubeClients, type KubeClients } from '../../../src/kube/clients.js';
import { makeEventRecorder } from '../../../src/kube/events.js';
import type { KuryrLoadBalancer } from '../../../src/kube/klb.js';
import { SERVICE_NAME_LABEL } from '../../../src/core/translate/members.js';
import type { ObservedLoadBalancer } from '../../../src/core/model.js';
import * as floatingips from '../../../src/openstack/neutron/floatingips.js';
import type { FloatingIpRecord } from '../../../src/openstack/neutron/floatingips.js';
import * as loadbalancers from '../../../src/openstack/octavia/loadbalancers.js';
import { observeTree } from '../../../src/openstack/observe-tree.js';
import type { OpenStackSession } from '../../../src/openstack/session.js';
import type { SettledTiming } from '../../../src/core/plan/decision.js';
import { makeCloudPort } from '../../../src/services/cloud.js';
import { loadCloudContext } from '../../../src/services/context.js';
import type { ReconcilerMetrics, ReconcilerTiming } from '../../../src/services/deps.js';
import { makeKubePort } from '../../../src/services/kube-port.js';
import type { CloudPort, ReconcilerCaches, TranslateContext } from '../../../src/services/interfaces.js';
import { makeServiceReconciler } from '../../../src/services/reconciler.js';
import type { RecordedState } from '../../../src/services/record.js';
import { aProfile, aTranslateConfig, anOwner } from '../../support/builders.js';
import { FakeClock } from '../../support/fake-clock.js';
import { FakeOpenStack, fakeSession, type FakeOpenStackOptions } from '../../support/fake-openstack/index.js';
import {
  startKubeApiServer,
  type KubeApiServer,
  type KubeObject,
} from '../../support/kube-apiserver/index.js';

export const CLUSTER_ID = 'c1';
export const OWNER: Owner = anOwner(CLUSTER_ID);
export const TIMING: ReconcilerTiming = {
  verifyRequeueMs: 1000,
  stuckChildrenMs: 60_000,
  unsyncedRequeueMs: 2000,
};
export const POLL: PollTiming = { baseMs: 2000, maxMs: 10_000, factor: 1.5 };

/** What the reconciler reported to its metrics. */
export interface MetricsState {
  readonly actions: Map<string, number>;
  readonly createPaths: string[];
  readonly ingressLatencies: number[];
  readonly failures: string[];
  /** What the last pass of each Service recorded (src/services/record.ts recordedStateOf). */
  readonly recorded: Map<string, RecordedState>;
  readonly conflicts: number[];
}

/** One pass as the world ran it: the result and the delay the engine would wait. */
export interface Pass {
  readonly result: Result;
  readonly delayMs: number;
}

export interface World {
  readonly server: KubeApiServer;
  readonly kube: KubeClients;
  readonly clock: FakeClock;
  readonly fake: FakeOpenStack;
  readonly session: OpenStackSession;
  readonly cloud: CloudPort;
  readonly metrics: MetricsState;
  context: TranslateContext;
  /** The caches' sync state (null = synced). */
  unsynced: string | null;
  /** Keys of Services the cache does not show (a cache behind the API server). */
  readonly hidden: Set<string>;
  /** Service keys whose cached copy stays as last listed (a cache behind the API server). */
  readonly frozen: Set<string>;
  /** One pass of `key`, with the engine's carry and poll delay. */
  pass(key: string): Promise<Pass>;
  reconcile(key: string): Promise<Result>;
  /** Passes `key` until it ends (done, terminal, failed), advancing the clock by each delay. */
  converge(key: string, maxPasses?: number): Promise<Pass[]>;
  service(name: string, namespace?: string): KubeObject | undefined;
  klb(name: string, namespace?: string): KuryrLoadBalancer | undefined;
  /** Core events about Service `name`. */
  events(
    name: string,
    namespace?: string,
  ): { type: string; reason: string; message: string; count: number }[];
  /** Octavia/Neutron GETs and writes so far. */
  reads(): number;
  writes(): number;
  /** Writes so far by operation label (`octavia.loadbalancer.create`...). */
  writesBy(): Record<string, number>;
  /** Reads so far by operation label (`octavia.listener.list`...). */
  readsBy(): Record<string, number>;
  /** Every load balancer of the project, with its tree (a test's own reads, not counted). */
  loadBalancers(): Promise<ObservedLoadBalancer[]>;
  /** Every floating IP of the project (not counted). */
  floatingIps(): Promise<FloatingIpRecord[]>;
  /** Advances the clock until Octavia has no pending operation. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

function listedCaches(
  kube: KubeClients,
  world: { unsynced: string | null; hidden: Set<string>; frozen: Set<string> },
): ReconcilerCaches & { refresh(): Promise<void> } {
  let services: V1Service[] = [];
  let slices: V1EndpointSlice[] = [];
  let klbs: KuryrLoadBalancer[] = [];
  const at = (o: { metadata?: { namespace?: string; name?: string } }, ns: string, name: string): boolean =>
    o.metadata?.namespace === ns && o.metadata.name === name;
  return {
    async refresh() {
      const previous = services;
      const klbList = (await kube.custom.listClusterCustomObject({
        group: 'openstack.org',
        version: 'v1',
        plural: 'kuryrloadbalancers',
      })) as { items: KuryrLoadBalancer[] };
      [services, slices] = await Promise.all([
        kube.core.listServiceForAllNamespaces().then((l) => l.items),
        kube.discovery.listEndpointSliceForAllNamespaces().then((l) => l.items),
      ]);
      klbs = klbList.items;
      const keyOf = (s: V1Service): string => `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`;
      const kept = previous.filter((s) => world.frozen.has(keyOf(s)));
      services = [
        ...services.filter((s) => !world.hidden.has(keyOf(s)) && !world.frozen.has(keyOf(s))),
        ...kept,
      ];
    },
    getService: (ns, name) => services.find((s) => at(s, ns, name)),
    slicesFor: (ns, svc) =>
      slices.filter((s) => s.metadata?.namespace === ns && s.metadata.labels?.[SERVICE_NAME_LABEL] === svc),
    getKlb: (ns, name) => klbs.find((k) => at(k, ns, name)),
    serviceKeys: () => services.map((s) => `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`),
    unsynced: () => world.unsynced,
  };
}

function recordingMetrics(): { state: MetricsState; metrics: ReconcilerMetrics } {
  const state: MetricsState = {
    actions: new Map(),
    createPaths: [],
    ingressLatencies: [],
    failures: [],
    recorded: new Map(),
    conflicts: [],
  };
  return {
    state,
    metrics: {
      actionExecuted: (kind) => state.actions.set(kind, (state.actions.get(kind) ?? 0) + 1),
      createPath: (path) => state.createPaths.push(path),
      ingressLatency: (s) => state.ingressLatencies.push(s),
      failure: (kind, reason) => state.failures.push(`${kind} ${reason}`),
      serviceRecorded: (key, recorded) => {
        if (recorded === null) state.recorded.delete(key);
        else state.recorded.set(key, recorded);
      },
      ownershipConflicts: (count) => state.conflicts.push(count),
    },
  };
}

/** Reconciler and cloud settings a test may change. */
export interface WorldOptions {
  readonly createMode?: CreateMode;
  readonly cloud?: Omit<FakeOpenStackOptions, 'clock'>;
  /** The reconciler's logger (default: silent). */
  readonly logger?: EngineLogger;
  /** Settled licences (src/core/plan/settled.ts); absent: off, as before them. */
  readonly settled?: SettledTiming;
}

function delayOf(result: Result, polls: PollLimiter<string>, key: string): number {
  if (result.kind !== 'poll') polls.forget(key);
  if (result.kind === 'requeueAfter') return result.ms;
  if (result.kind === 'poll') return polls.when(key, result.token);
  return 0;
}

/** Starts a world on a fresh fake cloud. */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const server = await startKubeApiServer({ clock });
  const kube = makeKubeClients(server.kubeConfig(), { clock });
  const fake = new FakeOpenStack({ ...options.cloud, clock });
  const session = fakeSession(fake);
  const projectId = fake.info.project_id;
  const cloud = makeCloudPort({ session, owner: OWNER, projectId, now: () => clock.now() });
  const loaded = await loadCloudContext({
    session,
    project: projectId,
    serviceSubnetIds: [fake.info.service_subnet_id],
    podSubnetIds: [fake.info.pod_subnet_id],
    provider: 'amphora',
  });
  const { state, metrics } = recordingMetrics();
  const logger = options.logger ?? silentLogger();
  const carries = new Map<string, unknown>();
  const polls = new PollLimiter<string>(POLL);
  const sync = { unsynced: null as string | null, hidden: new Set<string>(), frozen: new Set<string>() };
  const caches = listedCaches(kube, sync);
  const config = aTranslateConfig({
    clusterId: CLUSTER_ID,
    memberMode: 'L3',
    externalSvcNet: fake.info.public_net_id,
  });
  let reconcile: ReturnType<typeof makeServiceReconciler> | null = null;
  const world: World = {
    server,
    kube,
    clock,
    fake,
    session,
    cloud,
    metrics: state,
    context: { config, network: loaded.network, capabilities: aProfile() },
    hidden: sync.hidden,
    frozen: sync.frozen,
    get unsynced() {
      return sync.unsynced;
    },
    set unsynced(v) {
      sync.unsynced = v;
    },
    async pass(key) {
      await caches.refresh();
      const ctx = { signal: new AbortController().signal, carry: carries.get(key), passId: `t-${key}` };
      const result = await (reconcile ?? unwired())(key, ctx);
      const carries_ = result.kind === 'poll' || result.kind === 'requeueAfter' || result.kind === 'done';
      const carry = carries_ ? result.carry : undefined;
      if (carry === undefined) carries.delete(key);
      else carries.set(key, carry);
      return { result, delayMs: delayOf(result, polls, key) };
    },
    async reconcile(key) {
      return (await world.pass(key)).result;
    },
    async converge(key, maxPasses = 60) {
      const passes: Pass[] = [];
      for (let i = 0; i < maxPasses; i++) {
        const p = await world.pass(key);
        passes.push(p);
        if (p.result.kind !== 'requeueAfter' && p.result.kind !== 'poll') return passes;
        await clock.advance(p.delayMs);
      }
      const last = passes.slice(-3).map((p) => p.result);
      throw new Error(`${key} did not converge in ${maxPasses} passes: ${JSON.stringify(last)}`);
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
    reads: () =>
      fake.requests.count({ kind: 'read', service: 'load-balancer' }) +
      fake.requests.count({ kind: 'read', service: 'network' }),
    writes: () =>
      fake.requests.count({ kind: 'write', service: 'load-balancer' }) +
      fake.requests.count({ kind: 'write', service: 'network' }),
    writesBy: () => ({
      ...fake.requests.byOperation({ kind: 'write', service: 'load-balancer' }),
      ...fake.requests.byOperation({ kind: 'write', service: 'network' }),
    }),
    readsBy: () => ({
      ...fake.requests.byOperation({ kind: 'read', service: 'load-balancer' }),
      ...fake.requests.byOperation({ kind: 'read', service: 'network' }),
    }),
    loadBalancers: () => uncounted(fake, () => projectTrees(session)),
    floatingIps: () => uncounted(fake, () => floatingips.listAll(session, {})),
    async settle() {
      for (let due = fake.nextDue(); due !== null; due = fake.nextDue()) {
        await clock.advance(Math.max(0, due - clock.now()) + 1);
        fake.settleDue();
      }
    },
    stop: () => server.stop(),
  };
  reconcile = makeServiceReconciler({
    caches,
    kube: makeKubePort(kube),
    events: makeEventRecorder({ clients: kube, logger, now: () => clock.now() }),
    cloud,
    context: () => world.context,
    owner: OWNER,
    projectId,
    timing: options.settled === undefined ? TIMING : { ...TIMING, settled: options.settled },
    createMode: options.createMode ?? 'auto',
    now: () => clock.now(),
    logger,
    metrics,
  });
  return world;
}

/** Runs `read` without leaving its requests in the fake's counters. */
async function uncounted<T>(fake: FakeOpenStack, read: () => Promise<T>): Promise<T> {
  const before = fake.requests.entries();
  const out = await read();
  fake.requests.reset();
  for (const e of before) for (let i = 0; i < e.count; i++) fake.requests.record(e);
  return out;
}

async function projectTrees(session: OpenStackSession): Promise<ObservedLoadBalancer[]> {
  const lbs = await loadbalancers.listAll(session, {});
  return Promise.all(lbs.map((lb) => observeTree(session, lb)));
}

function unwired(): never {
  throw new Error('world: reconciler not wired');
}
