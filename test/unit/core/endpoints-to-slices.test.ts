import type { V1Endpoints } from '@kubernetes/client-node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MANAGED_BY_LABEL,
  MIRRORING_CONTROLLER,
  SERVICE_NAME_LABEL,
  endpointsToSlices,
} from '../../../src/core/endpoints-to-slices.js';

/** (address, port, ready) triples a slice list offers, for comparing pairings. */
function pairs(endpoints: V1Endpoints): string[] {
  return endpointsToSlices(endpoints)
    .flatMap((slice) =>
      slice.endpoints.flatMap((e) =>
        (slice.ports ?? []).map(
          (p) => `${e.addresses.join(',')}:${p.port ?? '?'}:${String(e.conditions?.ready)}`,
        ),
      ),
    )
    .sort();
}

describe('endpointsToSlices', () => {
  it('makes one slice per subset and never pairs an address with another subset’s port', () => {
    const endpoints: V1Endpoints = {
      metadata: { name: 'db', namespace: 'demo' },
      subsets: [
        { addresses: [{ ip: '10.1.0.1' }, { ip: '10.1.0.2' }], ports: [{ name: 'pg', port: 5432 }] },
        {
          addresses: [{ ip: '10.1.0.3' }],
          notReadyAddresses: [{ ip: '10.1.0.4' }],
          ports: [{ name: 'pg', port: 5433, protocol: 'TCP' }],
        },
      ],
    };
    const slices = endpointsToSlices(endpoints);
    expect(slices.map((s) => s.metadata?.name)).toEqual(['db-subset-0', 'db-subset-1']);
    expect(pairs(endpoints)).toEqual([
      '10.1.0.1:5432:true',
      '10.1.0.2:5432:true',
      '10.1.0.3:5433:true',
      '10.1.0.4:5433:false',
    ]);
  });

  it('labels slices with the Service name and the mirroring controller, keeps the namespace', () => {
    const [slice] = endpointsToSlices({
      metadata: { name: 'web', namespace: 'shop', labels: { team: 'a' } },
      subsets: [{ addresses: [{ ip: '10.1.0.9' }], ports: [{ port: 80 }] }],
    });
    expect(slice?.metadata?.namespace).toBe('shop');
    expect(slice?.metadata?.labels).toEqual({
      team: 'a',
      [SERVICE_NAME_LABEL]: 'web',
      [MANAGED_BY_LABEL]: MIRRORING_CONTROLLER,
    });
    expect(slice?.apiVersion).toBe('discovery.k8s.io/v1');
    expect(slice?.kind).toBe('EndpointSlice');
    expect(slice?.addressType).toBe('IPv4');
  });

  it('defaults port name to "" and protocol to TCP, and copies appProtocol', () => {
    const [slice] = endpointsToSlices({
      metadata: { name: 'x', namespace: 'd' },
      subsets: [
        {
          addresses: [{ ip: '10.1.0.9' }],
          ports: [{ port: 80 }, { name: 'dns', port: 53, protocol: 'UDP', appProtocol: 'dns' }],
        },
      ],
    });
    expect(slice?.ports).toEqual([
      { name: '', port: 80, protocol: 'TCP' },
      { name: 'dns', port: 53, protocol: 'UDP', appProtocol: 'dns' },
    ]);
  });

  it('keeps targetRef, hostname and nodeName of addresses', () => {
    const targetRef = { kind: 'Pod', namespace: 'd', name: 'pod-a' };
    const [slice] = endpointsToSlices({
      metadata: { name: 'x', namespace: 'd' },
      subsets: [{ addresses: [{ ip: '10.1.0.9', hostname: 'a', nodeName: 'n1', targetRef }], ports: [] }],
    });
    expect(slice?.endpoints).toEqual([
      { addresses: ['10.1.0.9'], conditions: { ready: true }, hostname: 'a', nodeName: 'n1', targetRef },
    ]);
    expect(slice?.ports).toEqual([]);
  });

  it('splits a dual-stack subset into an IPv4 and an IPv6 slice', () => {
    const slices = endpointsToSlices({
      metadata: { name: 'x', namespace: 'd' },
      subsets: [{ addresses: [{ ip: '10.1.0.9' }, { ip: 'fd00::9' }], ports: [{ port: 80 }] }],
    });
    expect(
      slices.map((s) => [s.metadata?.name, s.addressType, s.endpoints.map((e) => e.addresses[0])]),
    ).toEqual([
      ['x-subset-0', 'IPv4', ['10.1.0.9']],
      ['x-subset-0-ipv6', 'IPv6', ['fd00::9']],
    ]);
  });

  it('yields nothing for no subsets or subsets without addresses', () => {
    expect(endpointsToSlices({ metadata: { name: 'x' } })).toEqual([]);
    expect(endpointsToSlices({ metadata: { name: 'x' }, subsets: [{ ports: [{ port: 1 }] }] })).toEqual([]);
  });
});

describe('endpointsToSlices (property)', () => {
  const ipv4 = fc.tuple(fc.nat(255), fc.nat(255)).map(([a, b]) => `10.1.${a}.${b}`);
  const ipv6 = fc.nat(0xffff).map((n) => `fd00::${n.toString(16)}`);
  const subset = fc.record({
    addresses: fc.array(
      fc.oneof(ipv4, ipv6).map((ip) => ({ ip })),
      { maxLength: 4 },
    ),
    notReadyAddresses: fc.array(
      ipv4.map((ip) => ({ ip })),
      { maxLength: 2 },
    ),
    ports: fc.array(
      fc.record({ name: fc.constantFrom('a', 'b'), port: fc.integer({ min: 1, max: 65535 }) }),
      { maxLength: 3 },
    ),
  });

  it('offers exactly the (address, port, ready) pairs of each subset, never across subsets', () => {
    fc.assert(
      fc.property(fc.array(subset, { maxLength: 4 }), (subsets) => {
        const endpoints: V1Endpoints = { metadata: { name: 's', namespace: 'n' }, subsets };
        const expected = subsets
          .flatMap((s) => [
            ...s.addresses.flatMap(({ ip }) => s.ports.map((p) => `${ip}:${p.port}:true`)),
            ...s.notReadyAddresses.flatMap(({ ip }) => s.ports.map((p) => `${ip}:${p.port}:false`)),
          ])
          .sort();
        expect(pairs(endpoints)).toEqual(expected);
      }),
    );
  });
});
