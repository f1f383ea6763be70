/**
 * The real controller binary against the fake's HTTP face (prints what it saw, asserts
 * nothing): the simulated Kubernetes API server, a clouds.yaml and a kuryr.conf naming the
 * fake's subnets, N Services with EndpointSlices (half of them type LoadBalancer), until the
 * fake holds N ACTIVE load balancers with their members and floating IPs; then the Services
 * are deleted until nothing is left. The fake's request counts per Service are printed.
 *
 *   npx vite-node test/contract/controller-on-fake.ts -- [services] [endpoints]
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, DiscoveryV1Api } from '@kubernetes/client-node';
import { FakeOpenStack } from '../support/fake-openstack/cloud.js';
import { startFakeOpenStackServer } from '../support/fake-openstack/face-http.js';
import { kuryrConfFor } from '../support/fake-openstack/topology.js';
import { sliceManifest, serviceManifest } from '../support/e2e-harness.js';
import { startKubeApiServer } from '../support/kube-apiserver/index.js';
import { ensureBuilt, MAIN } from '../unit/app/cli-binary.js';

const [services = 20, endpoints = 10] = process.argv
  .slice(2)
  .filter((a) => a !== '--')
  .map(Number);

function kuryrConf(fake: FakeOpenStack): string {
  return kuryrConfFor(fake.info, { cluster_id: 'fakebench', pending_requeue_ms: 500 });
}

async function until(what: string, probe: () => boolean, boundMs: number): Promise<number> {
  const started = Date.now();
  while (!probe()) {
    if (Date.now() - started > boundMs) throw new Error(`gave up waiting for ${what}`);
    await sleep(200);
  }
  return Date.now() - started;
}

function settledWithMembers(fake: FakeOpenStack, count: number): boolean {
  fake.settleDue();
  const lbs = fake.octavia.loadBalancers.select({});
  return (
    lbs.length === count &&
    lbs.every((lb) => lb.provisioningStatus === 'ACTIVE') &&
    fake.octavia.members.size === count * endpoints
  );
}

async function main(): Promise<void> {
  await ensureBuilt();
  const fake = new FakeOpenStack({
    config: { octavia: { create: 3000, createPerChild: 200, update: 800, delete: 1500, jitter: 0.3 } },
  });
  const server = await startFakeOpenStackServer(fake, { latency: { fixedMs: 5, jitterMs: 10 } });
  const api = await startKubeApiServer({ serviceCidr: '10.2.0.0/17' });
  const dir = await mkdtemp(path.join(tmpdir(), 'ks-fake-controller-'));
  await server.writeCloudsYaml(path.join(dir, 'clouds.yaml'));
  await writeFile(path.join(dir, 'kubeconfig'), api.kubeConfig().exportConfig());
  await writeFile(path.join(dir, 'kuryr.conf'), kuryrConf(fake));
  const log = createWriteStream(path.join(dir, 'controller.log'));
  const args = [MAIN, 'controller', '--kubeconfig', path.join(dir, 'kubeconfig'), '--os-cloud', 'fake'];
  args.push(
    '--config',
    path.join(dir, 'kuryr.conf'),
    '--metrics-addr',
    'off',
    '--no-leader-elect',
    '--log-level',
    process.env.KS_LOG_LEVEL ?? 'info',
  );
  const child = spawn(process.execPath, args, {
    env: { ...process.env, OS_CLIENT_CONFIG_FILE: path.join(dir, 'clouds.yaml') },
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const core = api.kubeConfig().makeApiClient(CoreV1Api);
  const discovery = api.kubeConfig().makeApiClient(DiscoveryV1Api);
  try {
    const started = Date.now();
    for (let s = 0; s < services; s++) {
      const name = `web-${s}`;
      const type = s % 2 === 0 ? 'LoadBalancer' : 'ClusterIP';
      await core.createNamespacedService({
        namespace: 'default',
        body: serviceManifest(name, {
          type,
          selector: { app: name },
          ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
        }),
      });
      const ips = Array.from({ length: endpoints }, (_, e) => `10.1.${s % 250}.${e + 1}`);
      await discovery.createNamespacedEndpointSlice({
        namespace: 'default',
        body: sliceManifest(name, ips, [{ name: 'http', port: 8080 }]),
      });
    }
    const convergeMs = await until('every Service served', () => settledWithMembers(fake, services), 600_000);
    const fips = fake.neutron.floatingIps.select({}).filter((f) => f.portId !== null).length;
    process.stdout.write(
      `${services} Services × ${endpoints} endpoints: ACTIVE with members after ${((Date.now() - started) / 1000).toFixed(1)} s (${(convergeMs / 1000).toFixed(1)} s after the last create); ${fips} floating IPs bound\n`,
    );
    const perService = (filter: Parameters<typeof fake.requests.count>[0]) =>
      (fake.requests.count(filter) / services).toFixed(1);
    process.stdout.write(
      `per Service: Octavia ${perService({ service: 'load-balancer', kind: 'read' })} reads / ${perService({ service: 'load-balancer', kind: 'write' })} writes, Neutron ${perService({ service: 'network', kind: 'read' })} reads / ${perService({ service: 'network', kind: 'write' })} writes\n`,
    );
    const reads = fake.requests.byOperation({ kind: 'read' });
    for (const [op, n] of Object.entries(reads))
      process.stdout.write(`  ${op}: ${(n / services).toFixed(2)}\n`);
    fake.requests.reset();
    for (let s = 0; s < services; s++)
      await core.deleteNamespacedService({ namespace: 'default', name: `web-${s}` });
    const releaseMs = await until(
      'everything released',
      () => (fake.settleDue(), fake.octavia.loadBalancers.size === 0 && fake.neutron.floatingIps.size === 0),
      600_000,
    );
    process.stdout.write(
      `released in ${(releaseMs / 1000).toFixed(1)} s; per Service: Octavia ${perService({ service: 'load-balancer' })} requests, Neutron ${perService({ service: 'network' })}\n`,
    );
    for (const [op, n] of Object.entries(fake.requests.byOperation({ kind: 'read' })))
      process.stdout.write(`  ${op}: ${(n / services).toFixed(2)}\n`);
    process.stdout.write(`controller log: ${path.join(dir, 'controller.log')}\n`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await api.stop();
    await server.close();
  }
}

await main();
