import { writerDigest } from '../../../../src/core/naming.js';
import { anOwner } from '../../../support/builders.js';
import { describe, expect, it } from 'vitest';
import type { DesiredLoadBalancer } from '../../../../src/core/model.js';
import { ownershipTags } from '../../../../src/core/ownership.js';
import { translate } from '../../../../src/core/translate/translate.js';
import type { Translation } from '../../../../src/core/translate/translation.js';
import {
  DEFAULT_UID,
  aNetworkContext,
  aService,
  aServicePort,
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

describe('translate: the happy path', () => {
  it('turns a ClusterIP Service and its slice into one listener, one pool, sorted members', () => {
    const result = translate(aTranslateInput());
    const tags = ownershipTags(anOwner('c1'), { namespace: 'default', name: 'web', uid: DEFAULT_UID });
    const member = (address: string) => ({
      name: `default/pod-${address.replace(/\./g, '-')}:8080`,
      address,
      protocolPort: 8080,
      subnetId: 'pod-subnet-id',
      tags,
    });
    expect(result).toEqual({
      kind: 'desired',
      warnings: [],
      loadBalancer: {
        service: { namespace: 'default', name: 'web', uid: DEFAULT_UID },
        name: 'default/web',
        description: `kuryr-services: default/web (uid ${DEFAULT_UID}, cluster c1, writer ${writerDigest('writer-c1')})`,
        vipAddress: '10.2.0.10',
        vipSubnetId: 'service-subnet-id',
        provider: 'amphora',
        tags,
        floatingIp: null,
        listeners: [
          {
            name: 'default/web:TCP:80',
            protocol: 'TCP',
            protocolPort: 80,
            allowedCidrs: [],
            timeoutClientData: null,
            timeoutMemberData: null,
            tags,
            pool: {
              name: 'default/web:TCP:80',
              protocol: 'TCP',
              lbAlgorithm: 'ROUND_ROBIN',
              sessionPersistence: null,
              members: [member('10.1.0.4'), member('10.1.0.5')],
              tags,
            },
          },
        ],
      },
    });
  });

  it('puts kuryr.conf resource_tags on every object', () => {
    const { loadBalancer } = desired(
      translate(aTranslateInput({ config: aTranslateConfig({ resourceTags: ['env-demo'] }) })),
    );
    const listener = loadBalancer.listeners[0];
    const all = [
      loadBalancer.tags,
      listener?.tags,
      listener?.pool.tags,
      ...(listener?.pool.members.map((m) => m.tags) ?? []),
    ];
    for (const tags of all) expect(tags).toContain('env-demo');
    expect(all).toHaveLength(5);
  });

  it('handles an IPv6 Service from IPv6 slices only', () => {
    const service = aService({ clusterIP: 'fd00:2::a' });
    const slices = [
      anEndpointSlice({ addressType: 'IPv6', endpoints: [anEndpoint('fd00:1::0:5', { pod: 'p6' })] }),
      anEndpointSlice({ endpoints: [anEndpoint('10.1.0.5', { pod: 'p4' })] }),
    ];
    const { loadBalancer } = desired(translate(aTranslateInput({ service, slices })));
    expect(loadBalancer.vipSubnetId).toBe('service-subnet-v6-id');
    expect(loadBalancer.listeners[0]?.pool.members.map((m) => [m.name, m.address, m.subnetId])).toEqual([
      ['default/p6:8080', 'fd00:1::5', 'pod-subnet-v6-id'],
    ]);
  });

  it('sorts listeners by (protocol, port) whatever the order of spec.ports', () => {
    const service = aService({
      ports: [
        aServicePort(443, { name: 'https' }),
        aServicePort(53, { name: 'dns', protocol: 'UDP' }),
        aServicePort(80, { name: 'http' }),
      ],
    });
    const { loadBalancer } = desired(translate(aTranslateInput({ service, slices: [] })));
    expect(loadBalancer.listeners.map((l) => l.name)).toEqual([
      'default/web:TCP:80',
      'default/web:TCP:443',
      'default/web:UDP:53',
    ]);
    expect(loadBalancer.listeners.every((l) => l.pool.members.length === 0)).toBe(true);
  });
});

describe('translate: skip reasons', () => {
  const rows: { case: string; service: ReturnType<typeof aService>; says: RegExp }[] = [
    { case: 'headless', service: aService({ clusterIP: 'None' }), says: /headless/ },
    {
      case: 'ExternalName',
      service: aService({ type: 'ExternalName', clusterIP: null }),
      says: /ExternalName/,
    },
    { case: 'NodePort', service: aService({ type: 'NodePort' }), says: /NodePort/ },
    { case: 'no ClusterIP yet', service: aService({ clusterIP: null }), says: /no ClusterIP yet/ },
    { case: 'empty ClusterIP', service: aService({ clusterIP: '' }), says: /no ClusterIP yet/ },
    { case: 'default/kubernetes', service: aService({ name: 'kubernetes' }), says: /default\/kubernetes/ },
    { case: 'no ports', service: aService({ ports: [] }), says: /no ports/ },
  ];
  it.each(rows)('skips a $case Service with a reason', ({ service, says }) => {
    const result = translate(aTranslateInput({ service }));
    expect(result.kind).toBe('skip');
    if (result.kind !== 'skip') return;
    expect(result.reason.code).toBe('KuryrServiceSkipped');
    expect(result.reason.message).toMatch(says);
  });

  it('skips kubernetes in another namespace? no: only default/kubernetes is special', () => {
    expect(
      translate(aTranslateInput({ service: aService({ namespace: 'prod', name: 'kubernetes' }) })).kind,
    ).toBe('desired');
  });
});

describe('translate: invalid Services', () => {
  const withMeta = (meta: { name?: string | undefined; namespace?: string; uid?: string | undefined }) => {
    const service = aService();
    service.metadata = { name: 'web', namespace: 'default', uid: DEFAULT_UID };
    Object.assign(service.metadata, meta);
    return service;
  };
  const rows: { case: string; input: Parameters<typeof aTranslateInput>[0]; says: RegExp }[] = [
    { case: 'no name', input: { service: withMeta({ name: undefined }) }, says: /no metadata\.name/ },
    { case: 'no namespace', input: { service: withMeta({ namespace: '' }) }, says: /no metadata\.namespace/ },
    {
      case: 'no uid',
      input: { service: withMeta({ uid: undefined }) },
      says: /default\/web has no metadata\.uid/,
    },
    { case: 'a huge uid', input: { service: withMeta({ uid: 'u'.repeat(80) }) }, says: /uid too long/ },
    {
      case: 'an unknown type',
      input: { service: aService({ type: 'Magic' }) },
      says: /unknown spec\.type "Magic"/,
    },
    {
      case: 'a malformed clusterIP',
      input: { service: aService({ clusterIP: '10.2.0' }) },
      says: /malformed spec\.clusterIP "10\.2\.0"/,
    },
    {
      case: 'a clusterIP outside every service subnet',
      input: { service: aService({ clusterIP: '192.168.0.1' }) },
      says: /192\.168\.0\.1 is in no service subnet \(service subnets: service-subnet-id \(10\.2\.0\.0\/16\), service-subnet-v6-id \(fd00:2::\/112\)\)/,
    },
    {
      case: 'a clusterIP in two service subnets',
      input: {
        network: aNetworkContext({
          serviceSubnetIds: ['service-subnet-id', 'pod-subnet-id', 'wide'],
          subnets: [
            {
              id: 'service-subnet-id',
              cidr: '10.2.0.0/16',
              gatewayIp: null,
              ipVersion: 4,
              allocationPools: [],
            },
            { id: 'pod-subnet-id', cidr: '10.1.0.0/16', gatewayIp: null, ipVersion: 4, allocationPools: [] },
            { id: 'wide', cidr: '10.0.0.0/8', gatewayIp: null, ipVersion: 4, allocationPools: [] },
          ],
        }),
      },
      says: /in several service subnets: service-subnet-id \(10\.2\.0\.0\/16\), wide \(10\.0\.0\.0\/8\)/,
    },
    {
      case: 'port 0',
      input: { service: aService({ ports: [aServicePort(0)] }) },
      says: /spec\.ports\[0\] has port 0 outside 1\.\.65535/,
    },
    {
      case: 'port 65536',
      input: { service: aService({ ports: [aServicePort(80), aServicePort(65536)] }) },
      says: /spec\.ports\[1\] has port 65536/,
    },
    {
      case: 'a fractional port',
      input: { service: aService({ ports: [aServicePort(80.5)] }) },
      says: /port 80\.5 outside/,
    },
    {
      case: 'targetPort 70000',
      input: { service: aService({ ports: [aServicePort(80, { targetPort: 70000 })] }) },
      says: /targetPort 70000/,
    },
    {
      case: 'an unknown protocol',
      input: { service: aService({ ports: [aServicePort(80, { protocol: 'QUIC' })] }) },
      says: /unsupported protocol "QUIC"/,
    },
    {
      case: 'an unknown sessionAffinity',
      input: { service: aService({ sessionAffinity: 'Cookie' }) },
      says: /sessionAffinity "Cookie"/,
    },
  ];
  it.each(rows)('rejects a Service with $case, naming it', ({ input, says }) => {
    const result = translate(aTranslateInput(input));
    expect(result.kind).toBe('invalid');
    if (result.kind !== 'invalid') return;
    expect(result.reason.code).toBe('KuryrInvalidService');
    expect(result.reason.message).toMatch(says);
  });

  it('never throws on a Service without spec or metadata', () => {
    expect(translate(aTranslateInput({ service: {} })).kind).toBe('invalid');
    expect(
      translate(aTranslateInput({ service: { metadata: { name: 'a', namespace: 'b', uid: 'c' } } })).kind,
    ).toBe('skip');
  });
});
