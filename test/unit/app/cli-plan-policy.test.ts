/**
 * `kuryr-services plan` through the real binary with the endpoint address policy and the
 * coexistence keys in a kuryr.conf: member_cidrs, load_balancer_class, the internal
 * annotation, unknown cloud-provider-openstack annotations, and the OVN capability table.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureBuilt, parsePlanJson, runBinary, type PlanJson } from './cli-binary.js';

// Each case spawns node (about a second on a busy 2-core machine); a build may take a minute.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 240_000 });

const CONF = `[neutron_defaults]
pod_subnet = pod-subnet-id
service_subnet = service-subnet-id
external_svc_net = public-network-id

[octavia_defaults]
member_mode = L3

[kuryr_services]
cluster_id = policy-test
member_cidrs = 192.168.50.0/24, fd00:50::/64
load_balancer_class = example.com/octavia
`;

const service = (name: string, ip: string, extra = '') => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: t
${extra}spec:
  type: LoadBalancer
  clusterIP: ${ip}
  ports: [{ name: http, port: 80, targetPort: 8080 }]
`;

const MANIFESTS = [
  service('mixed', '10.2.0.31'),
  `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: mixed-1, namespace: t, labels: { kubernetes.io/service-name: mixed } }
addressType: IPv4
ports: [{ name: http, port: 8080 }]
endpoints:
  - addresses: [10.1.0.5]
  - addresses: [192.168.50.10]
  - addresses: [169.254.169.254]
  - addresses: [8.8.8.8]
  - addresses: [10.1.0.6]
    conditions: { ready: false, serving: true, terminating: true }
`,
  service('foreign', '10.2.0.32').replace('spec:\n', 'spec:\n  loadBalancerClass: metallb.io/metallb\n'),
  service('classed', '10.2.0.33').replace('spec:\n', 'spec:\n  loadBalancerClass: example.com/octavia\n'),
  service(
    'internal',
    '10.2.0.34',
    '  annotations:\n    service.beta.kubernetes.io/openstack-internal-load-balancer: "true"\n    loadbalancer.openstack.org/proxy-protocol: "true"\n',
  ),
  service('ranged', '10.2.0.35').replace('spec:\n', 'spec:\n  loadBalancerSourceRanges: [203.0.113.0/24]\n'),
].join('---\n');

let dir = '';
beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'ks-plan-policy-'));
  await writeFile(join(dir, 'kuryr.conf'), CONF);
  await writeFile(join(dir, 'services.yaml'), MANIFESTS);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function args(...extra: string[]): string[] {
  const files = ['-f', join(dir, 'services.yaml'), '--subnets', 'examples/subnets.yaml'];
  return ['plan', ...files, '--config', join(dir, 'kuryr.conf'), '-o', 'json', ...extra];
}

function byName(doc: PlanJson, name: string): PlanJson['services'][number] {
  const found = doc.services.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no Service ${name} in the plan`);
  return found;
}

describe('kuryr-services plan with member_cidrs and the coexistence keys', () => {
  let doc: PlanJson;
  beforeAll(async () => {
    const run = await runBinary(args());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    doc = parsePlanJson(run.stdout);
  });

  it('keeps pod and member_cidrs addresses, refuses the rest naming address and slice', () => {
    const mixed = byName(doc, 'mixed');
    expect(mixed.loadBalancer?.listeners[0]?.pool.members.map((m) => m.address)).toEqual([
      '10.1.0.5',
      '192.168.50.10',
    ]);
    const skipped = mixed.warnings.filter((w) => w.code === 'KuryrSkipMember').map((w) => w.message);
    expect(skipped).toHaveLength(2);
    expect(skipped[0]).toMatch(/^EndpointSlice t\/mixed-1: endpoint 169\.254\.169\.254 .*metadata service/);
    expect(skipped[1]).toMatch(
      /^EndpointSlice t\/mixed-1: endpoint 8\.8\.8\.8 .*member_cidrs: 192\.168\.50\.0\/24, fd00:50::\/64\)$/,
    );
  });

  it('skips another class, serves ours, gives an internal Service no floating IP', () => {
    expect(byName(doc, 'foreign').result).toBe('skip');
    expect(byName(doc, 'foreign').reason?.message).toMatch(/loadBalancerClass "metallb.io\/metallb"/);
    expect(byName(doc, 'classed').loadBalancer?.floatingIp).toEqual({
      method: 'pool',
      networkId: 'public-network-id',
    });
    const internal = byName(doc, 'internal');
    expect(internal.loadBalancer?.floatingIp).toBeNull();
    expect(internal.loadBalancer).toMatchObject({ internal: true });
    expect(internal.warnings).toEqual([
      {
        code: 'KuryrIgnoredAnnotations',
        eventType: 'Normal',
        message:
          'Service t/internal: annotations not implemented by kuryr-services, ignored: loadbalancer.openstack.org/proxy-protocol',
      },
    ]);
  });

  it('shows the internal Service and the Normal note in the table', async () => {
    const table = (await runBinary(args().slice(0, -2))).stdout;
    const start = table.indexOf('t/internal: desired');
    const block = table.slice(start, table.indexOf('\n\n', start));
    expect(block).toMatch(/floating IP\s+none \(internal: the VIP is its address\)/);
    expect(block).toMatch(/note\s+KuryrIgnoredAnnotations: /);
    expect(block).not.toContain('warning');
  });

  it('drops what OVN refuses with --provider ovn, saying so', async () => {
    const ovn = parsePlanJson((await runBinary(args('--provider', 'ovn'))).stdout);
    const ranged = byName(ovn, 'ranged');
    expect(ranged.loadBalancer?.listeners[0]?.pool.lbAlgorithm).toBe('SOURCE_IP_PORT');
    expect(ranged.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/NOT enforced \(the ovn provider refuses listener allowed_cidrs\)/),
    ]);
    expect(JSON.stringify(ranged.loadBalancer)).toContain('"allowedCidrs":[]');
  });

  it('exits 2 naming a bad member_cidrs entry', async () => {
    const bad = join(dir, 'bad.conf');
    await writeFile(bad, CONF.replace('192.168.50.0/24', '192.168.50.1/24'));
    const run = await runBinary(['plan', '-f', join(dir, 'services.yaml'), '--config', bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '[kuryr_services] member_cidrs = "192.168.50.1/24, fd00:50::/64": entry "192.168.50.1/24" has host bits set (the network is 192.168.50.0/24)',
    );
  });
});
