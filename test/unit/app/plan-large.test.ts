/**
 * Planning and printing a Service whose EndpointSlice lists more endpoints than a function
 * call takes arguments (150,001): every member, and every skipped address, is kept.
 */
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parsePlanFlags } from '../../../src/app/cli/plan/flags.js';
import { planService } from '../../../src/app/cli/plan/plan-service.js';
import { setUpPlan } from '../../../src/app/cli/plan/settings.js';
import type { ServiceManifest } from '../../../src/app/manifests/load.js';
import { renderTable } from '../../../src/app/render/table.js';

const COUNT = 150_001;
const subnets = [
  {
    id: 'pods',
    networkId: 'pod-net',
    cidr: '10.64.0.0/10',
    gatewayIp: '10.64.0.1',
    ipVersion: 4,
    allocationPools: [{ start: '10.64.0.2', end: '10.127.255.254' }],
  },
  {
    id: 'services',
    networkId: 'service-net',
    cidr: '10.2.0.0/16',
    gatewayIp: '10.2.0.1',
    ipVersion: 4,
    allocationPools: [{ start: '10.2.0.2', end: '10.2.255.254' }],
  },
] as const;
const setup = setUpPlan(
  parsePlanFlags({
    filename: ['x.yaml'],
    serviceSubnet: ['services'],
    podSubnet: ['pods'],
    memberMode: 'L2',
  }),
  { config: null, subnets: { file: 'subnets.yaml', subnets }, warnings: [] },
);

/** `count` addresses from `a.b.0.1` upwards. */
function addresses(a: number, b: number, count: number): string[] {
  return Array.from({ length: count }, (_, n) => {
    const i = n + 1;
    return `${a}.${b + ((i >> 16) & 255)}.${(i >> 8) & 255}.${i & 255}`;
  });
}

function manifest(ips: readonly string[]): ServiceManifest {
  const service: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'big', namespace: 't', uid: '00000000-0000-4000-8000-000000000001' },
    spec: { clusterIP: '10.2.0.40', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
  };
  const slice: V1EndpointSlice = {
    metadata: { name: 'big-1', namespace: 't', labels: { 'kubernetes.io/service-name': 'big' } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
  };
  return {
    source: { file: 'x.yaml', document: 1 },
    namespace: 't',
    name: 'big',
    service,
    placeholderUid: false,
    slices: [slice],
    endpointsFrom: 'EndpointSlice',
  };
}

describe('plan with 150,001 endpoints in one EndpointSlice', () => {
  it('plans and prints every member', () => {
    const report = planService(manifest(addresses(10, 64, COUNT)), setup.settings);
    expect(report.result).toBe('desired');
    if (report.result !== 'desired') return;
    expect(report.loadBalancer.listeners[0]?.pool.members).toHaveLength(COUNT);
    const table = renderTable({ context: setup.summary, services: [report], errors: [], notes: [] });
    expect(table.match(/^ +member +10\./gm)).toHaveLength(COUNT);
  }, 120_000);

  it('keeps a warning for every address outside the pod subnets', () => {
    const report = planService(manifest(addresses(10, 200, COUNT)), setup.settings);
    expect(report.result).toBe('desired');
    expect(report.warnings.filter((w) => w.code === 'KuryrSkipMember')).toHaveLength(COUNT);
  }, 120_000);
});
