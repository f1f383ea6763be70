/** Coexistence with other load balancer controllers: classes, foreign marks, internal, unknown annotations. */
import { describe, expect, it } from 'vitest';
import type { V1Service } from '@kubernetes/client-node';
import type { TranslateConfig } from '../../../../src/core/model.js';
import { translate } from '../../../../src/core/translate/translate.js';
import type { Translation } from '../../../../src/core/translate/translation.js';
import {
  aService,
  aTranslateConfig,
  aTranslateInput,
  type ServiceSpecOptions,
} from '../../../support/builders.js';

function lbService(opts: ServiceSpecOptions & { cls?: unknown; finalizers?: string[] } = {}): V1Service {
  const { cls, finalizers, ...rest } = opts;
  const service = aService({ type: 'LoadBalancer', ...rest });
  if (cls !== undefined) Object.assign(service.spec ?? {}, { loadBalancerClass: cls });
  if (finalizers !== undefined) Object.assign(service.metadata ?? {}, { finalizers });
  return service;
}

function outcome(service: V1Service, config: Partial<TranslateConfig> = {}): string {
  const result: Translation = translate(aTranslateInput({ service, config: aTranslateConfig(config) }));
  if (result.kind !== 'desired') return `${result.kind} ${result.reason.code}: ${result.reason.message}`;
  const fip =
    result.loadBalancer.floatingIp === null ? 'no fip' : `fip ${result.loadBalancer.floatingIp.method}`;
  return `desired, ${fip}`;
}

const OCCM_ID = 'loadbalancer.openstack.org/load-balancer-id';
const CLEANUP = 'service.kubernetes.io/load-balancer-cleanup';

describe('translate: spec.loadBalancerClass and other controllers', () => {
  it.each<{ case: string; service: V1Service; config?: Partial<TranslateConfig>; result: RegExp }>([
    { case: 'no class, default config', service: lbService(), result: /^desired, fip pool$/ },
    {
      case: 'another class',
      service: lbService({ cls: 'metallb.io/metallb' }),
      result:
        /^skip KuryrServiceSkipped: Service default\/web has spec.loadBalancerClass "metallb.io\/metallb": served by that class's controller, not kuryr-services \(it serves Services without a class\); no load balancer, no floating IP$/,
    },
    {
      case: 'another class while ours is configured',
      service: lbService({ cls: 'metallb.io/metallb' }),
      config: { loadBalancerClass: 'example.com/octavia' },
      result: /^skip .*\(it serves Services without a class and class "example.com\/octavia"\)/,
    },
    {
      case: 'our class',
      service: lbService({ cls: 'example.com/octavia' }),
      config: { loadBalancerClass: 'example.com/octavia' },
      result: /^desired, fip pool$/,
    },
    {
      case: 'no class while ours is configured (served too)',
      service: lbService(),
      config: { loadBalancerClass: 'example.com/octavia' },
      result: /^desired, fip pool$/,
    },
    {
      case: 'no class, our class and ignore_foreign_services (only the class is served)',
      service: lbService(),
      config: { loadBalancerClass: 'example.com/octavia', ignoreForeignServices: true },
      result:
        /^skip KuryrServiceSkipped: Service default\/web has no spec.loadBalancerClass: left to the cluster's default load balancer implementation/,
    },
    {
      case: 'our class and ignore_foreign_services',
      service: lbService({ cls: 'example.com/octavia', finalizers: [CLEANUP] }),
      config: { loadBalancerClass: 'example.com/octavia', ignoreForeignServices: true },
      result: /^desired, fip pool$/,
    },
    {
      case: 'the cloud-provider finalizer with ignore_foreign_services',
      service: lbService({ finalizers: ['kuryr.openstack.org/service-finalizer', CLEANUP] }),
      config: { ignoreForeignServices: true },
      result: new RegExp(
        `^skip KuryrServiceSkipped: Service default/web is served by another load balancer controller \\(finalizer ${CLEANUP}\\); \\[kuryr_services\\] ignore_foreign_services = true leaves it alone$`,
      ),
    },
    {
      case: "OCCM's and MetalLB's annotations with ignore_foreign_services",
      service: lbService({ annotations: { [OCCM_ID]: 'lb-1', 'metallb.io/ip-allocated-from-pool': 'p' } }),
      config: { ignoreForeignServices: true },
      result: new RegExp(`\\(annotation ${OCCM_ID}, annotation metallb.io/ip-allocated-from-pool\\)`),
    },
    {
      case: 'a ClusterIP Service with foreign marks (no class exists for it)',
      service: lbService({ type: 'ClusterIP', finalizers: [CLEANUP] }),
      config: { ignoreForeignServices: true, loadBalancerClass: 'x' },
      result: /^desired, no fip$/,
    },
    {
      case: 'a class that is not a string',
      service: lbService({ cls: 7 }),
      result:
        /^invalid KuryrInvalidService: Service default\/web has a spec.loadBalancerClass that is not a string$/,
    },
  ])('$case', ({ service, config, result }) => {
    expect(outcome(service, config)).toMatch(result);
  });

  it('skips a foreign class before validating the rest of the Service', () => {
    const service = lbService({ cls: 'other', clusterIP: '192.0.2.1', loadBalancerIP: 'nonsense' });
    expect(outcome(service)).toMatch(/^skip KuryrServiceSkipped: .*"other"/);
  });

  it('serves a Service with foreign marks when not told to ignore them, with a warning', () => {
    const result = translate(aTranslateInput({ service: lbService({ finalizers: [CLEANUP] }) }));
    expect(result.kind).toBe('desired');
    if (result.kind !== 'desired') return;
    expect(result.warnings).toEqual([
      {
        code: 'KuryrForeignController',
        message: `Service default/web carries another load balancer controller's marks (finalizer ${CLEANUP}): both may serve it; give it a spec.loadBalancerClass or set [kuryr_services] ignore_foreign_services = true`,
      },
    ]);
  });
});

describe('translate: internal load balancers', () => {
  const OCCM = 'service.beta.kubernetes.io/openstack-internal-load-balancer';
  const OURS = 'loadbalancer.openstack.org/internal';
  it.each<{ annotations: Record<string, string>; loadBalancerIP?: string; result: RegExp }>([
    { annotations: { [OCCM]: 'true' }, result: /^desired, no fip$/ },
    { annotations: { [OURS]: 'True' }, result: /^desired, no fip$/ },
    { annotations: { [OURS]: 'true', [OCCM]: 'true' }, result: /^desired, no fip$/ },
    { annotations: { [OURS]: 'false' }, result: /^desired, fip pool$/ },
    { annotations: { [OCCM]: 'false' }, loadBalancerIP: '172.24.4.9', result: /^desired, fip user$/ },
    { annotations: { [OURS]: 'true' }, loadBalancerIP: '172.24.4.9', result: /^desired, no fip$/ },
    {
      annotations: { [OURS]: 'yes' },
      result: new RegExp(
        `^invalid KuryrInvalidService: Service default/web: annotation ${OURS}="yes" must be "true" or "false"$`,
      ),
    },
    { annotations: { [OURS]: 'true', [OCCM]: 'false' }, result: /^invalid .* disagree$/ },
  ])('$annotations with loadBalancerIP $loadBalancerIP', ({ annotations, loadBalancerIP, result }) => {
    const service = lbService({ annotations, ...(loadBalancerIP === undefined ? {} : { loadBalancerIP }) });
    expect(outcome(service)).toMatch(result);
  });

  it('marks the desired load balancer internal (ingress = VIP) and says a loadBalancerIP is ignored', () => {
    const service = lbService({ annotations: { [OURS]: 'true' }, loadBalancerIP: '172.24.4.9' });
    const result = translate(aTranslateInput({ service }));
    if (result.kind !== 'desired') throw new Error(result.reason.message);
    expect(result.loadBalancer).toMatchObject({ internal: true, floatingIp: null, vipAddress: '10.2.0.10' });
    expect(result.warnings.map((w) => `${w.code}: ${w.message}`)).toEqual([
      'KuryrUnsupportedOption: Service default/web: spec.loadBalancerIP "172.24.4.9" ignored: the Service is internal (no floating IP); its address is the VIP',
    ]);
  });

  it('leaves ClusterIP Services and non-internal ones unmarked', () => {
    for (const service of [aService({ annotations: { [OURS]: 'true' } }), lbService()]) {
      const result = translate(aTranslateInput({ service }));
      if (result.kind !== 'desired') throw new Error(result.reason.message);
      expect('internal' in result.loadBalancer).toBe(false);
    }
  });
});

describe('translate: cloud-provider-openstack annotations we do not implement', () => {
  it('names them once, sorted, in one Normal note with a stable text', () => {
    const annotations = {
      'loadbalancer.openstack.org/timeout-client-data': '5000',
      'loadbalancer.openstack.org/proxy-protocol': 'true',
      // Implemented, so never named: health monitors, flavor and availability zone.
      'loadbalancer.openstack.org/enable-health-monitor': 'false',
      'loadbalancer.openstack.org/availability-zone': 'az1',
      'loadbalancer.openstack.org/internal': 'false',
      [OCCM_ID]: 'lb-1',
      'example.com/other': 'x',
    };
    const run = (order: Record<string, string>) => {
      const result = translate(aTranslateInput({ service: lbService({ annotations: order }) }));
      if (result.kind !== 'desired') throw new Error(result.reason.message);
      return result.warnings.filter((w) => w.code === 'KuryrIgnoredAnnotations');
    };
    const notes = run(annotations);
    expect(notes).toEqual([
      {
        code: 'KuryrIgnoredAnnotations',
        eventType: 'Normal',
        message:
          'Service default/web: annotations not implemented by kuryr-services, ignored: loadbalancer.openstack.org/proxy-protocol, loadbalancer.openstack.org/timeout-client-data',
      },
    ]);
    const reversed = Object.fromEntries(Object.entries(annotations).reverse());
    expect(run(reversed)).toEqual(notes);
  });

  it('says nothing when there are none', () => {
    const result = translate(
      aTranslateInput({ service: lbService({ annotations: { 'example.com/a': 'b' } }) }),
    );
    expect(result.kind === 'desired' ? result.warnings : null).toEqual([]);
  });
});
