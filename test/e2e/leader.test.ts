/**
 * Leader election end to end with the REAL controller binary: two `main.js controller
 * --leader-elect` processes share the simulated API server and the local test cloud. Exactly
 * one holds the Lease and runs the controller; after `kill -9` of that leader the standby
 * takes the Lease over (one more transition) once it expires, gives a new Service its load
 * balancer and applies a member change to the old one; deleting both Services leaves nothing
 * tagged with the test's cluster id, and SIGTERM stops the survivor (exit 0, Lease released).
 * A poller checks that no Service ever has two load balancers at once.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoordinationV1Api, CoreV1Api, DiscoveryV1Api, type V1Lease } from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ObservedLoadBalancer } from '../../src/core/model.js';
import type { OpenedSession } from '../../src/openstack/keystone/open.js';
import { observeTree } from '../../src/openstack/observe-tree.js';
import { serviceManifest, sliceManifest, waitFor } from '../support/e2e-harness.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube-apiserver/index.js';
import { testcloudCloudsYaml, testcloudSession } from '../support/testcloud.js';
import {
  answers,
  buildController,
  freePort,
  logLines,
  metricValue,
  removeTagged,
  spawnController,
  tail,
  taggedFloatingIps,
  taggedLoadBalancers,
  watchDuplicates,
  writeKuryrConf,
  type BuiltController,
  type ControllerChild,
} from './support-leader.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const NS = 'default';
const LEASE = { name: 'kuryr-services-controller', namespace: NS };
/** Octavia on the shared two-core cloud: creates take 20-60 s alone, longer behind others' work. */
const SETTLE_MS = 600_000;
const STEP_MS = 900_000;
/** leaseDuration 15 s + one jittered retry (≤ 4.4 s) after the last renewal, with room for a loaded machine. */
const TAKEOVER_MS = 30_000;

interface Scene {
  built: BuiltController;
  workDir: string;
  api: KubeApiServer;
  cloud: OpenedSession;
  clusterId: string;
  leases: CoordinationV1Api;
  core: CoreV1Api;
  discovery: DiscoveryV1Api;
  children: ControllerChild[];
  dupes: ReturnType<typeof watchDuplicates>;
}

async function lease(s: Scene): Promise<V1Lease | null> {
  return s.leases.readNamespacedLease(LEASE).catch(() => null);
}

function holderOf(l: V1Lease | null): string {
  return l?.spec?.holderIdentity ?? '';
}

/** The child whose POD_NAME the Lease holder identity starts with, or undefined. */
function childHolding(s: Scene, l: V1Lease | null): ControllerChild | undefined {
  const holder = holderOf(l);
  return s.children.find((c) => holder.startsWith(`${c.podName}_`));
}

async function startChild(
  s: { readonly mainJs: string; readonly workDir: string },
  podName: string,
  kuryrConf: string,
): Promise<ControllerChild> {
  const port = await freePort();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OS_')));
  const args = ['controller', '--kubeconfig', path.join(s.workDir, 'kubeconfig'), '--os-cloud', 'testcloud'];
  args.push('--config', kuryrConf, '--metrics-addr', `127.0.0.1:${port}`, '--log-level', 'info');
  args.push('--leader-elect', '--leader-elect-namespace', NS);
  return spawnController({
    mainJs: s.mainJs,
    args,
    env: { ...env, OS_CLIENT_CONFIG_FILE: testcloudCloudsYaml(), POD_NAME: podName },
    podName,
    port,
    logFile: path.join(s.workDir, `${podName}.log`),
  });
}

/** When (epoch ms) `child` logged `msg` first, or null. */
async function loggedAt(child: ControllerChild, msg: string): Promise<number | null> {
  return (await logLines(child.logFile)).find((l) => l.msg === msg)?.time ?? null;
}

async function waitLogged(child: ControllerChild, msg: string, timeoutMs: number): Promise<number> {
  const box: { at: number | null } = { at: null };
  await waitFor(`${child.podName} logs "${msg}"`, timeoutMs, async () => {
    if (!child.running()) throw new Error(`${child.podName} exited:\n${await tail(child.logFile)}`);
    box.at = await loggedAt(child, msg);
    return box.at !== null;
  }).catch(async (err: unknown) => {
    throw new Error(`${String(err)}\n${child.podName}:\n${await tail(child.logFile)}`, { cause: err });
  });
  if (box.at === null) throw new Error(`${child.podName}: "${msg}" not logged`);
  return box.at;
}

/** Creates the EndpointSlice (pods on 8080), then Service `name` (80 → 8080) on `clusterIP`. */
async function createService(
  s: Scene,
  name: string,
  clusterIP: string,
  podIps: readonly string[],
): Promise<void> {
  await s.discovery.createNamespacedEndpointSlice({
    namespace: NS,
    body: sliceManifest(name, podIps, [{ name: 'http', port: 8080 }]),
  });
  const spec = { clusterIP, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] };
  await s.core.createNamespacedService({ namespace: NS, body: serviceManifest(name, spec, NS) });
}

/** Waits until Service `name` has exactly one tagged LB on `vip`, its tree ACTIVE with exactly `members`. */
async function waitServed(
  s: Scene,
  name: string,
  vip: string,
  members: readonly string[],
): Promise<ObservedLoadBalancer> {
  let found: ObservedLoadBalancer | undefined;
  await waitFor(
    `${name}: one ACTIVE LB on ${vip} with members ${members.join(', ')}`,
    SETTLE_MS,
    async () => {
      const lbs = (await taggedLoadBalancers(s.cloud.session, s.clusterId)).filter(
        (lb) => lb.name === `${NS}/${name}`,
      );
      const [only] = lbs;
      if (lbs.length !== 1 || only?.provisioningStatus !== 'ACTIVE') return false;
      const tree = await observeTree(s.cloud.session, only);
      const pool = tree.pools[0];
      const addresses = (pool?.members ?? []).map((m) => `${m.address}:${m.protocolPort}`).sort();
      const active = [...tree.listeners, ...tree.pools, ...(pool?.members ?? [])].every(
        (c) => c.provisioningStatus === 'ACTIVE',
      );
      found = tree;
      return (
        tree.vipAddress === vip &&
        tree.pools.length === 1 &&
        active &&
        addresses.join(',') === members.map((ip) => `${ip}:8080`).join(',')
      );
    },
  );
  if (found === undefined) throw new Error(`${name}: no load balancer`);
  return found;
}

/** Anything tagged left at the end is a failure: reported, then deleted (cascade). */
async function removeLeftovers(cloud: OpenedSession, clusterId: string): Promise<string[]> {
  const lbs = await taggedLoadBalancers(cloud.session, clusterId);
  const fips = await taggedFloatingIps(cloud.session, clusterId);
  if (lbs.length + fips.length === 0) return [];
  const names = lbs.map((lb) => `${lb.name} ${lb.id} ${lb.provisioningStatus}`).join(', ');
  const problems = [`left in the cloud: load balancers [${names}], ${fips.length} floating IP(s)`];
  if (!(await removeTagged(cloud.session, clusterId, 600_000)))
    problems.push('still there after 600 s of cleanup');
  return problems;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const say = (line: string): void => {
  process.stderr.write(`leader e2e: ${line}\n`);
};

describe('leader election with the real controller binary (two processes, one Lease)', () => {
  const p: Partial<Scene> = {};
  const scene = (): Scene => {
    if (p.children?.length !== 2) throw new Error('the scene was not set up');
    return p as Scene;
  };
  let failed = false;
  let leader: ControllerChild | undefined;
  let standby: ControllerChild | undefined;

  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      failed = true;
    });
  });

  beforeAll(async () => {
    const started = Date.now();
    p.built = await buildController(repoRoot);
    const clusterId = `e2e-ldr-${randomUUID().slice(0, 8)}`;
    p.clusterId = clusterId;
    const workDir = await mkdtemp(path.join(tmpdir(), 'leader-e2e-'));
    p.workDir = workDir;
    const api = await startKubeApiServer({ serviceCidr: '10.2.0.0/17' });
    p.api = api;
    const cloud = await testcloudSession();
    p.cloud = cloud;
    const kc = api.kubeConfig();
    p.leases = kc.makeApiClient(CoordinationV1Api);
    p.core = kc.makeApiClient(CoreV1Api);
    p.discovery = kc.makeApiClient(DiscoveryV1Api);
    p.dupes = watchDuplicates(cloud.session, clusterId);
    await writeFile(path.join(workDir, 'kubeconfig'), kc.exportConfig());
    const conf = await writeKuryrConf(workDir, clusterId);
    p.children = [];
    for (const podName of ['leader-e2e-a', 'leader-e2e-b'])
      p.children.push(await startChild({ mainJs: p.built.mainJs, workDir }, podName, conf));
    say(`cluster id ${clusterId}, logs in ${workDir}, built in ${seconds(Date.now() - started)}`);
  }, 300_000);

  afterAll(async () => {
    const problems: string[] = [];
    for (const c of p.children ?? []) c.signal('SIGKILL');
    await Promise.all((p.children ?? []).map((c) => c.exited));
    await p.dupes?.stop();
    if (p.cloud !== undefined && p.clusterId !== undefined) {
      problems.push(...(await removeLeftovers(p.cloud, p.clusterId)));
      p.cloud.close();
    }
    await p.api?.stop();
    if (!failed && problems.length === 0) {
      if (p.workDir !== undefined) await rm(p.workDir, { recursive: true, force: true });
      if (p.built?.outDir != null) await rm(p.built.outDir, { recursive: true, force: true });
    } else say(`logs kept in ${p.workDir ?? '(none)'}`);
    if (problems.length > 0) throw new Error(problems.join('; '));
  }, 700_000);

  it('exactly one process holds the Lease and runs the controller; the other waits', async () => {
    const s = scene();
    await waitFor('a holder in the Lease', 60_000, async () => childHolding(s, await lease(s)) !== undefined);
    leader = childHolding(s, await lease(s));
    standby = s.children.find((c) => c !== leader);
    if (leader === undefined || standby === undefined) throw new Error('no leader or no standby');
    await waitLogged(leader, 'controller started', 60_000);
    await waitLogged(standby, 'leader election: lease held by another candidate', 30_000);
    // A few renewals later the same holder, no transition, and the standby still idle.
    await new Promise((r) => setTimeout(r, 5000));
    const now = await lease(s);
    expect(childHolding(s, now)).toBe(leader);
    expect(now?.spec?.leaseTransitions ?? 0).toBe(0);
    expect(await loggedAt(standby, 'leading: starting the controller')).toBeNull();
    expect(await answers(standby.port, '/readyz')).toBe(true);
    expect(await answers(leader.port, '/readyz')).toBe(true);
    expect(s.children.every((c) => c.running())).toBe(true);
    say(`leader ${holderOf(now)}, standby ${standby.podName}`);
  }, 120_000);

  it(
    'the leader gives a Service one ACTIVE load balancer with its member',
    async () => {
      const s = scene();
      const started = Date.now();
      await createService(s, 'ld-one', '10.2.72.10', ['10.1.72.10']);
      await waitServed(s, 'ld-one', '10.2.72.10', ['10.1.72.10']);
      say(`ld-one served by the first leader in ${seconds(Date.now() - started)}`);
    },
    STEP_MS,
  );

  it('kill -9 of the leader: the standby takes the Lease over (one more transition) within 30 s', async () => {
    const s = scene();
    if (leader === undefined || standby === undefined) throw new Error('no leader or no standby');
    const before = await lease(s);
    const killedAt = Date.now();
    leader.signal('SIGKILL');
    expect(await leader.exited).toEqual({ code: null, signal: 'SIGKILL' });
    let after: V1Lease | null = null;
    await waitFor('the standby holds the Lease', TAKEOVER_MS + 10_000, async () => {
      after = await lease(s);
      return childHolding(s, after) === standby;
    });
    const takeoverMs = Date.now() - killedAt;
    expect(after).not.toBeNull();
    const taken = after as V1Lease | null;
    expect(taken?.spec?.leaseTransitions).toBe((before?.spec?.leaseTransitions ?? 0) + 1);
    expect(String(taken?.spec?.acquireTime)).not.toBe(String(before?.spec?.acquireTime));
    const startedAt = await waitLogged(standby, 'controller started', 60_000);
    say(
      `takeover: Lease held by ${holderOf(taken)} ${seconds(takeoverMs)} after kill -9; its controller started ${seconds(startedAt - killedAt)} after`,
    );
    expect(takeoverMs).toBeLessThanOrEqual(TAKEOVER_MS);
  }, 120_000);

  it(
    'the new leader gives a second Service its load balancer and scales the first',
    async () => {
      const s = scene();
      if (standby === undefined) throw new Error('no standby');
      const next = standby;
      const started = Date.now();
      await createService(s, 'ld-two', '10.2.72.11', ['10.1.72.11']);
      await waitServed(s, 'ld-two', '10.2.72.11', ['10.1.72.11']);
      expect(await metricValue(next.port, 'kuryr_loadbalancer_creates_total', {})).toBeGreaterThanOrEqual(1);
      say(`ld-two served by the new leader in ${seconds(Date.now() - started)}`);

      const scaledAt = Date.now();
      const replacedBefore = await metricValue(next.port, 'kuryr_openstack_actions_total', {
        kind: 'replaceMembers',
      });
      const current = await s.discovery.readNamespacedEndpointSlice({ name: 'ld-one-slice', namespace: NS });
      const body = sliceManifest('ld-one', ['10.1.72.10', '10.1.72.12'], [{ name: 'http', port: 8080 }]);
      body.metadata = Object.assign(body.metadata ?? {}, {
        resourceVersion: current.metadata?.resourceVersion ?? '',
      });
      await s.discovery.replaceNamespacedEndpointSlice({ name: 'ld-one-slice', namespace: NS, body });
      await waitServed(s, 'ld-one', '10.2.72.10', ['10.1.72.10', '10.1.72.12']);
      // Only the new leader is alive; its own counter shows it made the member change.
      expect(
        await metricValue(next.port, 'kuryr_openstack_actions_total', { kind: 'replaceMembers' }),
      ).toBeGreaterThan(replacedBefore);
      expect(s.children.filter((c) => c.running())).toEqual([next]);
      say(`ld-one scaled to 2 members by the new leader in ${seconds(Date.now() - scaledAt)}`);
    },
    STEP_MS,
  );

  it(
    'deleting both Services leaves nothing tagged; SIGTERM stops the survivor and releases the Lease',
    async () => {
      const s = scene();
      if (standby === undefined) throw new Error('no standby');
      const survivor = standby;
      const started = Date.now();
      for (const name of ['ld-one', 'ld-two']) await s.core.deleteNamespacedService({ name, namespace: NS });
      await waitFor('both Services gone and nothing tagged in the cloud', SETTLE_MS, async () => {
        const left = (await s.core.listNamespacedService({ namespace: NS })).items.filter((svc) =>
          svc.metadata?.name?.startsWith('ld-'),
        );
        const lbs = await taggedLoadBalancers(s.cloud.session, s.clusterId);
        const fips = await taggedFloatingIps(s.cloud.session, s.clusterId);
        return left.length === 0 && lbs.length === 0 && fips.length === 0;
      });
      say(`released in ${seconds(Date.now() - started)}`);

      const stoppedAt = Date.now();
      survivor.signal('SIGTERM');
      const exit = await Promise.race([
        survivor.exited,
        new Promise<null>((r) => {
          setTimeout(() => {
            r(null);
          }, 30_000);
        }),
      ]);
      expect(exit, await tail(survivor.logFile)).toEqual({ code: 0, signal: null });
      expect(holderOf(await lease(s))).toBe('');
      expect(await loggedAt(survivor, 'leader election: released the lease')).not.toBeNull();
      say(`survivor stopped in ${seconds(Date.now() - stoppedAt)}`);
      expect(s.dupes.duplicates()).toEqual({});
      expect(s.dupes.polls()).toBeGreaterThan(0);
      say(`duplicate watch: ${s.dupes.polls()} polls, ${s.dupes.errors()} failed, no duplicates`);
    },
    STEP_MS,
  );
});
