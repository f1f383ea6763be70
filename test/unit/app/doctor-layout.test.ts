/** The doctor's pure layout checks on tables: service CIDR inference, service subnet, routing, external network. */
import { describe, expect, it } from 'vitest';
import type { SubnetInfo } from '../../../src/core/model.js';
import { checkExternal, type ExternalFacts } from '../../../src/app/doctor/external-checks.js';
import type { Lookup } from '../../../src/app/doctor/facts.js';
import { readFailed, readOk } from '../../../src/app/doctor/facts.js';
import { coveringCidr, addressValue } from '../../../src/app/doctor/ip-range.js';
import { checkRouting } from '../../../src/app/doctor/routing-checks.js';
import { inferServiceCidrs, serviceCidrsFromFlags } from '../../../src/app/doctor/service-cidr.js';
import { checkServiceSubnets } from '../../../src/app/doctor/subnet-checks.js';

function subnet(
  id: string,
  cidr: string,
  pools: [string, string][],
  gatewayIp: string | null = null,
): Lookup<SubnetInfo> {
  const ipVersion = cidr.includes(':') ? 6 : 4;
  return {
    id,
    kind: 'found',
    record: {
      id,
      cidr,
      gatewayIp,
      ipVersion,
      allocationPools: pools.map(([start, end]) => ({ start, end })),
    },
  };
}

const flag = (cidr: string) => ({ kind: 'known' as const, cidrs: serviceCidrsFromFlags([cidr]) });

describe('service CIDR inference', () => {
  it.each([
    { ips: ['10.2.0.1', '10.2.0.9'], kube: '10.2.0.1', want: ['10.2.0.0/28'] },
    { ips: ['10.96.0.1', '10.96.200.3'], kube: '10.96.0.1', want: ['10.96.0.0/16'] },
    { ips: ['10.2.0.5'], kube: null, want: ['10.2.0.5/32'] },
    { ips: ['10.2.0.1', 'fd00::10', 'fd00::1'], kube: '10.2.0.1', want: ['10.2.0.0/31', 'fd00::/123'] },
    { ips: [], kube: null, want: [] },
  ])('$ips (kubernetes $kube) → $want', ({ ips, kube, want }) => {
    const cidrs = inferServiceCidrs({ clusterIps: ips, kubernetesIp: kube, services: ips.length });
    expect(cidrs.map((c) => c.cidr)).toEqual(want);
    for (const c of cidrs) expect(c.source).toBe('inferred');
  });

  it('the smallest covering CIDR holds every address', () => {
    const values = ['10.0.3.7', '10.0.1.250'].map((t) => addressValue(t)?.value ?? 0n);
    expect(coveringCidr(4, values)).toBe('10.0.0.0/22');
  });

  it('refuses a malformed --service-cidr', () => {
    expect(() => serviceCidrsFromFlags(['10.2.0.0/33'])).toThrow(
      /--service-cidr "10.2.0.0\/33" is not a CIDR/,
    );
  });
});

describe('service subnet checks', () => {
  const status = (rows: ReturnType<typeof checkServiceSubnets>, check: string) =>
    rows.find((r) => r.check === check)?.status;

  it.each([
    {
      name: 'the test cloud: pool above the service CIDR',
      pools: [['10.2.128.1', '10.2.255.253']] as [string, string][],
      gw: '10.2.255.254',
      pool: 'ok',
      gateway: undefined,
    },
    {
      name: "Neutron's default pool (whole subnet)",
      pools: [['10.2.0.2', '10.2.255.254']] as [string, string][],
      gw: '10.2.0.1',
      pool: 'error',
      gateway: 'error',
    },
    {
      name: 'a pool touching the last service address',
      pools: [['10.2.127.255', '10.2.200.0']] as [string, string][],
      gw: null,
      pool: 'error',
      gateway: undefined,
    },
    { name: 'no pool at all', pools: [] as [string, string][], gw: null, pool: 'ok', gateway: undefined },
  ])('$name', ({ pools, gw, pool, gateway }) => {
    const rows = checkServiceSubnets([subnet('svc', '10.2.0.0/16', pools, gw)], flag('10.2.0.0/17'));
    expect(status(rows, 'covers 10.2.0.0/17')).toBe('ok');
    expect(status(rows, 'allocation pool')).toBe(pool);
    expect(status(rows, 'gateway')).toBe(gateway);
  });

  it('suggests a pool just above the service CIDR, keeping clear of a gateway at the end', () => {
    const rows = checkServiceSubnets(
      [subnet('svc', '10.2.0.0/16', [['10.2.0.2', '10.2.255.253']], '10.2.255.254')],
      flag('10.2.0.0/17'),
    );
    expect(rows.find((r) => r.check === 'allocation pool')?.fix).toBe(
      'move the allocation pool of svc out of 10.2.0.0/17: openstack subnet set --no-allocation-pool --allocation-pool start=10.2.128.0,end=10.2.255.253 svc',
    );
  });

  it('a service CIDR outside every service subnet is an error naming the subnets', () => {
    const rows = checkServiceSubnets([subnet('svc', '10.2.0.0/17', [])], flag('10.2.0.0/16'));
    const row = rows.find((r) => r.check === 'covers 10.2.0.0/16');
    expect(row?.status).toBe('error');
    expect(row?.detail).toContain('svc (10.2.0.0/17)');
  });

  it('a missing or unreadable subnet, no subnet configured, an unknown CIDR', () => {
    const rows = checkServiceSubnets(
      [
        { id: 'gone', kind: 'missing' },
        { id: 'hidden', kind: 'failed', reason: 'HTTP 403' },
      ],
      { kind: 'unknown', reason: 'no Service has a ClusterIP to infer it from' },
    );
    expect(rows.map((r) => [r.check, r.status])).toEqual([
      ['subnet gone', 'error'],
      ['subnet hidden', 'error'],
      ['service CIDR', 'warning'],
    ]);
    expect(checkServiceSubnets([], flag('10.2.0.0/16'))[0]?.status).toBe('error');
  });
});

describe('member routing checks', () => {
  const pod = subnet('pod', '10.1.0.0/16', []);
  it.each([
    { mode: 'L3' as const, routers: [{ routerId: 'r', subnetIds: ['pod', 'svc'] }], want: 'ok' },
    {
      mode: 'L3' as const,
      routers: [
        { routerId: 'r1', subnetIds: ['pod'] },
        { routerId: 'r2', subnetIds: ['svc'] },
      ],
      want: 'error',
    },
    { mode: 'L3' as const, routers: [], want: 'error' },
    { mode: 'L2' as const, routers: [], want: 'ok' },
  ])('$mode with routers $routers → $want', ({ mode, routers, want }) => {
    const rows = checkRouting({
      memberMode: mode,
      podSubnets: [pod],
      serviceSubnetIds: ['svc'],
      routers: readOk(routers),
    });
    expect(rows.map((r) => r.status)).toEqual([want]);
  });

  it('names the service subnet router in the fix', () => {
    const rows = checkRouting({
      memberMode: 'L3',
      podSubnets: [pod],
      serviceSubnetIds: ['svc'],
      routers: readOk([{ routerId: 'r2', subnetIds: ['svc'] }]),
    });
    expect(rows[0]?.fix).toBe('openstack router add subnet r2 pod');
  });

  it('unlistable router interfaces are an error, not a missing router', () => {
    const rows = checkRouting({
      memberMode: 'L3',
      podSubnets: [pod],
      serviceSubnetIds: ['svc'],
      routers: readFailed('HTTP 403'),
    });
    expect(rows[0]?.detail).toMatch(/router interfaces cannot be listed: HTTP 403/);
  });
});

describe('external network checks', () => {
  const net = (external: boolean, subnetIds: string[] = ['ext-sub']): ExternalFacts['network'] => ({
    id: 'ext',
    kind: 'found',
    record: { id: 'ext', external, subnetIds },
  });
  const base: ExternalFacts = {
    network: net(true),
    subnet: {
      id: 'ext-sub',
      kind: 'found',
      record: { id: 'ext-sub', networkId: 'ext', cidr: '172.24.4.0/24' },
    },
    serviceRouters: readOk([{ routerId: 'r', gatewayNetworkId: 'ext' }]),
    loadBalancerServices: 1,
  };
  const statuses = (facts: ExternalFacts) => checkExternal(facts).map((r) => `${r.check}:${r.status}`);

  it.each([
    { name: 'healthy', facts: base, want: ['network ext:ok', 'subnet ext-sub:ok', 'reachable:ok'] },
    {
      name: 'not router:external',
      facts: { ...base, network: net(false) },
      want: ['network ext:error', 'subnet ext-sub:ok'],
    },
    {
      name: 'subnet on another network',
      facts: {
        ...base,
        subnet: {
          id: 's2',
          kind: 'found' as const,
          record: { id: 's2', networkId: 'other', cidr: '10.9.0.0/24' },
        },
      },
      want: ['network ext:ok', 'subnet s2:error', 'reachable:ok'],
    },
    {
      name: 'subnet unreadable but listed by the network',
      facts: { ...base, subnet: { id: 'ext-sub', kind: 'missing' as const } },
      want: ['network ext:ok', 'subnet ext-sub:ok', 'reachable:ok'],
    },
    {
      name: 'subnet missing and not listed',
      facts: { ...base, subnet: { id: 'nope', kind: 'missing' as const } },
      want: ['network ext:ok', 'subnet nope:error', 'reachable:ok'],
    },
    {
      name: 'no router gateway on it',
      facts: { ...base, serviceRouters: readOk([{ routerId: 'r', gatewayNetworkId: null }]) },
      want: ['network ext:ok', 'subnet ext-sub:ok', 'reachable:error'],
    },
    {
      name: 'network missing',
      facts: { ...base, network: { id: 'ext', kind: 'missing' as const } },
      want: ['network ext:error', 'subnet ext-sub:ok'],
    },
    {
      name: 'not configured, LoadBalancer Services exist',
      facts: { ...base, network: null, subnet: null },
      want: ['configured:warning'],
    },
    {
      name: 'not configured, none wanted',
      facts: { ...base, network: null, subnet: null, loadBalancerServices: 0 },
      want: ['configured:ok'],
    },
  ])('$name', ({ facts, want }) => {
    expect(statuses(facts)).toEqual(want);
  });
});
