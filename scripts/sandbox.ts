/**
 * `npm run sandbox` (via scripts/sandbox): the simulated Kubernetes API server, the real
 * controller binary and the local OpenStack test cloud, with the example manifests applied
 * and a live table of their load balancers. Shows a scale-up and a delete, then runs until
 * SIGINT/SIGTERM (or, with --once, stops at once); on stop it deletes the demo Services and
 * waits (bounded) until the controller released every load balancer of cluster id `sandbox`.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, DiscoveryV1Api } from '@kubernetes/client-node';
import { makeKubeClients } from '../src/kube/clients.js';
import { readClusterIdentity } from '../src/kube/live-reads.js';
import { startKubeApiServer, type KubeApiServer } from '../test/support/kube-apiserver/index.js';
import {
  loadTestcloudInfo,
  testcloudCloudsYaml,
  testcloudDir,
  testcloudSession,
} from '../test/support/testcloud.js';
import type { OpenedSession } from '../src/openstack/keystone/open.js';
import type { OpenStackSession } from '../src/openstack/session.js';
import {
  ensureUserFloatingIp,
  ownedFloatingIps,
  ownedLoadBalancers,
  removeLeftovers,
  waitUntil,
} from './sandbox-parts/cloud.js';
import { startControllerProcess, type ControllerProcess } from './sandbox-parts/controller-process.js';
import { deleteOne, pickTargets, scaleUp, waitAllActive, type DemoContext } from './sandbox-parts/demo.js';
import { LiveView } from './sandbox-parts/live.js';
import {
  applyExamples,
  deleteServices,
  loadExamples,
  type ExampleObjects,
} from './sandbox-parts/manifests.js';

const CLUSTER_ID = 'sandbox';
const NAMESPACE = 'demo';
const RELEASE_TIMEOUT_MS = 300_000;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Flags {
  readonly once: boolean;
}

interface Running {
  readonly workDir: string;
  readonly cloud: OpenedSession;
  readonly api: KubeApiServer;
  readonly controller: ControllerProcess;
  readonly view: LiveView;
  readonly core: CoreV1Api;
  readonly discovery: DiscoveryV1Api;
}

const say = (line: string): void => {
  process.stdout.write(`sandbox: ${line}\n`);
};

async function writeKuryrConf(workDir: string): Promise<string> {
  const base = await readFile(path.join(testcloudDir(), 'kuryr.conf'), 'utf8');
  const lines = base.split('\n').filter((l) => !/^\s*cluster_id\s*=/.test(l));
  const at = lines.findIndex((l) => l.trim() === '[kuryr_services]');
  const extra = [`cluster_id = ${CLUSTER_ID}`, 'pending_requeue_ms = 1000'];
  if (at < 0) lines.push('', '[kuryr_services]', ...extra);
  else lines.splice(at + 1, 0, ...extra);
  const file = path.join(workDir, 'kuryr.conf');
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

/** Allocates the floating IPs named by `loadBalancerIP` in the examples; true when any was allocated now. */
async function allocateUserFloatingIps(user: OpenStackSession, examples: ExampleObjects): Promise<boolean> {
  const info = await loadTestcloudInfo();
  const admin = await testcloudSession({ cloud: info.admin_cloud });
  let allocated = false;
  try {
    for (const svc of examples.services) {
      const address = svc.spec?.loadBalancerIP;
      if (address === undefined || address === '') continue;
      const target = { networkId: info.public_net_id, projectId: info.project_id, address };
      if (!(await ensureUserFloatingIp(user, admin.session, target))) continue;
      say(`allocated floating IP ${address} for Service ${svc.metadata?.name ?? ''}, as its user would have`);
      allocated = true;
    }
  } finally {
    admin.close();
  }
  return allocated;
}

async function removeEarlierLeftovers(cloud: OpenedSession): Promise<void> {
  const left = await removeLeftovers(cloud.session, CLUSTER_ID);
  if (left.remaining > 0)
    throw new Error(
      `${left.remaining} load balancer(s) of an earlier run are still being deleted; retry later`,
    );
  if (left.loadBalancers + left.floatingIps > 0)
    say(
      `removed leftovers of an earlier run: ${left.loadBalancers} load balancer(s), ${left.floatingIps} floating IP(s)`,
    );
}

async function spawnController(workDir: string, api: KubeApiServer): Promise<ControllerProcess> {
  const kubeconfig = path.join(workDir, 'kubeconfig');
  await writeFile(kubeconfig, api.kubeConfig().exportConfig());
  const logFile = path.join(workDir, 'controller.log');
  say(`simulated Kubernetes API server at ${api.url} (kubeconfig ${kubeconfig})`);
  say(`starting the controller; its JSON logs go to ${logFile}`);
  const controller = await startControllerProcess({
    mainJs: path.join(repoRoot, 'dist', 'src', 'app', 'main.js'),
    kubeconfig,
    kuryrConf: await writeKuryrConf(workDir),
    cloudsYaml: testcloudCloudsYaml(),
    logFile,
  });
  say(
    `controller running (pid ${controller.pid}, cluster id "${CLUSTER_ID}", metrics ${controller.metricsUrl}/metrics)`,
  );
  return controller;
}

async function startAll(examples: ExampleObjects): Promise<Running> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'kuryr-sandbox-'));
  const cloud = await testcloudSession();
  await removeEarlierLeftovers(cloud);
  const api = await startKubeApiServer({ serviceCidr: '10.2.0.0/17' });
  const controller = await spawnController(workDir, api);
  await allocateUserFloatingIps(cloud.session, examples);
  const kc = api.kubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  const kube = makeKubeClients(kc);
  const writer = await readClusterIdentity(kube, AbortSignal.timeout(30_000));
  const view = new LiveView(
    {
      kube,
      session: cloud.session,
      owner: { clusterId: CLUSTER_ID, writer },
      projectId: await cloud.session.projectId(),
      namespace: NAMESPACE,
    },
    process.stdout,
  );
  return { workDir, cloud, api, controller, view, core, discovery: kc.makeApiClient(DiscoveryV1Api) };
}

async function runDemo(r: Running, examples: ExampleObjects, signal: AbortSignal): Promise<void> {
  const ctx: DemoContext = {
    core: r.core,
    discovery: r.discovery,
    namespace: NAMESPACE,
    view: r.view,
    signal,
  };
  r.view.narrate(
    `applying examples/manifests: namespace ${NAMESPACE}, ${examples.services.length} Services, ${examples.slices.length} EndpointSlices`,
  );
  await applyExamples(r, examples);
  r.view.start();
  await waitAllActive(ctx);
  const targets = pickTargets(r.view.current());
  await scaleUp(ctx, targets.scale);
  await deleteOne(ctx, targets.remove);
}

/** Deletes the demo Services and waits until the controller released them; true when it did in time. */
async function release(r: Running): Promise<boolean> {
  const names = await deleteServices(r.core, NAMESPACE);
  r.view.narrate(
    `stopping: deleted Services ${names.join(', ') || '(none)'}; waiting for the controller to release them`,
  );
  const released = await waitUntil(RELEASE_TIMEOUT_MS, async () => {
    const [lbs, fips] = await Promise.all([
      ownedLoadBalancers(r.cloud.session, CLUSTER_ID),
      ownedFloatingIps(r.cloud.session, CLUSTER_ID),
    ]);
    return lbs.length === 0 && fips.length === 0;
  });
  r.view.narrate(
    released
      ? 'released: no load balancer or floating IP tagged "sandbox" remains'
      : `not released within ${RELEASE_TIMEOUT_MS / 1000} s: deleting what is left directly`,
  );
  return released;
}

async function shutdown(r: Running): Promise<boolean> {
  let released = false;
  try {
    released = await release(r);
  } catch (err) {
    say(`release failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await r.view.stop();
    const code = await r.controller.stop();
    say(`controller stopped (exit code ${String(code)})`);
    // Whatever the controller left (or a user FIP the sandbox allocated) goes now.
    const left = await removeLeftovers(r.cloud.session, CLUSTER_ID);
    if (left.remaining > 0)
      say(
        `WARNING: ${left.remaining} load balancer(s) tagged "${CLUSTER_ID}" still listed; the next run removes them`,
      );
    if (!released || left.loadBalancers > 0)
      say(`removed directly: ${left.loadBalancers} load balancer(s), ${left.floatingIps} floating IP(s)`);
    await r.api.stop();
    r.cloud.close();
    say(`simulated API server stopped; work files kept in ${r.workDir}`);
  }
  return released;
}

function parseFlags(argv: readonly string[]): Flags {
  const unknown = argv.filter((a) => a !== '--once' && a !== '--keep-cloud');
  if (unknown.length > 0)
    throw new Error(`unknown argument(s): ${unknown.join(' ')} (flags: --once, --keep-cloud)`);
  return { once: argv.includes('--once') };
}

function onStopSignals(stop: AbortController): void {
  const handler = (signal: string): void => {
    if (stop.signal.aborted) {
      say(`${signal}: already stopping, cleaning up (this takes up to ${RELEASE_TIMEOUT_MS / 1000} s)`);
      return;
    }
    say(`${signal}: stopping`);
    stop.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2));
  const stop = new AbortController();
  onStopSignals(stop);
  const examples = await loadExamples(path.join(repoRoot, 'examples', 'manifests'));
  const running = await startAll(examples);
  let demoOk = true;
  try {
    await runDemo(running, examples, stop.signal);
    if (!flags.once && !stop.signal.aborted) {
      running.view.narrate('demo done; the controller keeps running. Ctrl-C to stop and clean up.');
      await new Promise((resolve) => {
        stop.signal.addEventListener('abort', resolve, { once: true });
      });
    }
  } catch (err) {
    demoOk = stop.signal.aborted && !flags.once;
    say(`${demoOk ? 'stopped' : 'FAILED'}: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    const released = await shutdown(running);
    demoOk &&= released;
  }
  return demoOk ? 0 : 1;
}

// Exits explicitly: after a failed start, servers and sockets may still hold the event loop.
main().then(
  (code) => {
    process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`sandbox: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
