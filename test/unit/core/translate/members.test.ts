import { describe, expect, it } from 'vitest';
import type { V1EndpointSlice } from '@kubernetes/client-node';
import type { DesiredLoadBalancer } from '../../../../src/core/model.js';
import { translate } from '../../../../src/core/translate/translate.js';
import type { Translation } from '../../../../src/core/translate/translation.js';
import {
  aService,
  aServicePort,
  aSlicePort,
  aTranslateConfig,
  aTranslateInput,
  anEndpoint,
  anEndpointSlice,
} from '../../../support/builders.js';

function desired(result: Translation): { loadBalancer: DesiredLoadBalancer; warnings: string[] } {
  if (result.kind !== 'desired') throw new Error(`expected desired, got ${JSON.stringify(result)}`);
  return {
    loadBalancer: result.loadBalancer,
    warnings: result.warnings.map((w) => `${w.code}: ${w.message}`),
  };
}

/** The members of each pool as `name address:port`, by listener name. */
function membersOf(slices: V1EndpointSlice[], service = aService(), config = aTranslateConfig()) {
  const { loadBalancer, warnings } = desired(translate(aTranslateInput({ service, slices, config })));
  const pools = Object.fromEntries(
    loadBalancer.listeners.map((l) => [
      l.name,
      l.pool.members.map(
        (m) => `${m.name} ${m.address}:${m.protocolPort}${m.subnetId === undefined ? '' : ` @${m.subnetId}`}`,
      ),
    ]),
  );
  return { pools, warnings };
}

describe('translate: members from EndpointSlices', () => {
  it('takes ready endpoints (ready unset counts as ready) and leaves out not-ready and terminating ones', () => {
    const slice = anEndpointSlice({
      endpoints: [
        anEndpoint('10.1.0.1', { pod: 'ready' }),
        anEndpoint('10.1.0.2', { pod: 'unset', ready: null }),
        anEndpoint('10.1.0.3', { pod: 'not-ready', ready: false }),
        anEndpoint('10.1.0.4', { pod: 'terminating', ready: false, terminating: true }),
      ],
    });
    expect(membersOf([slice]).pools).toEqual({
      'default/web:TCP:80': [
        'default/ready:8080 10.1.0.1:8080 @pod-subnet-id',
        'default/unset:8080 10.1.0.2:8080 @pod-subnet-id',
      ],
    });
  });

  it('resolves a named targetPort per slice and matches ports by name', () => {
    const service = aService({
      ports: [aServicePort(80, { name: 'http', targetPort: 'web' }), aServicePort(9000, { name: 'metrics' })],
    });
    const slices = [
      anEndpointSlice({
        name: 'a',
        ports: [aSlicePort(8080, { name: 'http' }), aSlicePort(9100, { name: 'metrics' })],
        endpoints: [anEndpoint('10.1.0.1', { pod: 'old' })],
      }),
      anEndpointSlice({
        name: 'b',
        ports: [aSlicePort(8081, { name: 'http' })],
        endpoints: [anEndpoint('10.1.0.2', { pod: 'new' })],
      }),
    ];
    expect(membersOf(slices, service).pools).toEqual({
      'default/web:TCP:80': [
        'default/old:8080 10.1.0.1:8080 @pod-subnet-id',
        'default/new:8081 10.1.0.2:8081 @pod-subnet-id',
      ],
      'default/web:TCP:9000': ['default/old:9100 10.1.0.1:9100 @pod-subnet-id'],
    });
  });

  it("matches an unnamed Service port with a slice port named '' or without a name", () => {
    const slices = [
      anEndpointSlice({
        name: 'a',
        ports: [aSlicePort(8080)],
        endpoints: [anEndpoint('10.1.0.1', { pod: 'a' })],
      }),
      anEndpointSlice({
        name: 'b',
        ports: [aSlicePort(8080, { name: '' })],
        endpoints: [anEndpoint('10.1.0.2', { pod: 'b' })],
      }),
      anEndpointSlice({
        name: 'c',
        ports: [aSlicePort(8080, { name: 'x' })],
        endpoints: [anEndpoint('10.1.0.3', { pod: 'c' })],
      }),
    ];
    expect(membersOf(slices).pools['default/web:TCP:80']).toHaveLength(2);
  });

  it('keeps TCP and UDP ports of one name apart by protocol', () => {
    const service = aService({ ports: [aServicePort(53, { name: 'dns', protocol: 'UDP' })] });
    const slices = [
      anEndpointSlice({
        ports: [aSlicePort(5353, { name: 'dns', protocol: 'TCP' })],
        endpoints: [anEndpoint('10.1.0.1')],
      }),
    ];
    expect(membersOf(slices, service).pools).toEqual({ 'default/web:UDP:53': [] });
  });

  it('ignores FQDN slices, slices of the other address family, other Services and other namespaces', () => {
    const endpoints = [anEndpoint('10.1.0.9', { pod: 'stray' })];
    const slices = [
      anEndpointSlice({ addressType: 'FQDN', endpoints: [anEndpoint('example.com')] }),
      anEndpointSlice({ addressType: 'IPv6', endpoints: [anEndpoint('fd00:1::9')] }),
      anEndpointSlice({ service: 'other', endpoints }),
      anEndpointSlice({ namespace: 'prod', endpoints }),
      anEndpointSlice({ endpoints: [anEndpoint('10.1.0.1', { pod: 'mine' })] }),
    ];
    expect(membersOf(slices).pools).toEqual({
      'default/web:TCP:80': ['default/mine:8080 10.1.0.1:8080 @pod-subnet-id'],
    });
  });

  it('merges the same (address, port) from several slices under the smallest name', () => {
    const slices = [
      anEndpointSlice({ name: 'a', endpoints: [anEndpoint('10.1.0.1', { pod: 'zeta' })] }),
      anEndpointSlice({
        name: 'b',
        endpoints: [anEndpoint('10.1.0.1', { pod: 'alpha' }), anEndpoint('10.1.0.1', { pod: 'beta' })],
      }),
    ];
    expect(membersOf(slices).pools['default/web:TCP:80']).toEqual([
      'default/alpha:8080 10.1.0.1:8080 @pod-subnet-id',
    ]);
  });

  it('sorts members numerically by address, then port', () => {
    const slices = [
      anEndpointSlice({
        endpoints: ['10.1.0.10', '10.1.0.9', '10.1.1.1', '10.1.0.100'].map((a) => anEndpoint(a, { pod: a })),
      }),
    ];
    const addresses = membersOf(slices).pools['default/web:TCP:80']?.map((m) => m.split(' ')[1]);
    expect(addresses).toEqual(['10.1.0.9:8080', '10.1.0.10:8080', '10.1.0.100:8080', '10.1.1.1:8080']);
  });

  it('names members of a selector-less Service (no targetRef) after the Service', () => {
    const slices = [anEndpointSlice({ endpoints: [anEndpoint('10.1.0.1', { pod: null })] })];
    expect(membersOf(slices).pools['default/web:TCP:80']).toEqual([
      'default/web:8080 10.1.0.1:8080 @pod-subnet-id',
    ]);
  });

  it('names a member after its pod namespace', () => {
    const slices = [
      anEndpointSlice({ endpoints: [anEndpoint('10.1.0.1', { pod: 'p', podNamespace: 'other' })] }),
    ];
    expect(membersOf(slices).pools['default/web:TCP:80']).toEqual([
      'other/p:8080 10.1.0.1:8080 @pod-subnet-id',
    ]);
  });

  it('uses only the first address of an endpoint (as kube-proxy does)', () => {
    const endpoint = anEndpoint('10.1.0.1', { pod: 'p' });
    endpoint.addresses = ['10.1.0.1', '10.1.0.2'];
    expect(membersOf([anEndpointSlice({ endpoints: [endpoint] })]).pools['default/web:TCP:80']).toHaveLength(
      1,
    );
  });

  it('gives L3 members no subnet, in the pod subnets or member_cidrs', () => {
    const slices = [
      anEndpointSlice({
        endpoints: [anEndpoint('192.168.7.1', { pod: 'far' }), anEndpoint('10.1.0.1', { pod: 'near' })],
      }),
    ];
    const config = aTranslateConfig({ memberMode: 'L3', memberCidrs: ['192.168.7.0/24'] });
    const { pools, warnings } = membersOf(slices, aService(), config);
    expect(pools).toEqual({
      'default/web:TCP:80': ['default/near:8080 10.1.0.1:8080', 'default/far:8080 192.168.7.1:8080'],
    });
    expect(warnings).toEqual([]);
  });

  it('skips an L3 member outside the pod subnets and member_cidrs, naming slice, pod and address', () => {
    const slices = [
      anEndpointSlice({
        name: 'web-x',
        endpoints: [anEndpoint('8.8.8.8', { pod: 'far' }), anEndpoint('10.1.0.1', { pod: 'near' })],
      }),
    ];
    const config = aTranslateConfig({ memberMode: 'L3', memberCidrs: ['192.168.7.0/24'] });
    const { pools, warnings } = membersOf(slices, aService(), config);
    expect(pools['default/web:TCP:80']).toEqual(['default/near:8080 10.1.0.1:8080']);
    expect(warnings).toEqual([
      'KuryrSkipMember: EndpointSlice default/web-x: endpoint 8.8.8.8 (pod default/far) is not used as a member of Service default/web: the address is in no pod subnet and not in [kuryr_services] member_cidrs (L3 member mode; pod subnets: pod-subnet-id (10.1.0.0/16), pod-subnet-v6-id (fd00:1::/64); member_cidrs: 192.168.7.0/24)',
    ]);
  });

  it('skips an L2 member outside every pod subnet, naming pod and address', () => {
    const slices = [
      anEndpointSlice({
        endpoints: [anEndpoint('192.168.7.1', { pod: 'far' }), anEndpoint('10.1.0.1', { pod: 'near' })],
      }),
    ];
    const service = aService({ ports: [aServicePort(80), aServicePort(81, { name: 'b' })] });
    const { pools, warnings } = membersOf(slices, service);
    expect(pools['default/web:TCP:80']).toEqual(['default/near:8080 10.1.0.1:8080 @pod-subnet-id']);
    expect(warnings).toEqual([
      'KuryrSkipMember: EndpointSlice default/web-abcde: endpoint 192.168.7.1 (pod default/far) is not used as a member of Service default/web: the address is in no pod subnet (L2 member mode; pod subnets: pod-subnet-id (10.1.0.0/16), pod-subnet-v6-id (fd00:1::/64))',
    ]);
  });

  it('ignores a slice port without a number', () => {
    const slice = anEndpointSlice({ endpoints: [anEndpoint('10.1.0.1')] });
    slice.ports = [{ name: '' }];
    expect(membersOf([slice]).pools['default/web:TCP:80']).toEqual([]);
  });
});

describe('translate: invalid EndpointSlices', () => {
  const rows: { case: string; slice: V1EndpointSlice; says: RegExp }[] = [
    {
      case: 'a malformed address',
      slice: anEndpointSlice({ name: 's1', endpoints: [anEndpoint('10.1.0.300')] }),
      says: /EndpointSlice default\/s1 \(IPv4\) holds a malformed address "10\.1\.0\.300"/,
    },
    {
      case: 'an IPv6 address in an IPv4 slice',
      slice: anEndpointSlice({ name: 's2', endpoints: [anEndpoint('fd00:1::1')] }),
      says: /s2 \(IPv4\) holds a malformed address "fd00:1::1"/,
    },
    {
      case: 'a port out of range',
      slice: anEndpointSlice({
        name: 's3',
        ports: [aSlicePort(70000, { name: '' })],
        endpoints: [anEndpoint('10.1.0.1')],
      }),
      says: /EndpointSlice default\/s3 port "" has number 70000 outside 1\.\.65535/,
    },
  ];
  it.each(rows)('rejects a slice with $case', ({ slice, says }) => {
    const result = translate(aTranslateInput({ slices: [slice] }));
    expect(result.kind).toBe('invalid');
    if (result.kind === 'invalid') expect(result.reason.message).toMatch(says);
  });

  it('never throws on a slice or endpoint missing required fields', () => {
    const bare = { metadata: { name: 'bare' }, addressType: 'IPv4' } as unknown as V1EndpointSlice;
    const noAddresses = anEndpointSlice({ endpoints: [{} as unknown as ReturnType<typeof anEndpoint>] });
    expect(translate(aTranslateInput({ slices: [bare, noAddresses] })).kind).toBe('desired');
  });

  it('does not look at not-ready endpoints at all', () => {
    const slices = [anEndpointSlice({ endpoints: [anEndpoint('garbage', { ready: false })] })];
    expect(translate(aTranslateInput({ slices })).kind).toBe('desired');
  });
});
