import { describe, expect, it } from 'vitest';
import type { V1Endpoint, V1EndpointSlice } from '@kubernetes/client-node';
import type { CapabilityProfile, MemberMode, TranslateConfig } from '../../../../src/core/model.js';
import { translate } from '../../../../src/core/translate/translate.js';
import {
  aProfile,
  aService,
  aServicePort,
  aSlicePort,
  aTranslateConfig,
  aTranslateInput,
  anEndpoint,
  anEndpointSlice,
} from '../../../support/builders.js';

const EVERYTHING = ['0.0.0.0/0', '::/0'];

interface Outcome {
  readonly members: Record<string, string[]>;
  readonly warnings: string[];
}

function plan(
  slices: V1EndpointSlice[],
  opts: {
    config?: Partial<TranslateConfig>;
    family?: 4 | 6;
    service?: ReturnType<typeof aService>;
    profile?: CapabilityProfile;
  } = {},
): Outcome {
  const service = opts.service ?? aService({ clusterIP: opts.family === 6 ? 'fd00:2::a' : '10.2.0.10' });
  const result = translate(
    aTranslateInput({
      service,
      slices,
      config: aTranslateConfig(opts.config),
      ...(opts.profile === undefined ? {} : { capabilities: opts.profile }),
    }),
  );
  if (result.kind !== 'desired') throw new Error(`expected desired, got ${JSON.stringify(result)}`);
  const members = Object.fromEntries(
    result.loadBalancer.listeners.map((l) => [
      `${l.protocol}:${l.protocolPort}`,
      l.pool.members.map(
        (m) => `${m.address}:${m.protocolPort}${m.subnetId === undefined ? '' : ` @${m.subnetId}`}`,
      ),
    ]),
  );
  return { members, warnings: result.warnings.map((w) => `${w.code}: ${w.message}`) };
}

function oneSlice(address: string, family: 4 | 6 = 4): V1EndpointSlice[] {
  return [
    anEndpointSlice({
      name: 'web-1',
      addressType: family === 4 ? 'IPv4' : 'IPv6',
      endpoints: [anEndpoint(address, { pod: 'p' })],
    }),
  ];
}

describe('translate: addresses that are never members', () => {
  const rows: { address: string; family?: 4 | 6; why: string }[] = [
    { address: '127.0.0.1', why: 'a loopback address is never a member' },
    { address: '0.0.0.0', why: 'an unspecified address is never a member' },
    { address: '0.1.2.3', why: 'an unspecified address is never a member' },
    { address: '169.254.169.254', why: 'the metadata service address (link-local) is never a member' },
    { address: '169.254.1.1', why: 'a link-local address is never a member' },
    { address: '224.0.0.1', why: 'a multicast address is never a member' },
    { address: '239.255.255.250', why: 'a multicast address is never a member' },
    { address: '255.255.255.255', why: 'the broadcast address is never a member' },
    {
      address: '10.1.255.255',
      why: 'the broadcast address of pod subnet pod-subnet-id (10.1.0.0/16) is never a member',
    },
    { address: '::1', family: 6, why: 'a loopback address is never a member' },
    { address: '::', family: 6, why: 'an unspecified address is never a member' },
    { address: 'fe80::1', family: 6, why: 'a link-local address is never a member' },
    { address: 'fe80::a9fe:a9fe', family: 6, why: 'the metadata service address (link-local)' },
    { address: 'ff02::1', family: 6, why: 'a multicast address is never a member' },
    {
      address: '::ffff:169.254.169.254',
      family: 6,
      why: 'the IPv4-mapped form of 169.254.169.254, the metadata service address (link-local) is never a member',
    },
    { address: '::ffff:127.0.0.1', family: 6, why: 'the IPv4-mapped form of 127.0.0.1, a loopback address' },
    { address: '::ffff:0.0.0.0', family: 6, why: 'the IPv4-mapped form of 0.0.0.0, an unspecified address' },
    { address: '::ffff:224.0.0.9', family: 6, why: 'the IPv4-mapped form of 224.0.0.9, a multicast address' },
  ];
  const modes: { mode: MemberMode; memberCidrs: string[] }[] = [
    { mode: 'L3', memberCidrs: EVERYTHING },
    { mode: 'L3', memberCidrs: [] },
    { mode: 'L2', memberCidrs: EVERYTHING },
  ];
  for (const { mode, memberCidrs } of modes) {
    it.each(rows)(
      `refuses $address in ${mode} mode (member_cidrs: ${memberCidrs.join(', ') || 'none'})`,
      ({ address, family, why }) => {
        const slices = [
          ...oneSlice(address, family),
          anEndpointSlice({
            name: 'web-2',
            addressType: family === 6 ? 'IPv6' : 'IPv4',
            endpoints: [anEndpoint(family === 6 ? 'fd00:1::5' : '10.1.0.5', { pod: 'ok' })],
          }),
        ];
        const { members, warnings } = plan(slices, {
          config: { memberMode: mode, memberCidrs },
          family: family ?? 4,
        });
        const kept = family === 6 ? 'fd00:1::5:8080' : '10.1.0.5:8080';
        expect(members['TCP:80']?.map((m) => m.split(' ')[0])).toEqual([kept]);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(
          /^KuryrSkipMember: EndpointSlice default\/web-1: endpoint \S+ \(pod default\/p\) is not used as a member of Service default\/web: /,
        );
        expect(warnings[0]).toContain(why);
      },
    );
  }
});

describe('translate: addresses that may be members', () => {
  const rows: { address: string; family?: 4 | 6; mode: MemberMode; memberCidrs: string[]; member: string }[] =
    [
      { address: '10.1.0.5', mode: 'L2', memberCidrs: [], member: '10.1.0.5:8080 @pod-subnet-id' },
      { address: '10.1.0.5', mode: 'L3', memberCidrs: [], member: '10.1.0.5:8080' },
      { address: '10.1.255.254', mode: 'L3', memberCidrs: [], member: '10.1.255.254:8080' },
      { address: '192.168.7.1', mode: 'L3', memberCidrs: ['192.168.7.0/24'], member: '192.168.7.1:8080' },
      { address: '8.8.8.8', mode: 'L3', memberCidrs: EVERYTHING, member: '8.8.8.8:8080' },
      { address: '100.64.0.1', mode: 'L3', memberCidrs: ['100.64.0.0/10'], member: '100.64.0.1:8080' },
      {
        address: 'fd00:1::5',
        family: 6,
        mode: 'L2',
        memberCidrs: [],
        member: 'fd00:1::5:8080 @pod-subnet-v6-id',
      },
      {
        address: '2001:db8::1',
        family: 6,
        mode: 'L3',
        memberCidrs: ['2001:db8::/32'],
        member: '2001:db8::1:8080',
      },
      {
        address: '::ffff:10.1.0.5',
        family: 6,
        mode: 'L3',
        memberCidrs: ['::/0'],
        member: '::ffff:a01:5:8080',
      },
    ];
  it.each(rows)('admits $address in $mode mode (member_cidrs: $memberCidrs)', (row) => {
    const { members, warnings } = plan(oneSlice(row.address, row.family), {
      config: { memberMode: row.mode, memberCidrs: row.memberCidrs },
      family: row.family ?? 4,
    });
    expect(members).toEqual({ 'TCP:80': [row.member] });
    expect(warnings).toEqual([]);
  });

  it('does not let member_cidrs widen L2 mode', () => {
    const { members, warnings } = plan(oneSlice('192.168.7.1'), {
      config: { memberMode: 'L2', memberCidrs: ['192.168.7.0/24'] },
    });
    expect(members).toEqual({ 'TCP:80': [] });
    expect(warnings[0]).toMatch(/192\.168\.7\.1 .*no pod subnet \(L2 member mode/);
  });

  it('gives L3 members the VIP subnet on OVN, which refuses a member outside it without one', () => {
    const slices = oneSlice('10.1.0.5');
    const profile = aProfile({ provider: 'ovn' });
    expect(plan(slices, { config: { memberMode: 'L3' }, profile }).members).toEqual({
      'TCP:80': ['10.1.0.5:8080 @service-subnet-id'],
    });
    expect(plan(slices, { config: { memberMode: 'L2' }, profile }).members).toEqual({
      'TCP:80': ['10.1.0.5:8080 @pod-subnet-id'],
    });
  });
});

describe('translate: terminating endpoints (kube-proxy fallback)', () => {
  type Conditions = { ready?: boolean; serving?: boolean; terminating?: boolean };
  const ep = (address: string, conditions: Conditions): V1Endpoint => {
    const endpoint = anEndpoint(address, { pod: `p${address.split('.').pop() ?? ''}` });
    endpoint.conditions = conditions;
    return endpoint;
  };
  const membersOf = (endpoints: V1Endpoint[]) =>
    plan([anEndpointSlice({ endpoints })]).members['TCP:80']?.map((m) => m.split(' ')[0]);

  it.each<{ case: string; endpoints: V1Endpoint[]; members: string[] }>([
    {
      case: 'only ready ones while any is ready',
      endpoints: [
        ep('10.1.0.1', { ready: true }),
        ep('10.1.0.2', { ready: false, serving: true, terminating: true }),
      ],
      members: ['10.1.0.1:8080'],
    },
    {
      case: 'the serving terminating ones when none is ready',
      endpoints: [
        ep('10.1.0.1', { ready: false, serving: false, terminating: false }),
        ep('10.1.0.2', { ready: false, serving: true, terminating: true }),
        ep('10.1.0.3', { ready: false, serving: false, terminating: true }),
      ],
      members: ['10.1.0.2:8080'],
    },
    {
      case: 'serving unset counts as serving',
      endpoints: [ep('10.1.0.2', { ready: false, terminating: true })],
      members: ['10.1.0.2:8080'],
    },
    {
      case: 'ready unset counts as ready, terminating unset as not terminating',
      endpoints: [ep('10.1.0.1', {}), ep('10.1.0.2', { ready: false, serving: true, terminating: true })],
      members: ['10.1.0.1:8080'],
    },
    {
      case: 'a not-ready endpoint that is not terminating never',
      endpoints: [ep('10.1.0.1', { ready: false, serving: true })],
      members: [],
    },
  ])('uses $case', ({ endpoints, members }) => {
    expect(membersOf(endpoints)).toEqual(members);
  });

  it('falls back per port: a port whose only ready endpoint is refused uses its terminating ones', () => {
    const service = aService({
      ports: [aServicePort(80, { name: 'http' }), aServicePort(9000, { name: 'metrics' })],
    });
    const slices = [
      anEndpointSlice({
        name: 'a',
        ports: [aSlicePort(8080, { name: 'http' })],
        endpoints: [ep('10.1.0.1', { ready: true }), ep('10.1.0.2', { ready: false, terminating: true })],
      }),
      anEndpointSlice({
        name: 'b',
        ports: [aSlicePort(9100, { name: 'metrics' })],
        endpoints: [
          ep('169.254.169.254', { ready: true }),
          ep('10.1.0.3', { ready: false, terminating: true }),
        ],
      }),
    ];
    const { members, warnings } = plan(slices, { service });
    expect(members).toEqual({
      'TCP:80': ['10.1.0.1:8080 @pod-subnet-id'],
      'TCP:9000': ['10.1.0.3:9100 @pod-subnet-id'],
    });
    expect(warnings).toEqual([
      expect.stringMatching(
        /^KuryrSkipMember: EndpointSlice default\/b: endpoint 169\.254\.169\.254 .*metadata service/,
      ),
    ]);
  });

  it('reports refused terminating endpoints only when it falls back to them', () => {
    const used = [ep('10.1.0.1', { ready: true }), ep('127.0.0.1', { ready: false, terminating: true })];
    expect(plan([anEndpointSlice({ endpoints: used })]).warnings).toEqual([]);
    const fallback = [ep('127.0.0.1', { ready: false, terminating: true })];
    expect(plan([anEndpointSlice({ endpoints: fallback })]).warnings).toEqual([
      expect.stringMatching(/endpoint 127\.0\.0\.1 .*a loopback address is never a member/),
    ]);
  });
});
