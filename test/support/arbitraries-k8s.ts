/**
 * fast-check arbitraries for Kubernetes Services and their EndpointSlices. A scenario is
 * a Service plus groups of endpoints; each group resolves the Service's port names to its
 * own numbers (as pods of two Deployment revisions may), and `slicesFor` cuts every group
 * into slices in a random partition and order, so properties can check that the result
 * does not depend on how Kubernetes split the endpoints.
 */
import fc from 'fast-check';
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import type { Protocol } from '../../src/core/model.js';
import { aService, aServicePort, aSlicePort, anEndpoint, anEndpointSlice } from './builders.js';

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');

/** A DNS-1123 label of 1..`max` characters. */
export function dnsLabel(max = 63): fc.Arbitrary<string> {
  const inner = fc.string({ unit: fc.constantFrom(...ALNUM, '-'), maxLength: Math.max(0, max - 2) });
  return fc
    .tuple(fc.constantFrom(...ALNUM), inner, fc.constantFrom(...ALNUM), fc.boolean())
    .map(([first, middle, last, single]) => (single ? first : `${first}${middle}${last}`))
    .filter((label) => label.length <= max);
}

/** A pod name: usually short, sometimes a DNS-1123 subdomain of up to 253 characters. */
export const podName: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: dnsLabel(20) },
  {
    weight: 1,
    arbitrary: fc.array(dnsLabel(63), { minLength: 3, maxLength: 4 }).map((l) => l.join('.').slice(0, 253)),
  },
);

/** A ready condition: true, false or unset (null). */
export const readiness: fc.Arbitrary<boolean | null> = fc.constantFrom(true, true, null, false);

/** An endpoint address: mostly in the pod subnet 10.1.0.0/16 (few values, so duplicates occur), sometimes outside. */
export const endpointAddress: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 1, max: 12 }))
      .map(([a, b]) => `10.1.${a}.${b}`),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }).map((b) => `192.168.0.${b}`) },
);

export interface EndpointSpec {
  readonly address: string;
  readonly pod: string | null;
  readonly podNamespace: string;
  readonly ready: boolean | null;
}

export interface ServicePortShape {
  readonly name: string;
  readonly protocol: Protocol;
  readonly port: number;
}

/** Endpoints sharing one resolution of the Service's port names to numbers. */
export interface EndpointGroup {
  readonly targetPorts: Readonly<Record<string, number>>;
  readonly endpoints: readonly EndpointSpec[];
}

export interface ServiceScenario {
  readonly service: V1Service;
  readonly ports: readonly ServicePortShape[];
  readonly groups: readonly EndpointGroup[];
}

const protocol: fc.Arbitrary<Protocol> = fc.constantFrom('TCP', 'UDP', 'SCTP');

/** 1..4 Service ports with unique names and unique (protocol, port); a lone port may be unnamed. */
export const servicePorts: fc.Arbitrary<ServicePortShape[]> = fc
  .uniqueArray(fc.record({ name: dnsLabel(15), protocol, port: fc.integer({ min: 1, max: 65535 }) }), {
    minLength: 1,
    maxLength: 4,
    selector: (p) => p.name,
  })
  .filter((ports) => new Set(ports.map((p) => `${p.protocol}:${p.port}`)).size === ports.length)
  .chain((ports) =>
    ports.length === 1
      ? fc.constantFrom(
          ports,
          ports.map((p) => ({ ...p, name: '' })),
        )
      : fc.constant(ports),
  );

const endpoint = (namespace: string): fc.Arbitrary<EndpointSpec> =>
  fc.record({
    address: endpointAddress,
    pod: fc.option(podName, { freq: 6 }),
    podNamespace: fc.constantFrom(namespace, 'other'),
    ready: readiness,
  });

function group(ports: readonly ServicePortShape[], namespace: string): fc.Arbitrary<EndpointGroup> {
  const numbers = fc.array(fc.integer({ min: 1, max: 65535 }), {
    minLength: ports.length,
    maxLength: ports.length,
  });
  return fc.record({
    targetPorts: numbers.map((ns) => Object.fromEntries(ports.map((p, i) => [p.name, ns[i] ?? 1]))),
    endpoints: fc.array(endpoint(namespace), { maxLength: 12 }),
  });
}

/** A ClusterIP or LoadBalancer Service in the service subnet with 0..3 endpoint groups. */
export const serviceScenario: fc.Arbitrary<ServiceScenario> = fc
  .record({
    namespace: dnsLabel(63),
    name: dnsLabel(63),
    uid: fc.uuid(),
    type: fc.constantFrom('ClusterIP', 'LoadBalancer'),
    clusterIP: fc.integer({ min: 1, max: 65534 }).map((n) => `10.2.${n >> 8}.${n & 255}`),
    ports: servicePorts,
  })
  .filter((s) => !(s.namespace === 'default' && s.name === 'kubernetes'))
  .chain((s) =>
    fc.array(group(s.ports, s.namespace), { maxLength: 3 }).map((groups) => ({
      ports: s.ports,
      groups,
      service: aService({
        namespace: s.namespace,
        name: s.name,
        uid: s.uid,
        type: s.type,
        clusterIP: s.clusterIP,
        ports: s.ports.map((p) =>
          aServicePort(p.port, { name: p.name, protocol: p.protocol, targetPort: p.name || p.port }),
        ),
      }),
    })),
  );

/**
 * The scenario's endpoints as EndpointSlices: each group split into 1..3 slices by a random
 * assignment, endpoints shuffled, slices shuffled; some endpoints repeated in two slices.
 */
export function slicesFor(scenario: ServiceScenario): fc.Arbitrary<V1EndpointSlice[]> {
  const namespace = scenario.service.metadata?.namespace ?? 'default';
  const service = scenario.service.metadata?.name ?? 'web';
  const cuts = scenario.groups.map((g) =>
    fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.double({ noNaN: true }), fc.boolean()), {
      minLength: g.endpoints.length,
      maxLength: g.endpoints.length,
    }),
  );
  return fc
    .tuple(fc.tuple(...cuts), fc.array(fc.double({ noNaN: true }), { minLength: 9, maxLength: 9 }))
    .map(([assignments, sliceOrder]) => {
      const slices: V1EndpointSlice[] = [];
      scenario.groups.forEach((g, gi) => {
        const ports = scenario.ports.map((p) =>
          aSlicePort(g.targetPorts[p.name] ?? 1, { name: p.name, protocol: p.protocol }),
        );
        const placed = g.endpoints.map((e, i) => ({ e, cut: assignments[gi]?.[i] ?? [0, 0, false] }));
        for (let bucket = 0; bucket < 3; bucket++) {
          const members = placed
            .filter(({ cut }) => cut[0] === bucket || (cut[2] && (cut[0] + 1) % 3 === bucket))
            .sort((a, b) => a.cut[1] - b.cut[1])
            .map(({ e }) =>
              anEndpoint(e.address, { pod: e.pod, podNamespace: e.podNamespace, ready: e.ready }),
            );
          if (members.length === 0) continue;
          slices.push(
            anEndpointSlice({
              namespace,
              service,
              name: `${service}-g${gi}-s${bucket}`,
              ports,
              endpoints: members,
            }),
          );
        }
      });
      return slices
        .map((s, i) => ({ s, key: sliceOrder[i % sliceOrder.length] ?? 0 }))
        .sort((a, b) => a.key - b.key)
        .map(({ s }) => s);
    });
}
