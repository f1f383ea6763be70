/** What `translate` puts in the desired load balancer per provider: never an option the provider refuses. */
import { describe, expect, it } from 'vitest';
import type { DesiredLoadBalancer, OctaviaProvider } from '../../../../src/core/model.js';
import { translate } from '../../../../src/core/translate/translate.js';
import {
  aProfile,
  aService,
  aServicePort,
  aTranslateConfig,
  aTranslateInput,
} from '../../../support/builders.js';

const CLIENT = 'openstack.org/kuryr-timeout-client-data';
const MEMBER = 'openstack.org/kuryr-timeout-member-data';

/** A Service asking for everything: source ranges, ClientIP affinity, both timeouts, SCTP and UDP. */
const demanding = aService({
  type: 'LoadBalancer',
  sessionAffinity: 'ClientIP',
  loadBalancerSourceRanges: ['203.0.113.0/24'],
  annotations: { [CLIENT]: '70000', [MEMBER]: '75000' },
  ports: [
    aServicePort(80),
    aServicePort(53, { name: 'dns', protocol: 'UDP' }),
    aServicePort(3868, { name: 'diameter', protocol: 'SCTP' }),
  ],
});

function run(provider: OctaviaProvider, config = aTranslateConfig({ lbAlgorithm: 'LEAST_CONNECTIONS' })) {
  const result = translate(
    aTranslateInput({ service: demanding, slices: [], config, capabilities: aProfile({ provider }) }),
  );
  if (result.kind !== 'desired') throw new Error(`expected desired, got ${JSON.stringify(result)}`);
  return { lb: result.loadBalancer, warnings: result.warnings.map((w) => `${w.code}: ${w.message}`) };
}

function shape(lb: DesiredLoadBalancer) {
  return lb.listeners.map((l) => ({
    listener: `${l.protocol}:${l.protocolPort}`,
    allowedCidrs: l.allowedCidrs,
    timeouts: [l.timeoutClientData, l.timeoutMemberData],
    algorithm: l.pool.lbAlgorithm,
    persistence: l.pool.sessionPersistence?.type ?? null,
  }));
}

describe('translate: provider capabilities', () => {
  it('gives amphora everything asked for', () => {
    const { lb, warnings } = run('amphora');
    const all = { allowedCidrs: ['203.0.113.0/24'], timeouts: [70000, 75000] };
    const pool = { algorithm: 'LEAST_CONNECTIONS', persistence: 'SOURCE_IP' };
    expect(shape(lb)).toEqual([
      { listener: 'SCTP:3868', ...all, ...pool },
      { listener: 'TCP:80', ...all, ...pool },
      { listener: 'UDP:53', ...all, ...pool },
    ]);
    expect(warnings).toEqual([]);
  });

  it('never sends OVN allowed_cidrs, timeouts, SOURCE_IP persistence or another algorithm, and says which input was not applied', () => {
    const { lb, warnings } = run('ovn');
    const none = { allowedCidrs: [], timeouts: [null, null], algorithm: 'SOURCE_IP_PORT', persistence: null };
    expect(shape(lb)).toEqual([
      { listener: 'SCTP:3868', ...none },
      { listener: 'TCP:80', ...none },
      { listener: 'UDP:53', ...none },
    ]);
    expect(warnings).toEqual([
      'KuryrUnsupportedOption: Service default/web: loadBalancerSourceRanges are NOT enforced (the ovn provider refuses listener allowed_cidrs); the load balancer accepts traffic from ANY source address',
      `KuryrUnsupportedOption: Service default/web: annotation(s) ${CLIENT}, ${MEMBER} not applied: the ovn provider does not apply listener timeouts`,
      'KuryrUnsupportedOption: Service default/web: sessionAffinity ClientIP ignored: the ovn provider has no SOURCE_IP persistence',
    ]);
  });

  it('drops kuryr.conf timeouts on OVN without a per-Service warning (kuryr.conf loading warns once)', () => {
    const config = aTranslateConfig({ timeoutClientData: 50000, timeoutMemberData: 50000 });
    const result = translate(aTranslateInput({ config, capabilities: aProfile({ provider: 'ovn' }) }));
    expect(result.kind).toBe('desired');
    if (result.kind !== 'desired') return;
    expect(result.loadBalancer.listeners.map((l) => [l.timeoutClientData, l.timeoutMemberData])).toEqual([
      [null, null],
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('keeps an algorithm the provider takes and replaces one it refuses', () => {
    const algorithmOf = (provider: OctaviaProvider, lbAlgorithm: 'SOURCE_IP_PORT' | 'SOURCE_IP') =>
      run(provider, aTranslateConfig({ lbAlgorithm })).lb.listeners[0]?.pool.lbAlgorithm;
    expect(algorithmOf('amphora', 'SOURCE_IP')).toBe('SOURCE_IP');
    expect(algorithmOf('amphora', 'SOURCE_IP_PORT')).toBe('ROUND_ROBIN');
    expect(algorithmOf('ovn', 'SOURCE_IP')).toBe('SOURCE_IP_PORT');
  });
});
