/**
 * End-to-end harness: the simulated Kubernetes API server + the real controller (in
 * process, restartable) + the real local OpenStack test cloud. Each harness uses its own
 * cluster id, so its ownership tags never match another test's objects; `dispose()`
 * deletes every Service, lets the controller release them, and then checks that the
 * cloud holds nothing tagged with that cluster id.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  type V1EndpointSlice,
  type V1Service,
} from '@kubernetes/client-node';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { parseKuryrConf, type AppConfig } from '../../src/app/config/kuryr-conf.js';
import { startController, type RunningController } from '../../src/app/controller.js';
import type { ObservedFloatingIp } from '../../src/core/model.js';
import { clusterTag, OWNER_TAG, type Owner } from '../../src/core/ownership.js';
import { systemClock } from '../../src/engine/clock.js';
import type { OpenedSession } from '../../src/openstack/keystone/open.js';
import * as floatingips from '../../src/openstack/neutron/floatingips.js';
import { observeTree } from '../../src/openstack/observe-tree.js';
import type { LoadBalancerRecord } from '../../src/openstack/octavia/loadbalancers.js';
import * as loadbalancers from '../../src/openstack/octavia/loadbalancers.js';
import { startKubeApiServer, type KubeApiServer } from './kube-apiserver/index.js';
import { loadTestcloudInfo, testcloudDir, testcloudSession, type TestcloudInfo } from './testcloud.js';
import { waitFor } from './wait.js';

export interface Harness {
  readonly api: KubeApiServer;
  readonly core: CoreV1Api;
  readonly discovery: DiscoveryV1Api;
  readonly custom: CustomObjectsApi;
  readonly cloud: OpenedSession;
  readonly info: TestcloudInfo;
  readonly clusterId: string;
  readonly config: AppConfig;
  /** The kuryr.conf text `config` was parsed from (for the CLI binary). */
  readonly configText: string;
  /** The identity the controller writes under: this cluster id, and the kube-system namespace uid as writer. */
  owner(): Promise<Owner>;
  /** Metrics registry of the controller instance currently running (new per start). */
  registry(): Registry;
  startController(): Promise<void>;
  /** Stops the controller; `drainTimeoutMs: 0` aborts in-flight reconciles (a crash, as far as OpenStack can tell). */
  stopController(drainTimeoutMs?: number): Promise<void>;
  /** Load balancers tagged with this harness' cluster id, with their trees. */
  ownedLoadBalancers(): Promise<OwnedTree[]>;
  /** Floating IPs tagged with this harness' cluster id. */
  ownedFloatingIps(): Promise<ObservedFloatingIp[]>;
  dispose(): Promise<void>;
}

export type OwnedTree = Awaited<ReturnType<typeof observeTree>>;

export interface HarnessOptions {
  /** Extra kuryr.conf lines appended to [kuryr_services]. */
  readonly extraConf?: string;
  readonly workers?: number;
  /** How long `dispose()` waits for the controller to release everything (default 600 s). */
  readonly disposeTimeoutMs?: number;
}

async function loadConfig(
  clusterId: string,
  options: HarnessOptions,
): Promise<{ config: AppConfig; text: string }> {
  const file = path.join(testcloudDir(), 'kuryr.conf');
  const base = await readFile(file, 'utf8');
  const text =
    base.replace(/^cluster_id\s*=.*$/m, '') +
    `\n[kuryr_services]\ncluster_id = ${clusterId}\nworkers = ${options.workers ?? 4}\npending_requeue_ms = 500\n${options.extraConf ?? ''}\n`;
  const merged = mergeSections(text);
  return { config: parseKuryrConf(merged, file).config, text: merged };
}

/** INI files may repeat a section; merge repeats so later keys win. */
function mergeSections(text: string): string {
  const sections = new Map<string, string[]>();
  let current = '';
  for (const line of text.split('\n')) {
    const m = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (m?.[1] !== undefined) {
      current = m[1];
      if (!sections.has(current)) sections.set(current, []);
      continue;
    }
    if (line.trim() === '') continue;
    const list = sections.get(current) ?? [];
    list.push(line);
    sections.set(current, list);
  }
  return [...sections.entries()]
    .map(([name, lines]) => (name === '' ? lines.join('\n') : `[${name}]\n${lines.join('\n')}`))
    .join('\n\n');
}

/** Starts the API server and opens the cloud session; the controller starts with `startController()`. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clusterId = `e2e-${randomUUID().slice(0, 8)}`;
  const [info, { config, text: configText }, cloud, api] = await Promise.all([
    loadTestcloudInfo(),
    loadConfig(clusterId, options),
    testcloudSession(),
    startKubeApiServer({ serviceCidr: '10.2.0.0/17' }),
  ]);
  const kc = api.kubeConfig();
  let running: RunningController | null = null;
  let registry = new Registry();
  const logger = pino({ level: process.env.KS_TEST_LOG_LEVEL ?? 'silent' });
  const tags = [OWNER_TAG, clusterTag(clusterId)];
  const harness: Harness = {
    api,
    core: kc.makeApiClient(CoreV1Api),
    discovery: kc.makeApiClient(DiscoveryV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    cloud,
    info,
    clusterId,
    config,
    configText,
    async owner() {
      const ns = await harness.core.readNamespace({ name: 'kube-system' });
      const uid = ns.metadata?.uid;
      if (uid === undefined) throw new Error('kube-system namespace has no uid');
      return { clusterId, writer: uid };
    },
    registry: () => registry,
    async startController() {
      if (running !== null) throw new Error('controller already running');
      registry = new Registry();
      const session = (await testcloudSession({ registry, logger })).session;
      running = await startController({
        kubeConfig: kc,
        session,
        config,
        logger,
        registry,
        clock: systemClock(),
        ops: null,
        stuckChildrenMs: 20_000,
      });
      // The boot runs behind the cache-sync gate; the workers run once it resolves.
      await running.ready;
    },
    async stopController(drainTimeoutMs = 10_000) {
      const r = running;
      running = null;
      await r?.stop(drainTimeoutMs);
    },
    async ownedLoadBalancers() {
      const lbs: LoadBalancerRecord[] = await loadbalancers.listAll(cloud.session, { tags });
      return Promise.all(lbs.map((lb) => observeTree(cloud.session, lb)));
    },
    async ownedFloatingIps() {
      return floatingips.listAll(cloud.session, { tags });
    },
    async dispose() {
      try {
        await disposeHarness(harness, () => running !== null, options.disposeTimeoutMs ?? 600_000);
      } finally {
        await harness.stopController(1000);
        await api.stop();
        cloud.close();
      }
    },
  };
  return harness;
}

async function disposeHarness(
  h: Harness,
  controllerRunning: () => boolean,
  timeoutMs: number,
): Promise<void> {
  if (!controllerRunning()) await h.startController();
  const services = await h.core.listServiceForAllNamespaces();
  for (const svc of services.items) {
    const { name, namespace } = svc.metadata ?? {};
    if (name === undefined || namespace === undefined || (namespace === 'default' && name === 'kubernetes'))
      continue;
    await h.core.deleteNamespacedService({ name, namespace });
  }
  await waitFor('every Service released', timeoutMs, async () => {
    const left = await h.core.listServiceForAllNamespaces();
    const lbs = await h.ownedLoadBalancers();
    const fips = await h.ownedFloatingIps();
    return (
      left.items.filter((s) => s.metadata?.name !== 'kubernetes').length === 0 &&
      lbs.length === 0 &&
      fips.length === 0
    );
  });
}

/** A Service manifest in `namespace` (ClusterIP allocated by the API server unless given). */
export function serviceManifest(
  name: string,
  spec: NonNullable<V1Service['spec']>,
  namespace = 'default',
): V1Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec };
}

/** An EndpointSlice for Service `service` with ready endpoints at `ips` on named `ports`. */
export function sliceManifest(
  service: string,
  ips: readonly string[],
  ports: readonly { name?: string; port: number; protocol?: string }[],
  options: { namespace?: string; name?: string; notReady?: readonly string[] } = {},
): V1EndpointSlice {
  const namespace = options.namespace ?? 'default';
  const endpoint = (ip: string, ready: boolean, i: number) => ({
    addresses: [ip],
    conditions: { ready, serving: true, terminating: !ready },
    targetRef: { kind: 'Pod', namespace, name: `${service}-pod-${i}` },
  });
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: options.name ?? `${service}-slice`,
      namespace,
      labels: { 'kubernetes.io/service-name': service },
    },
    addressType: 'IPv4',
    endpoints: [
      ...ips.map((ip, i) => endpoint(ip, true, i)),
      ...(options.notReady ?? []).map((ip, i) => endpoint(ip, false, ips.length + i)),
    ],
    ports: ports.map((p) => ({
      ...(p.name === undefined ? {} : { name: p.name }),
      port: p.port,
      protocol: p.protocol ?? 'TCP',
    })),
  };
}
