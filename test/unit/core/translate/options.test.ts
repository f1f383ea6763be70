import { describe, expect, it } from 'vitest';
import { legacyLbaasV2Profile } from '../../../../src/core/capabilities.js';
import type { CapabilityProfile, DesiredLoadBalancer } from '../../../../src/core/model.js';
import { translate, type TranslateInput } from '../../../../src/core/translate/translate.js';
import type { Translation } from '../../../../src/core/translate/translation.js';
import {
  aProfile,
  aService,
  aServicePort,
  aTranslateConfig,
  aTranslateInput,
} from '../../../support/builders.js';

function desired(result: Translation): { loadBalancer: DesiredLoadBalancer; warnings: string[] } {
  if (result.kind !== 'desired') throw new Error(`expected desired, got ${JSON.stringify(result)}`);
  return {
    loadBalancer: result.loadBalancer,
    warnings: result.warnings.map((w) => `${w.code}: ${w.message}`),
  };
}
function run(overrides: Partial<TranslateInput>) {
  return desired(translate(aTranslateInput({ slices: [], ...overrides })));
}
function reasonOf(result: Translation): string {
  return result.kind === 'desired'
    ? 'desired'
    : `${result.kind} ${result.reason.code}: ${result.reason.message}`;
}
const v = (minor: number): CapabilityProfile => aProfile({ apiVersion: { major: 2, minor } });
const dns = aService({
  ports: [aServicePort(53, { name: 'dns-tcp' }), aServicePort(53, { name: 'dns', protocol: 'UDP' })],
});

describe('translate: protocols and capabilities', () => {
  const sctp = aService({
    ports: [aServicePort(80), aServicePort(3868, { name: 'diameter', protocol: 'SCTP' })],
  });
  it.each([
    {
      case: 'SCTP on Octavia 2.22',
      service: sctp,
      profile: v(22),
      listeners: ['TCP:80'],
      warns: /SCTP port 3868 skipped: SCTP needs Octavia API 2\.23, this Octavia has 2\.22/,
    },
    {
      case: 'SCTP on Octavia 2.23',
      service: sctp,
      profile: v(23),
      listeners: ['SCTP:3868', 'TCP:80'],
      warns: null,
    },
    {
      case: 'TCP+UDP on one port on 2.12',
      service: dns,
      profile: v(12),
      listeners: ['TCP:53'],
      warns:
        /UDP port 53 skipped: port 53 is already used by TCP and mixing protocols on one port needs Octavia API 2\.13, this Octavia has 2\.12/,
    },
    {
      case: 'TCP+UDP on one port on 2.13',
      service: dns,
      profile: v(13),
      listeners: ['TCP:53', 'UDP:53'],
      warns: null,
    },
    {
      case: 'UDP on legacy LBaaS v2',
      service: dns,
      profile: legacyLbaasV2Profile(),
      listeners: ['TCP:53'],
      warns: /UDP port 53 skipped: the legacy Neutron LBaaS v2 API does not support UDP/,
    },
    {
      case: 'SCTP on legacy LBaaS v2',
      service: sctp,
      profile: legacyLbaasV2Profile(),
      listeners: ['TCP:80'],
      warns: /KuryrSkipListener: Service default\/web: SCTP port 3868 skipped: the legacy/,
    },
  ])('$case → listeners $listeners', ({ service, profile, listeners, warns }) => {
    const { loadBalancer, warnings } = run({ service, capabilities: profile });
    expect(loadBalancer.listeners.map((l) => `${l.protocol}:${l.protocolPort}`)).toEqual(listeners);
    if (warns === null) expect(warnings).toEqual([]);
    else expect(warnings).toEqual([expect.stringMatching(warns)]);
  });

  it('keeps SCTP and UDP on one port from 2.23 on', () => {
    const service = aService({
      ports: [aServicePort(9, { protocol: 'SCTP' }), aServicePort(9, { name: 'u', protocol: 'UDP' })],
    });
    const protocols = run({ service, capabilities: v(23) }).loadBalancer.listeners.map((l) => l.protocol);
    expect(protocols).toEqual(['SCTP', 'UDP']);
  });

  it('skips the Service when no port is left, saying why', () => {
    const service = aService({ ports: [aServicePort(53, { protocol: 'UDP' })] });
    const result = translate(aTranslateInput({ service, capabilities: legacyLbaasV2Profile() }));
    expect(reasonOf(result)).toMatch(
      /^skip KuryrServiceSkipped: Service default\/web: no port can be load balanced: .*UDP port 53 skipped/,
    );
  });

  it('keeps the first of two entries with the same (protocol, port), with a warning', () => {
    const service = aService({ ports: [aServicePort(80, { name: 'a' }), aServicePort(80, { name: 'b' })] });
    const { loadBalancer, warnings } = run({ service });
    expect(loadBalancer.listeners).toHaveLength(1);
    expect(warnings).toEqual([expect.stringMatching(/^KuryrSkipListener: .*TCP port 80 is listed twice/)]);
  });
});

describe('translate: pool options', () => {
  it.each([
    { provider: 'amphora' as const, configured: 'LEAST_CONNECTIONS' as const, expected: 'LEAST_CONNECTIONS' },
    { provider: 'ovn' as const, configured: 'ROUND_ROBIN' as const, expected: 'SOURCE_IP_PORT' },
  ])('$provider with $configured uses $expected', ({ provider, configured, expected }) => {
    const { loadBalancer } = run({
      capabilities: aProfile({ provider }),
      config: aTranslateConfig({ lbAlgorithm: configured }),
    });
    expect(loadBalancer.provider).toBe(provider);
    expect(loadBalancer.listeners.map((l) => l.pool.lbAlgorithm)).toEqual([expected]);
  });

  it.each([
    {
      case: 'enabled',
      enable: true,
      provider: 'amphora' as const,
      persistence: { type: 'SOURCE_IP' },
      warns: [],
    },
    {
      case: 'disabled',
      enable: false,
      provider: 'amphora' as const,
      persistence: null,
      warns: [/ClientIP ignored: disabled by kuryr.conf \[kuryr_services\] enable_session_affinity/],
    },
    {
      case: 'on OVN',
      enable: true,
      provider: 'ovn' as const,
      persistence: null,
      warns: [/ClientIP ignored: the ovn provider has no SOURCE_IP persistence/],
    },
  ])('sessionAffinity ClientIP $case', ({ enable, provider, persistence, warns }) => {
    const { loadBalancer, warnings } = run({
      service: aService({ sessionAffinity: 'ClientIP' }),
      config: aTranslateConfig({ enableSessionAffinity: enable }),
      capabilities: aProfile({ provider }),
    });
    expect(loadBalancer.listeners[0]?.pool.sessionPersistence).toEqual(persistence);
    expect(warnings).toEqual(warns.map((w) => expect.stringMatching(w) as unknown));
  });

  it('sessionAffinity None gives no persistence', () => {
    expect(
      run({ service: aService({ sessionAffinity: 'None' }) }).loadBalancer.listeners[0]?.pool
        .sessionPersistence,
    ).toBeNull();
  });
});

describe('translate: loadBalancerSourceRanges → allowed_cidrs', () => {
  const ranged = (ranges: string[]) => aService({ type: 'LoadBalancer', loadBalancerSourceRanges: ranges });
  const cidrsOf = (overrides: Partial<TranslateInput>) => {
    const { loadBalancer, warnings } = run(overrides);
    return { cidrs: loadBalancer.listeners.map((l) => l.allowedCidrs), warnings };
  };

  it('normalises, de-duplicates and sorts ranges, on every listener', () => {
    const service = aService({
      type: 'LoadBalancer',
      loadBalancerSourceRanges: ['192.168.1.7/24', ' 10.0.0.0/8', '192.168.1.0/24', '10.0.0.0/16'],
      ports: [aServicePort(80), aServicePort(443, { name: 's' })],
    });
    const want = ['10.0.0.0/8', '10.0.0.0/16', '192.168.1.0/24'];
    expect(cidrsOf({ service })).toEqual({ cidrs: [want, want], warnings: [] });
  });

  it('reads the legacy annotation when the field is empty', () => {
    const service = aService({
      annotations: { 'service.beta.kubernetes.io/load-balancer-source-ranges': '10.0.0.0/8, 1.2.3.4/32' },
    });
    expect(cidrsOf({ service }).cidrs).toEqual([['1.2.3.4/32', '10.0.0.0/8']]);
  });

  it.each([
    {
      case: 'Octavia 2.11',
      overrides: { capabilities: v(11) },
      says: /allowed_cidrs needs Octavia API 2\.12, this Octavia has 2\.11/,
    },
    {
      case: 'legacy LBaaS v2',
      overrides: { capabilities: legacyLbaasV2Profile() },
      says: /legacy Neutron LBaaS v2 API has no allowed_cidrs/,
    },
    {
      case: 'disabled',
      overrides: { config: aTranslateConfig({ enableSourceRanges: false }) },
      says: /disabled by kuryr.conf/,
    },
    {
      case: 'OVN',
      overrides: { capabilities: aProfile({ provider: 'ovn' }) },
      says: /\(the ovn provider refuses listener allowed_cidrs\)/,
    },
  ])('warns loudly and restricts nothing when ranges cannot be enforced ($case)', ({ overrides, says }) => {
    const { cidrs, warnings } = cidrsOf({ service: ranged(['10.0.0.0/8']), ...overrides });
    expect(cidrs).toEqual([[]]);
    expect(warnings).toEqual([
      expect.stringMatching(/^KuryrUnsupportedOption: .*loadBalancerSourceRanges are NOT enforced/),
    ]);
    expect(warnings[0]).toMatch(says);
    expect(warnings[0]).toMatch(/accepts traffic from ANY source address/);
  });

  it('drops ranges of the other family with a warning', () => {
    const { cidrs, warnings } = cidrsOf({ service: ranged(['fd00::/8', '10.0.0.0/8']) });
    expect(cidrs).toEqual([['10.0.0.0/8']]);
    expect(warnings).toEqual([expect.stringMatching(/fd00::\/8 ignored: not IPv4 like the VIP/)]);
  });

  it.each([
    {
      case: 'a malformed range',
      ranges: ['10.0.0.0/33'],
      says: /entry "10\.0\.0\.0\/33" is not a valid CIDR/,
    },
    { case: 'a bare address', ranges: ['10.0.0.1'], says: /entry "10\.0\.0\.1" is not a valid CIDR/ },
    {
      case: 'only other-family ranges',
      ranges: ['fd00::/8'],
      says: /no loadBalancerSourceRanges entry is IPv4 like the VIP \(fd00::\/8\)/,
    },
  ])('rejects $case', ({ ranges, says }) => {
    expect(reasonOf(translate(aTranslateInput({ service: ranged(ranges) })))).toMatch(says);
  });
});

describe('translate: listener timeouts', () => {
  const CLIENT = 'openstack.org/kuryr-timeout-client-data';
  const MEMBER = 'openstack.org/kuryr-timeout-member-data';
  const timeoutsOf = (overrides: Partial<TranslateInput>) =>
    run(overrides).loadBalancer.listeners.map((l) => [l.timeoutClientData, l.timeoutMemberData]);

  it('takes annotations first, then kuryr.conf, else Octavia defaults', () => {
    const config = aTranslateConfig({ timeoutClientData: 50000, timeoutMemberData: 60000 });
    expect(timeoutsOf({})).toEqual([[null, null]]);
    expect(timeoutsOf({ config })).toEqual([[50000, 60000]]);
    const service = aService({ annotations: { [CLIENT]: '0', [MEMBER]: '31536000000' } });
    expect(timeoutsOf({ service, config })).toEqual([[0, 31536000000]]);
  });

  it.each(['abc', '-1', '1.5', '31536000001', '', '1e3', '99999999999999'])(
    'rejects annotation value "%s", naming it',
    (value) => {
      const result = translate(aTranslateInput({ service: aService({ annotations: { [MEMBER]: value } }) }));
      expect(reasonOf(result)).toContain(
        `invalid KuryrInvalidService: Service default/web: annotation ${MEMBER}="${value}" is not a timeout`,
      );
    },
  );

  it('drops timeouts with a warning on legacy LBaaS v2', () => {
    const { loadBalancer, warnings } = run({
      service: aService({ annotations: { [CLIENT]: '1000' } }),
      capabilities: legacyLbaasV2Profile(),
    });
    expect(loadBalancer.listeners[0]?.timeoutClientData).toBeNull();
    expect(warnings).toEqual([
      'KuryrUnsupportedOption: Service default/web: annotation(s) openstack.org/kuryr-timeout-client-data not applied: the legacy Neutron LBaaS v2 API has none',
    ]);
  });
});

describe('translate: floating IPs', () => {
  const lb = (opts: Parameters<typeof aService>[0] = {}) => aService({ type: 'LoadBalancer', ...opts });
  it.each([
    {
      case: 'ClusterIP with loadBalancerIP',
      input: { service: aService({ loadBalancerIP: '172.24.4.9' }) },
      fip: null,
    },
    {
      case: 'user loadBalancerIP',
      input: { service: lb({ loadBalancerIP: '172.24.4.9' }) },
      fip: { method: 'user', address: '172.24.4.9' },
    },
    {
      case: 'pool from external_svc_net',
      input: { service: lb() },
      fip: { method: 'pool', networkId: 'public-network-id' },
    },
    {
      case: 'pool with external_svc_subnet',
      input: { service: lb(), config: aTranslateConfig({ externalSvcSubnet: 'public-subnet-id' }) },
      fip: { method: 'pool', networkId: 'public-network-id', subnetId: 'public-subnet-id' },
    },
  ])('$case', ({ input, fip }) => {
    const { loadBalancer, warnings } = run(input);
    expect(loadBalancer.floatingIp).toEqual(fip);
    expect(warnings).toEqual([]);
  });

  it('gives no floating IP, with a warning, when neither loadBalancerIP nor external_svc_net is set', () => {
    const { loadBalancer, warnings } = run({
      service: lb(),
      config: aTranslateConfig({ externalSvcNet: null }),
    });
    expect(loadBalancer.floatingIp).toBeNull();
    expect(warnings).toEqual([
      expect.stringMatching(
        /^KuryrNoFloatingIp: .*no spec\.loadBalancerIP and no kuryr\.conf \[neutron_defaults\] external_svc_net/,
      ),
    ]);
  });

  it('rejects a loadBalancerIP that is not an IP', () => {
    expect(reasonOf(translate(aTranslateInput({ service: lb({ loadBalancerIP: 'my-fip' }) })))).toMatch(
      /invalid .*spec\.loadBalancerIP "my-fip" is not an IP address/,
    );
  });
});
