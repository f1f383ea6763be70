/**
 * The stage of a chaos run: the simulated API server (in this process), the two fault proxies
 * in front of the test cloud's Octavia and Neutron, the real controller binary behind them,
 * direct sessions on the cloud (the run's own reads and the admin's token revocation), and the
 * observer. `close()` tears it all down; the cloud clean-up is the caller's.
 */
import { CoreV1Api, DiscoveryV1Api } from '@kubernetes/client-node';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { OpenedSession } from '../../src/openstack/keystone/open.js';
import { startKubeApiServer, type KubeApiServer } from '../../test/support/kube-apiserver/index.js';
import { loadTestcloudInfo, testcloudSession, type TestcloudInfo } from '../../test/support/testcloud.js';
import { chaosController, type ChaosController } from './controller.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { startObserver, type Observer } from './observer.js';
import type { Rng } from './prng.js';
import type { Slot } from './world.js';

/** Everything a run acts on. */
export interface Scene {
  readonly clusterId: string;
  readonly workDir: string;
  readonly api: KubeApiServer;
  readonly core: CoreV1Api;
  readonly discovery: DiscoveryV1Api;
  readonly cloud: OpenedSession;
  readonly admin: OpenedSession;
  readonly info: TestcloudInfo;
  readonly octavia: FaultProxy;
  readonly neutron: FaultProxy;
  readonly controller: ChaosController;
  readonly observer: Observer;
  close(): Promise<void>;
}

/** What the scene is built from. */
export interface SceneOptions {
  readonly mainJs: string;
  readonly rng: Rng;
  readonly stallMs: number;
  readonly slots: readonly Slot[];
}

function endpoint(info: TestcloudInfo, service: string): string {
  const url = info.endpoints[service];
  if (url === undefined) throw new Error(`testcloud.json names no ${service} endpoint`);
  return url;
}

/** Builds the scene (the controller is not started yet). */
export async function buildScene(opts: SceneOptions): Promise<Scene> {
  const clusterId = `chaos-${randomUUID().slice(0, 8)}`;
  const workDir = await mkdtemp(path.join(tmpdir(), 'chaos-'));
  const info = await loadTestcloudInfo();
  const [api, cloud, admin, octavia, neutron] = await Promise.all([
    startKubeApiServer({ serviceCidr: '10.2.0.0/17' }),
    testcloudSession(),
    testcloudSession({ cloud: 'testcloud-admin' }),
    startFaultProxy({
      target: endpoint(info, 'load-balancer'),
      rng: opts.rng.fork('octavia'),
      stallMs: opts.stallMs,
    }),
    startFaultProxy({
      target: endpoint(info, 'network'),
      rng: opts.rng.fork('neutron'),
      stallMs: opts.stallMs,
    }),
  ]);
  const kc = api.kubeConfig();
  const kubeconfig = path.join(workDir, 'kubeconfig');
  await writeFile(kubeconfig, kc.exportConfig());
  const controller = await chaosController({
    mainJs: opts.mainJs,
    workDir,
    kubeconfig,
    clusterId,
    overrides: { loadBalancer: octavia.url, network: neutron.url },
  });
  const aliveUids = (): ReadonlySet<string> => new Set(opts.slots.filter((s) => s.alive).map((s) => s.uid));
  const observer = startObserver(cloud.session, clusterId, aliveUids);
  return {
    clusterId,
    workDir,
    api,
    core: kc.makeApiClient(CoreV1Api),
    discovery: kc.makeApiClient(DiscoveryV1Api),
    cloud,
    admin,
    info,
    octavia,
    neutron,
    controller,
    observer,
    close: async () => {
      await observer.stop();
      await controller.stop();
      await Promise.all([octavia.stop(), neutron.stop(), api.stop()]);
      cloud.close();
      admin.close();
    },
  };
}

/**
 * Revokes the token the controller last sent through the proxies (DELETE /v3/auth/tokens as
 * the admin); returns what Keystone answered, for the report.
 */
export async function revokeControllerToken(scene: Scene): Promise<string> {
  const subject = scene.octavia.lastToken() ?? scene.neutron.lastToken();
  if (subject === null) return 'no token seen yet';
  const adminToken = await scene.admin.session.token();
  const base = endpoint(scene.info, 'identity').replace(/\/$/, '');
  const res = await fetch(`${base}/auth/tokens`, {
    method: 'DELETE',
    headers: { 'X-Auth-Token': adminToken, 'X-Subject-Token': subject },
    signal: AbortSignal.timeout(10_000),
  });
  return `HTTP ${res.status}`;
}
