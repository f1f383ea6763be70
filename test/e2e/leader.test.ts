/**
 * Leader election end to end with the REAL controller binary: two `main.js controller
 * --leader-elect` processes share the simulated API server and the local test cloud. Exactly
 * one holds the Lease and runs the controller; after `kill -9` of that leader the standby
 * takes the Lease over (one more transition) once it expires, gives a new Service its load
 * balancer and applies a member change to the old one; deleting both Services leaves nothing
 * tagged with the test's cluster id, and SIGTERM stops the survivor (exit 0, Lease released).
 * A poller checks that no Service ever has two load balancers at once.
 */
import { CoordinationV1Api, CoreV1Api, DiscoveryV1Api, type V1Lease } from '@kubernetes/client-node';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ObservedLoadBalancer } from '../../src/core/model.js';
import type { OpenedSession } from '../../src/openstack/keystone/open.js';
import { observeTree } from '../../src/openstack/observe-tree.js';
import { serviceManifest, sliceManifest } from '../support/e2e-harness.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube-apiserver/index.js';
import { testcloudCloudsYaml, testcloudSession } from '../support/testcloud.js';
import { waitFor, waitForValue } from '../support/wait.js';
import {
  answers,
  buildController,
  freePort,
  logLines,
  metricValue,
  removeTagged,
  spawnController,
  taggedFloatingIps,
  taggedLoadBalancers,
  tail,
  watchDuplicates,
  writeKuryrConf,
  type BuiltController,
  type ControllerChild,
  type Exit,
} from './support/controller-process.js';
import { LEADER_STEP_MS, SETTLE_MS, TAKEOVER_MS } from './support/timeouts.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const NS = 'default';
const LEASE = { name: 'kuryr-services-controller', namespace: NS };

interface Scene {
  built: BuiltController;
  mainJs: string;
  workDir: string;
  kuryrConf: string;
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

/** The identity `child` campaigns with (POD_NAME plus a random suffix), as it logged it; '' before that. */
async function identityOf(child: ControllerChild): Promise<string> {
  const line = (await logLines(child.logFile)).find((l) => l.msg === 'leader election on');
  return typeof line?.identity === 'string' ? line.identity : '';
}

/** The child whose identity is the Lease's holder, or undefined. */
async function childHolding(s: Scene, l: V1Lease | null): Promise<ControllerChild | undefined> {
  const holder = holderOf(l);
  if (holder === '') return undefined;
  for (const c of s.children) if ((await identityOf(c)) === holder) return c;
  return undefined;
}

/** Starts one more controller process as pod `podName` (its log: `<podName>-<n>.log`). */
async function startChild(s: Scene, podName: string): Promise<ControllerChild> {
  const port = await freePort();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OS_')));
  const args = ['controller', '--kubeconfig', path.join(s.workDir, 'kubeconfig'), '--os-cloud', 'testcloud'];
  args.push('--config', s.kuryrConf, '--metrics-addr', `127.0.0.1:${port}`, '--log-level', 'info');
  args.push('--leader-elect', '--leader-elect-namespace', NS);
  return spawnController({
    mainJs: s.mainJs,
    args,
    env: { ...env, OS_CLIENT_CONFIG_FILE: testcloudCloudsYaml(), POD_NAME: podName },
    podName,
    port,
    logFile: path.join(s.workDir, `${podName}-${s.children.length}.log`),
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

/** How `child` exited, or null when it still runs after `ms`. */
async function exitWithin(child: ControllerChild, ms: number): Promise<Exit | null> {
  const timer = new AbortController();
  const late = new Promise<null>((resolve) => {
    const t = setTimeout(() => {
      resolve(null);
    }, ms);
    timer.signal.addEventListener('abort', () => {
      clearTimeout(t);
    });
  });
  try {
    return await Promise.race([child.exited, late]);
  } finally {
    timer.abort();
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const say = (line: string): void => {
  process.stderr.write(`leader e2e: ${line}\n`);
};

describe('leader election with the real controller binary (two processes, one Lease)', () => {
  const p: Partial<Scene> = {};
  const scene = (): Scene => {
    if (p.children === undefined || p.children.length < 2) throw new Error('the scene was not set up');
    return p as Scene;
  };
  let failed = false;
  /** The process expected to hold the Lease now, and the one expected to wait. */
  let leader: ControllerChild | undefined;
  let standby: ControllerChild | undefined;
  const roles = (): { leader: ControllerChild; standby: ControllerChild } => {
    if (leader === undefined || standby === undefined) throw new Error('no leader or no standby');
    return { leader, standby };
  };

  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      failed = true;
    });
  });

  beforeAll(async () => {
    const started = Date.now();
    p.built = await buildController(repoRoot);
    p.mainJs = p.built.mainJs;
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
    p.kuryrConf = await writeKuryrConf(workDir, clusterId);
    p.children = [];
    const s = p as Scene;
    for (const podName of ['leader-e2e-a', 'leader-e2e-b']) s.children.push(await startChild(s, podName));
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
    const keep = failed || problems.length > 0 || process.env.KS_TEST_KEEP_LOGS === '1';
    if (!keep) {
      if (p.workDir !== undefined) await rm(p.workDir, { recursive: true, force: true });
      if (p.built?.outDir != null) await rm(p.built.outDir, { recursive: true, force: true });
    } else say(`logs kept in ${p.workDir ?? '(none)'}`);
    if (problems.length > 0) throw new Error(problems.join('; '));
  }, 700_000);

  it('exactly one process holds the Lease and runs the controller; the other waits', async () => {
    const s = scene();
    await waitFor(
      'a holder in the Lease',
      60_000,
      async () => (await childHolding(s, await lease(s))) !== undefined,
    );
    leader = await childHolding(s, await lease(s));
    standby = s.children.find((c) => c !== leader);
    const now = roles();
    await waitLogged(now.leader, 'controller started', 60_000);
    await waitLogged(now.standby, 'leader election: lease held by another candidate', 30_000);
    // A few renewals later: the same holder, no transition, and the standby still idle.
    await new Promise((r) => setTimeout(r, 5000));
    const held = await lease(s);
    expect(await childHolding(s, held)).toBe(now.leader);
    expect(held?.spec?.leaseTransitions ?? 0).toBe(0);
    expect(await loggedAt(now.standby, 'leading: starting the controller')).toBeNull();
    expect(await answers(now.standby.port, '/readyz')).toBe(true);
    expect(await answers(now.leader.port, '/readyz')).toBe(true);
    expect(s.children.every((c) => c.running())).toBe(true);
    say(`leader ${holderOf(held)}, standby ${await identityOf(now.standby)}`);
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
    LEADER_STEP_MS,
  );

  it(
    'kill -9 of the leader: nobody serves until the standby takes the Lease over (one more transition) within 30 s',
    async () => {
      const s = scene();
      const { leader: killed, standby: next } = roles();
      const before = await lease(s);
      const killedAt = Date.now();
      killed.signal('SIGKILL');
      expect(await killed.exited).toEqual({ code: null, signal: 'SIGKILL' });
      // A Service created while nobody leads: no load balancer for it as long as the Lease
      // still names the dead leader (listed first, then the Lease read).
      await createService(s, 'ld-gap', '10.2.72.12', ['10.1.72.13']);
      const gap = { checks: 0, servedEarly: false };
      const taken = await waitForValue('the standby holds the Lease', TAKEOVER_MS + 10_000, async () => {
        const gapLbs = (await taggedLoadBalancers(s.cloud.session, s.clusterId)).filter((lb) =>
          lb.name.endsWith('/ld-gap'),
        );
        const now = await lease(s);
        const holder = await childHolding(s, now);
        if (holder === killed) {
          gap.checks++;
          gap.servedEarly ||= gapLbs.length > 0;
        }
        return holder === next ? now : null;
      });
      const takeoverMs = Date.now() - killedAt;
      expect(gap).toMatchObject({ servedEarly: false });
      expect(gap.checks).toBeGreaterThan(0);
      expect(taken.spec?.leaseTransitions).toBe((before?.spec?.leaseTransitions ?? 0) + 1);
      expect(String(taken.spec?.acquireTime)).not.toBe(String(before?.spec?.acquireTime));
      const acquiredAt = await waitLogged(next, 'leader election: acquired the lease', 10_000);
      const startedAt = await waitLogged(next, 'controller started', 60_000);
      say(
        `takeover after kill -9: ${holderOf(taken)} acquired the Lease after ${seconds(acquiredAt - killedAt)} ` +
          `(seen in the Lease after ${seconds(takeoverMs)}), its controller started after ${seconds(startedAt - killedAt)}; ` +
          `${gap.checks} checks: ld-gap not served before`,
      );
      leader = next;
      standby = undefined;
      await waitServed(s, 'ld-gap', '10.2.72.12', ['10.1.72.13']);
      say(`ld-gap served ${seconds(Date.now() - killedAt)} after the kill`);
    },
    LEADER_STEP_MS,
  );

  it(
    'the new leader gives a second Service its load balancer and scales the first',
    async () => {
      const s = scene();
      const next = leader;
      if (next === undefined) throw new Error('no leader');
      const started = Date.now();
      await createService(s, 'ld-two', '10.2.72.11', ['10.1.72.11']);
      await waitServed(s, 'ld-two', '10.2.72.11', ['10.1.72.11']);
      expect(await metricValue(next.port, 'kuryr_loadbalancer_creates_total', {})).toBe(2);
      say(`ld-two served by the new leader in ${seconds(Date.now() - started)}`);

      const scaledAt = Date.now();
      const replaced = (): Promise<number> =>
        metricValue(next.port, 'kuryr_openstack_actions_total', { kind: 'replaceMembers' });
      const replacedBefore = await replaced();
      const current = await s.discovery.readNamespacedEndpointSlice({ name: 'ld-one-slice', namespace: NS });
      const body = sliceManifest('ld-one', ['10.1.72.10', '10.1.72.12'], [{ name: 'http', port: 8080 }]);
      body.metadata = Object.assign(body.metadata ?? {}, {
        resourceVersion: current.metadata?.resourceVersion ?? '',
      });
      await s.discovery.replaceNamespacedEndpointSlice({ name: 'ld-one-slice', namespace: NS, body });
      await waitServed(s, 'ld-one', '10.2.72.10', ['10.1.72.10', '10.1.72.12']);
      // Only the new leader is alive; its own counter shows it made the member change.
      expect(await replaced()).toBeGreaterThan(replacedBefore);
      expect(s.children.filter((c) => c.running())).toEqual([next]);
      say(`ld-one scaled to 2 members by the new leader in ${seconds(Date.now() - scaledAt)}`);
    },
    LEADER_STEP_MS,
  );

  it(
    'SIGTERM hands the Lease at once to a restarted pod, which adopts every load balancer without a write',
    async () => {
      const s = scene();
      const stopping = leader;
      if (stopping === undefined) throw new Error('no leader');
      // The killed pod comes back under the same POD_NAME: a new identity, a standby.
      const restarted = await startChild(s, 'leader-e2e-a');
      s.children.push(restarted);
      await waitLogged(restarted, 'leader election: lease held by another candidate', 60_000);
      expect(await identityOf(restarted)).not.toBe(holderOf(await lease(s)));
      const before = await lease(s);
      const stoppedAt = Date.now();
      stopping.signal('SIGTERM');
      expect(await exitWithin(stopping, 30_000), await tail(stopping.logFile)).toEqual({
        code: 0,
        signal: null,
      });
      const taken = await waitForValue('the restarted pod holds the Lease', TAKEOVER_MS, async () => {
        const now = await lease(s);
        return (await childHolding(s, now)) === restarted ? now : null;
      });
      const handOverMs = Date.now() - stoppedAt;
      expect(await loggedAt(stopping, 'leader election: released the lease')).not.toBeNull();
      expect(taken.spec?.leaseTransitions).toBe((before?.spec?.leaseTransitions ?? 0) + 1);
      const acquiredAt = await waitLogged(restarted, 'leader election: acquired the lease', 10_000);
      await waitLogged(restarted, 'controller started', 60_000);
      leader = restarted;
      say(
        `hand-over on SIGTERM: ${holderOf(taken)} acquired the Lease ${seconds(acquiredAt - stoppedAt)} after the signal ` +
          `(seen in the Lease after ${seconds(handOverMs)})`,
      );

      await waitFor('the restarted leader reconciled the three Services', 120_000, async () => {
        const count = await metricValue(restarted.port, 'kuryr_reconcile_duration_seconds_count', {
          controller: 'services',
        });
        return count >= 3;
      });
      await waitServed(s, 'ld-one', '10.2.72.10', ['10.1.72.10', '10.1.72.12']);
      expect(await metricValue(restarted.port, 'kuryr_openstack_actions_total', {})).toBe(0);
    },
    LEADER_STEP_MS,
  );

  it(
    'deleting every Service leaves nothing tagged; SIGTERM stops the last leader and releases the Lease',
    async () => {
      const s = scene();
      const last = leader;
      if (last === undefined) throw new Error('no leader');
      const started = Date.now();
      for (const name of ['ld-one', 'ld-two', 'ld-gap'])
        await s.core.deleteNamespacedService({ name, namespace: NS });
      await waitFor('every Service gone and nothing tagged in the cloud', SETTLE_MS, async () => {
        const left = (await s.core.listNamespacedService({ namespace: NS })).items.filter((svc) =>
          svc.metadata?.name?.startsWith('ld-'),
        );
        const lbs = await taggedLoadBalancers(s.cloud.session, s.clusterId);
        const fips = await taggedFloatingIps(s.cloud.session, s.clusterId);
        return left.length === 0 && lbs.length === 0 && fips.length === 0;
      });
      say(`released in ${seconds(Date.now() - started)}`);

      const stoppedAt = Date.now();
      last.signal('SIGTERM');
      expect(await exitWithin(last, 30_000), await tail(last.logFile)).toEqual({ code: 0, signal: null });
      expect(holderOf(await lease(s))).toBe('');
      expect(await loggedAt(last, 'leader election: released the lease')).not.toBeNull();
      say(`last leader stopped in ${seconds(Date.now() - stoppedAt)}`);
      expect(s.dupes.duplicates()).toEqual({});
      expect(s.dupes.polls()).toBeGreaterThan(0);
      say(`duplicate watch: ${s.dupes.polls()} polls, ${s.dupes.errors()} failed, no duplicates`);
    },
    LEADER_STEP_MS,
  );
});
