/**
 * `kuryr-services doctor` against the real test cloud and the simulated API server (behind
 * a SelfSubjectAccessReview front): the test cloud's own layout is healthy; layouts broken
 * on purpose in networks and subnets this test creates (an allocation pool inside the
 * service CIDR, a pod subnet on no router, an external subnet off the external network) and
 * a denied permission give their error rows and exit 2. Everything created is deleted.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CoreV1Api, DiscoveryV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CheckRow } from '../../src/app/doctor/check.js';
import { NotFoundError } from '../../src/openstack/errors.js';
import type { OpenedSession } from '../../src/openstack/keystone/open.js';
import * as networks from '../../src/openstack/neutron/networks.js';
import * as subnets from '../../src/openstack/neutron/subnets.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube-apiserver/index.js';
import {
  loadTestcloudInfo,
  testcloudCloudsYaml,
  testcloudDir,
  testcloudSession,
  type TestcloudInfo,
} from '../support/testcloud.js';
import {
  runDoctorCli,
  startAuthzFront,
  tempDir,
  writeKubeconfig,
  type AuthzFront,
  type ReviewAttributes,
} from './doctor-support.js';

const SERVICE_CIDR = '10.2.0.0/17';
const id = randomBytes(3).toString('hex');

interface Run {
  readonly code: number;
  readonly rows: CheckRow[];
  readonly table: string;
}

function problems(rows: readonly CheckRow[]): string[] {
  return rows.filter((r) => r.status !== 'ok').map((r) => `${r.status} ${r.group} / ${r.check}: ${r.detail}`);
}

describe('kuryr-services doctor (real cloud, simulated cluster)', () => {
  let info: TestcloudInfo;
  let api: KubeApiServer;
  let opened: OpenedSession | undefined;
  let dir: string;
  let baseConf: string;
  const fronts: AuthzFront[] = [];
  const created = { networks: [] as string[], subnets: [] as string[] };
  let broken: { overlapping: string; unrouted: string };

  async function kubeconfigWith(deny?: (a: ReviewAttributes) => boolean): Promise<string> {
    const front = await startAuthzFront(api.url, api.token, deny);
    fronts.push(front);
    return writeKubeconfig(tempDir(), front.url, api.token);
  }

  async function doctor(conf: string, kubeconfig: string, extra: readonly string[] = []): Promise<Run> {
    const file = path.join(dir, `kuryr-${randomBytes(3).toString('hex')}.conf`);
    await writeFile(file, conf);
    const args = ['--kubeconfig', kubeconfig, '--os-cloud', info.cloud, '--config', file, ...extra];
    const json = await runDoctorCli([...args, '-o', 'json']);
    const table = await runDoctorCli(args);
    expect(table.code).toBe(json.code);
    const doc = JSON.parse(json.stdout) as { exitCode: number; checks: CheckRow[] };
    expect(doc.exitCode).toBe(json.code);
    return { code: json.code, rows: doc.checks, table: table.stdout };
  }

  function row(run: Run, group: string, check: string | RegExp): CheckRow {
    const found = run.rows.find(
      (r) => r.group === group && (typeof check === 'string' ? r.check === check : check.test(r.check)),
    );
    if (found === undefined) throw new Error(`no row ${group} / ${String(check)} in\n${run.table}`);
    return found;
  }

  beforeAll(async () => {
    info = await loadTestcloudInfo();
    vi.stubEnv('OS_CLIENT_CONFIG_FILE', testcloudCloudsYaml());
    vi.stubEnv('OS_CLOUD', '');
    dir = tempDir();
    baseConf = (await readFile(path.join(testcloudDir(), 'kuryr.conf'), 'utf8')).replace(
      /cluster_id = .*/,
      `cluster_id = doctor-${id}`,
    );
    api = await startKubeApiServer({ serviceCidr: SERVICE_CIDR });
    const kc = api.kubeConfig();
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespacedService({
      namespace: 'default',
      body: {
        metadata: { name: 'kubernetes' },
        spec: { clusterIP: '10.2.0.1', ports: [{ port: 443, protocol: 'TCP' }] },
      },
    });
    await core.createNamespacedService({
      namespace: 'default',
      body: {
        metadata: { name: 'web' },
        spec: {
          type: 'LoadBalancer',
          selector: { app: 'web' },
          ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }],
        },
      },
    });
    await kc.makeApiClient(DiscoveryV1Api).createNamespacedEndpointSlice({
      namespace: 'default',
      body: {
        metadata: { name: 'web-1', labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        endpoints: [
          { addresses: ['10.1.0.10'], conditions: { ready: true } },
          { addresses: ['10.1.0.11'], conditions: { ready: true } },
        ],
        ports: [{ port: 8080, protocol: 'TCP' }],
      },
    });
    opened = await testcloudSession();
    const net = await networks.create(opened.session, { name: `doctor-${id}` });
    created.networks.push(net.id);
    const overlapping = await subnets.create(opened.session, {
      networkId: net.id,
      name: `doctor-${id}-svc`,
      cidr: '10.2.0.0/16',
      ipVersion: 4,
      enableDhcp: false,
    });
    const unrouted = await subnets.create(opened.session, {
      networkId: net.id,
      name: `doctor-${id}-pods`,
      cidr: '10.77.0.0/24',
      ipVersion: 4,
      enableDhcp: false,
    });
    created.subnets.push(overlapping.id, unrouted.id);
    broken = { overlapping: overlapping.id, unrouted: unrouted.id };
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    if (opened === undefined) return;
    for (const sid of created.subnets)
      await subnets.delete(opened.session, sid).catch((e: unknown) => {
        if (!(e instanceof NotFoundError)) throw e;
      });
    for (const nid of created.networks)
      await networks.delete(opened.session, nid).catch((e: unknown) => {
        if (!(e instanceof NotFoundError)) throw e;
      });
    for (const front of fronts) await front.stop();
    opened.close();
    await api.stop();
  });

  it("the test cloud's own layout is healthy: every row ok, exit 0", async () => {
    const run = await doctor(baseConf, await kubeconfigWith(), ['--service-cidr', SERVICE_CIDR]);
    process.stdout.write(`\n--- doctor, healthy layout ---\n${run.table}`);
    expect(problems(run.rows)).toEqual([]);
    expect(run.code).toBe(0);
    expect(row(run, 'service subnet', `covers ${SERVICE_CIDR}`).detail).toContain(info.service_subnet_id);
    expect(row(run, 'pod subnet', `routed ${info.pod_subnet_id}`).detail).toContain(info.router_id);
    expect(row(run, 'external network', 'reachable').detail).toContain(info.router_id);
    expect(row(run, 'rbac', 'controller permissions').detail).toMatch(/^all \d+ allowed/);
  });

  it('infers the service CIDR from the ClusterIPs when --service-cidr is not given, and says so', async () => {
    const run = await doctor(baseConf, await kubeconfigWith());
    const cidr = row(run, 'service subnet', 'service CIDR');
    expect(cidr.status).toBe('ok');
    expect(cidr.detail).toMatch(
      /^10\.2\.0\.0\/\d+ \(inferred: the smallest CIDR holding the 2 ClusterIP\(s\) of 2 Service\(s\) and the kubernetes Service \(10\.2\.0\.1\)/,
    );
    expect(row(run, 'service subnet', 'allocation pool').status).toBe('ok');
  });

  it.each([
    {
      name: 'an allocation pool inside the service CIDR',
      conf: (c: string, b: typeof broken) =>
        c.replace(/service_subnet = .*/, `service_subnet = ${b.overlapping}`),
      group: 'service subnet',
      check: 'allocation pool',
      detail: /10\.2\.0\.2-10\.2\.255\.254 overlaps the service CIDR 10\.2\.0\.0\/17/,
      fix: /openstack subnet set --no-allocation-pool --allocation-pool start=10\.2\.128\.0,end=10\.2\.255\.254/,
    },
    {
      name: 'a pod subnet on no router with the service subnet',
      conf: (c: string, b: typeof broken) => c.replace(/pod_subnet = .*/, `pod_subnet = ${b.unrouted}`),
      group: 'pod subnet',
      check: /^routed /,
      detail: /no router has both .* and a service subnet/,
      fix: /openstack router add subnet \S+ \S+/,
    },
    {
      name: 'an external subnet that is not on the external network',
      conf: (c: string, b: typeof broken) =>
        c.replace(/external_svc_subnet = .*/, `external_svc_subnet = ${b.unrouted}`),
      group: 'external network',
      check: /^subnet /,
      detail: /10\.77\.0\.0\/24 is on network \S+, not on external_svc_net/,
      fix: /external_svc_subnet/,
    },
  ])('$name: its error row, exit 2', async ({ conf, group, check, detail, fix }) => {
    const run = await doctor(conf(baseConf, broken), await kubeconfigWith(), [
      '--service-cidr',
      SERVICE_CIDR,
    ]);
    process.stdout.write(`\n--- doctor, broken layout ---\n${run.table}`);
    const bad = row(run, group, check);
    expect(bad.status).toBe('error');
    expect(bad.detail).toMatch(detail);
    expect(bad.fix).toMatch(fix);
    expect(run.code).toBe(2);
  });

  it('a permission the controller uses that RBAC denies is an error row; one only needed for leader election a warning', async () => {
    const kubeconfig = await kubeconfigWith(
      (a) =>
        (a.resource === 'services' && a.subresource === 'status') ||
        (a.resource === 'leases' && a.verb === 'create'),
    );
    const run = await doctor(baseConf, kubeconfig, ['--service-cidr', SERVICE_CIDR]);
    expect(row(run, 'rbac', 'patch services/status').status).toBe('error');
    expect(row(run, 'rbac', 'create leases.coordination.k8s.io in kube-system').status).toBe('warning');
    expect(run.code).toBe(2);
  });
});
