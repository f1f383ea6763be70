/** translate: flavor and availability zone (kuryr.conf and annotation), and the opt-in default/kubernetes load balancer. */
import { describe, expect, it } from 'vitest';
import type { CapabilityProfile, TranslateConfig } from '../../../../src/core/model.js';
import { translate } from '../../../../src/core/translate/translate.js';
import type { Translation } from '../../../../src/core/translate/translation.js';
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

const FLAVOR = 'loadbalancer.openstack.org/flavor-id';
const ZONE = 'loadbalancer.openstack.org/availability-zone';
const F1 = '5f1e0a4e-8a43-4c1e-9f1a-0a3e7c2d9b11';
const F2 = '0b7c2a51-2f0e-4d5c-8a8e-51d1c0de0002';

function placed(
  annotations: Record<string, string>,
  config: Partial<TranslateConfig> = {},
  profile: Partial<CapabilityProfile> = {},
): Translation {
  return translate(
    aTranslateInput({
      service: aService({ annotations }),
      config: aTranslateConfig(config),
      capabilities: aProfile(profile),
    }),
  );
}

function placementOf(t: Translation): unknown {
  if (t.kind !== 'desired') throw new Error(`expected desired, got ${JSON.stringify(t)}`);
  const { flavorId, availabilityZone } = t.loadBalancer;
  return { flavorId, availabilityZone, warnings: t.warnings.map((w) => `${w.code}: ${w.message}`) };
}

describe('translate: flavor and availability zone', () => {
  it('takes kuryr.conf, the annotation wins, and an empty annotation asks for none', () => {
    const conf = { flavorId: F1, availabilityZone: 'az-1' };
    expect(placementOf(placed({}, conf))).toEqual({ flavorId: F1, availabilityZone: 'az-1', warnings: [] });
    expect(placementOf(placed({ [FLAVOR]: F2, [ZONE]: ' az-2 ' }, conf))).toEqual({
      flavorId: F2,
      availabilityZone: 'az-2',
      warnings: [],
    });
    expect(placementOf(placed({ [FLAVOR]: '', [ZONE]: '' }, conf))).toEqual({
      flavorId: undefined,
      availabilityZone: undefined,
      warnings: [],
    });
  });

  it('refuses a flavor that is not a UUID and a zone over 255 characters as invalid input', () => {
    const bad = placed({ [FLAVOR]: 'small' });
    expect(bad.kind === 'invalid' && bad.reason.message).toBe(
      `Service default/web: annotation ${FLAVOR}="small" is not a flavor id (a UUID)`,
    );
    const long = placed({ [ZONE]: 'z'.repeat(256) });
    expect(long.kind === 'invalid' && long.reason.message).toBe(
      `Service default/web: annotation ${ZONE} is longer than 255 characters`,
    );
  });

  it('sends neither on OVN: the annotation gets a warning, kuryr.conf was warned about at load', () => {
    const ovn = { provider: 'ovn' as const };
    expect(placementOf(placed({ [FLAVOR]: F2 }, { availabilityZone: 'az-1' }, ovn))).toEqual({
      flavorId: undefined,
      availabilityZone: undefined,
      warnings: [
        `KuryrUnsupportedOption: Service default/web: flavor "${F2}" (annotation ${FLAVOR}) not applied: the ovn provider has no flavors`,
      ],
    });
  });

  it('sends an availability zone only from Octavia API 2.14 on, and says why not before', () => {
    const old = { apiVersion: { major: 2, minor: 13 } };
    expect(placementOf(placed({}, { flavorId: F1, availabilityZone: 'az-1' }, old))).toEqual({
      flavorId: F1,
      availabilityZone: undefined,
      warnings: [
        'KuryrUnsupportedOption: Service default/web: availability zone "az-1" (kuryr.conf [octavia_defaults] availability_zone) not applied: it needs Octavia API 2.14, this Octavia has 2.13',
      ],
    });
  });
});

/** The API server Service as Kubernetes makes it, and its EndpointSlice (two API servers on 6443). */
function apiInput(config: Partial<TranslateConfig>, profile: Partial<CapabilityProfile> = {}) {
  const service = aService({
    namespace: 'default',
    name: 'kubernetes',
    clusterIP: '10.2.0.1',
    ports: [aServicePort(443, { name: 'https', targetPort: 6443 })],
  });
  const slice = anEndpointSlice({
    service: 'kubernetes',
    name: 'kubernetes',
    ports: [aSlicePort(6443, { name: 'https' })],
    endpoints: [anEndpoint('192.168.0.11', { pod: null }), anEndpoint('192.168.0.10', { pod: null })],
  });
  const base = { memberMode: 'L3' as const, memberCidrs: ['192.168.0.0/24'] };
  return aTranslateInput({
    service,
    slices: [slice],
    config: aTranslateConfig({ ...base, ...config }),
    capabilities: aProfile(profile),
  });
}

describe('translate: the default/kubernetes load balancer', () => {
  it('is skipped unless [kuryr_services] kubernetes_api_lb = true', () => {
    const t = translate(apiInput({}));
    expect(t.kind).toBe('skip');
    expect(t.kind === 'skip' && t.reason.message).toContain('kubernetes_api_lb = false');
  });

  it('opt-in: HTTPS 443 → the API servers on 6443, LEAST_CONNECTIONS, one-hour timeouts', () => {
    const t = translate(apiInput({ kubernetesApiLb: true }));
    if (t.kind !== 'desired') throw new Error(JSON.stringify(t));
    expect(t.loadBalancer.name).toBe('default/kubernetes');
    expect(t.loadBalancer.vipAddress).toBe('10.2.0.1');
    expect(
      t.loadBalancer.listeners.map((l) => ({
        listener: `${l.name} ${l.protocol}:${l.protocolPort}`,
        pool: `${l.pool.protocol} ${l.pool.lbAlgorithm}`,
        timeouts: [l.timeoutClientData, l.timeoutMemberData],
        members: l.pool.members.map((m) => `${m.address}:${m.protocolPort}`),
      })),
    ).toEqual([
      {
        listener: 'default/kubernetes:HTTPS:443 HTTPS:443',
        pool: 'HTTPS LEAST_CONNECTIONS',
        timeouts: [3_600_000, 3_600_000],
        members: ['192.168.0.10:6443', '192.168.0.11:6443'],
      },
    ]);
    expect(t.warnings).toEqual([]);
  });

  it('a health monitor of an HTTPS pool is a TLS-HELLO check', () => {
    const defaults = { enabled: true, delay: 5, timeout: 3, maxRetries: 1, maxRetriesDown: 3 };
    const t = translate(apiInput({ kubernetesApiLb: true, healthMonitor: defaults }));
    if (t.kind !== 'desired') throw new Error(JSON.stringify(t));
    expect(t.loadBalancer.listeners[0]?.pool.healthMonitor?.type).toBe('TLS-HELLO');
  });

  it('keeps kuryr.conf timeouts when set', () => {
    const t = translate(apiInput({ kubernetesApiLb: true, timeoutClientData: 60_000 }));
    if (t.kind !== 'desired') throw new Error(JSON.stringify(t));
    const l = t.loadBalancer.listeners[0];
    expect([l?.timeoutClientData, l?.timeoutMemberData]).toEqual([60_000, 3_600_000]);
  });

  it('on OVN: TCP (no HTTPS there), its one algorithm, no timeouts, and no warning for what we chose', () => {
    const t = translate(apiInput({ kubernetesApiLb: true }, { provider: 'ovn' }));
    if (t.kind !== 'desired') throw new Error(JSON.stringify(t));
    const l = t.loadBalancer.listeners[0];
    expect([l?.protocol, l?.pool.protocol, l?.pool.lbAlgorithm]).toEqual(['TCP', 'TCP', 'SOURCE_IP_PORT']);
    expect([l?.timeoutClientData, l?.timeoutMemberData]).toEqual([null, null]);
    expect(t.warnings.map((w) => w.message)).toEqual([]);
  });
});
