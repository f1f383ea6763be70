import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrContains } from '../../../../src/core/ip.js';
import type { DesiredLoadBalancer, MemberMode } from '../../../../src/core/model.js';
import { MAX_NAME_LENGTH } from '../../../../src/core/naming.js';
import { MAX_TAG_LENGTH } from '../../../../src/core/ownership.js';
import { translate, type TranslateInput } from '../../../../src/core/translate/translate.js';
import type { Translation } from '../../../../src/core/translate/translation.js';
import {
  serviceScenario,
  slicesFor,
  dnsLabel,
  type ServiceScenario,
} from '../../../support/arbitraries-k8s.js';
import { POD_SUBNET, aTranslateConfig, aTranslateInput } from '../../../support/builders.js';

const RUNS = { numRuns: 1000 };
// 1000 generated clusters per property: slow on a busy shared machine, so a generous timeout.
const TIMEOUT = 180_000;
const memberMode = fc.constantFrom<MemberMode>('L2', 'L3');

function inputFor(
  scenario: ServiceScenario,
  slices: TranslateInput['slices'],
  mode: MemberMode,
): TranslateInput {
  return aTranslateInput({
    service: scenario.service,
    slices,
    config: aTranslateConfig({ memberMode: mode }),
  });
}

function loadBalancerOf(input: TranslateInput): DesiredLoadBalancer {
  const result = translate(input);
  if (result.kind !== 'desired') throw new Error(`expected desired, got ${JSON.stringify(result)}`);
  return result.loadBalancer;
}

/**
 * What the members of each listener must be: the ready (address, resolved port) pairs of
 * addresses in the pod subnet (no member_cidrs here, so in both member modes).
 */
function expectedMembers(scenario: ServiceScenario): Record<string, string[]> {
  const expected: Record<string, string[]> = {};
  for (const port of scenario.ports) {
    const pairs = scenario.groups.flatMap((g) =>
      g.endpoints
        .filter((e) => e.ready !== false && cidrContains(POD_SUBNET.cidr, e.address))
        .map((e) => `${e.address}|${g.targetPorts[port.name] ?? 0}`),
    );
    expected[`${port.protocol}:${port.port}`] = [...new Set(pairs)].sort();
  }
  return expected;
}

function withoutWarnings(result: Translation): unknown {
  return result.kind === 'desired' ? result.loadBalancer : result;
}

/** The addresses named by KuryrSkipMember warnings, sorted and unique. */
function refusedAddresses(result: Translation): string[] {
  if (result.kind !== 'desired') return [];
  const named = result.warnings
    .filter((w) => w.code === 'KuryrSkipMember')
    .map((w) => /: endpoint (\S+) /.exec(w.message)?.[1] ?? w.message);
  return [...new Set(named)].sort();
}

function actualMembers(lb: DesiredLoadBalancer): Record<string, string[]> {
  return Object.fromEntries(
    lb.listeners.map((l) => [
      `${l.protocol}:${l.protocolPort}`,
      l.pool.members.map((m) => `${m.address}|${m.protocolPort}`).sort(),
    ]),
  );
}

describe('translate: properties', () => {
  it(
    'is deterministic and does not depend on how endpoints are split into slices or ordered',
    () => {
      const arb = serviceScenario.chain((scenario) =>
        fc.tuple(fc.constant(scenario), slicesFor(scenario), slicesFor(scenario), memberMode),
      );
      fc.assert(
        fc.property(arb, ([scenario, slicesA, slicesB, mode]) => {
          const a = translate(inputFor(scenario, slicesA, mode));
          expect(translate(inputFor(scenario, slicesA, mode))).toEqual(a);
          // Skipped-member warnings name their EndpointSlice: only which addresses were refused
          // may not depend on the split.
          const b = translate(inputFor(scenario, slicesB, mode));
          expect(withoutWarnings(b)).toEqual(withoutWarnings(a));
          expect(refusedAddresses(b)).toEqual(refusedAddresses(a));
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    'has exactly the ready (address, resolved port) pairs as members, once each, sorted',
    () => {
      const arb = serviceScenario.chain((scenario) =>
        fc.tuple(fc.constant(scenario), slicesFor(scenario), memberMode),
      );
      fc.assert(
        fc.property(arb, ([scenario, slices, mode]) => {
          const lb = loadBalancerOf(inputFor(scenario, slices, mode));
          expect(actualMembers(lb)).toEqual(expectedMembers(scenario));
          for (const listener of lb.listeners) {
            const members = listener.pool.members;
            const keys = members.map((m) => `${m.address}|${m.protocolPort}`);
            expect(new Set(keys).size).toBe(keys.length);
            expect(
              members.every((m) => (mode === 'L3' ? m.subnetId === undefined : m.subnetId === POD_SUBNET.id)),
            ).toBe(true);
          }
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    'gives every object a valid name (1..255) and tags of at most 60 characters',
    () => {
      const resourceTags = fc.uniqueArray(fc.string({ minLength: 1, maxLength: MAX_TAG_LENGTH }), {
        maxLength: 3,
      });
      const clusterId = fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/);
      const arb = serviceScenario.chain((scenario) =>
        fc.tuple(fc.constant(scenario), slicesFor(scenario), memberMode, resourceTags, clusterId),
      );
      fc.assert(
        fc.property(arb, ([scenario, slices, mode, tags, cluster]) => {
          const config = aTranslateConfig({ memberMode: mode, resourceTags: tags, clusterId: cluster });
          const lb = loadBalancerOf(aTranslateInput({ service: scenario.service, slices, config }));
          const objects = [
            lb,
            ...lb.listeners,
            ...lb.listeners.map((l) => l.pool),
            ...lb.listeners.flatMap((l) => l.pool.members),
          ];
          for (const object of objects) {
            expect(object.name.length).toBeGreaterThan(0);
            expect(object.name.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
            for (const tag of object.tags) expect(tag.length).toBeLessThanOrEqual(MAX_TAG_LENGTH);
          }
          expect(lb.description.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
          expect(new Set(lb.listeners.map((l) => l.name)).size).toBe(lb.listeners.length);
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    'never throws, whatever the Service metadata and ports',
    () => {
      const anyPort = fc.record(
        {
          name: fc.string({ maxLength: 5 }),
          protocol: fc.constantFrom('TCP', 'UDP', 'SCTP', 'HTTP', ''),
          port: fc.oneof(fc.integer({ min: -5, max: 70000 }), fc.double()),
          targetPort: fc.oneof(fc.integer({ min: -5, max: 70000 }), fc.string({ maxLength: 4 })),
        },
        { requiredKeys: ['port'] },
      );
      const annotationValue = fc.oneof(fc.constantFrom('true', 'false', 'TRUE'), fc.string({ maxLength: 5 }));
      const service = fc.record({
        metadata: fc.record(
          {
            name: dnsLabel(8),
            namespace: dnsLabel(8),
            uid: fc.string({ maxLength: 60 }),
            annotations: fc.dictionary(
              fc.constantFrom(
                'loadbalancer.openstack.org/internal',
                'service.beta.kubernetes.io/openstack-internal-load-balancer',
                'loadbalancer.openstack.org/load-balancer-id',
                'loadbalancer.openstack.org/flavor-id',
                'loadbalancer.openstack.org/availability-zone',
                'loadbalancer.openstack.org/enable-health-monitor',
                'loadbalancer.openstack.org/health-monitor-delay',
                'loadbalancer.openstack.org/health-monitor-timeout',
                'metallb.io/ip-allocated-from-pool',
              ),
              annotationValue,
            ),
            finalizers: fc.array(
              fc.constantFrom(
                'service.kubernetes.io/load-balancer-cleanup',
                'kuryr.openstack.org/service-finalizer',
              ),
            ),
          },
          { requiredKeys: [] },
        ),
        spec: fc.record(
          {
            type: fc.constantFrom('ClusterIP', 'LoadBalancer', 'NodePort', 'ExternalName', 'Weird'),
            clusterIP: fc.oneof(
              fc.constant('10.2.0.1'),
              fc.constant('None'),
              fc.string({ maxLength: 8 }),
              fc.ipV4(),
            ),
            ports: fc.array(anyPort, { maxLength: 3 }),
            loadBalancerIP: fc.string({ maxLength: 8 }),
            loadBalancerSourceRanges: fc.array(fc.string({ maxLength: 12 }), { maxLength: 2 }),
            sessionAffinity: fc.constantFrom('None', 'ClientIP', 'X'),
            loadBalancerClass: fc.oneof(fc.constantFrom('', 'kuryr', 'other'), fc.string({ maxLength: 4 })),
          },
          { requiredKeys: [] },
        ),
      });
      const coexistence = fc.record({
        memberMode,
        memberCidrs: fc.constantFrom([], ['0.0.0.0/0', '::/0'], ['192.168.0.0/16']),
        loadBalancerClass: fc.constantFrom(null, 'kuryr'),
        ignoreForeignServices: fc.boolean(),
      });
      const slice = fc.record({
        metadata: fc.record({ name: dnsLabel(5) }),
        addressType: fc.constantFrom('IPv4', 'IPv6', 'FQDN'),
        ports: fc.array(
          fc.record({ name: fc.constantFrom('', 'a'), port: fc.integer({ min: -1, max: 70000 }) }),
          {
            maxLength: 2,
          },
        ),
        endpoints: fc.array(
          fc.record({
            addresses: fc.array(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 6 })), {
              maxLength: 2,
            }),
            conditions: fc.record(
              { ready: fc.boolean(), serving: fc.boolean(), terminating: fc.boolean() },
              { requiredKeys: [] },
            ),
          }),
          { maxLength: 3 },
        ),
      });
      fc.assert(
        fc.property(service, fc.array(slice, { maxLength: 2 }), coexistence, (svc, slices, settings) => {
          const config = aTranslateConfig(settings);
          const result = translate(aTranslateInput({ service: svc, slices, config }));
          expect(['desired', 'skip', 'invalid']).toContain(result.kind);
          if (result.kind !== 'desired') expect(result.reason.message.length).toBeGreaterThan(0);
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );
});
