/**
 * Properties of the endpoint address policy, against an oracle written from the RFC ranges
 * (not from ipaddr.js, which the implementation uses): whatever the slices, the conditions
 * and member_cidrs, no address of a refused class is ever a member, and an allowed address
 * of the tier in use is never dropped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { V1Endpoint, V1EndpointSlice } from '@kubernetes/client-node';
import { cidrContains } from '../../../../src/core/ip.js';
import type { MemberMode } from '../../../../src/core/model.js';
import { translate } from '../../../../src/core/translate/translate.js';
import {
  POD_SUBNET,
  POD_SUBNET_V6,
  aService,
  aServicePort,
  aSlicePort,
  aTranslateConfig,
  aTranslateInput,
  anEndpointSlice,
} from '../../../support/builders.js';

const RUNS = { numRuns: 500 };
const TIMEOUT = 180_000;

/** Never members (RFC 1122, 3927, 5771, 919, 4291 and their ::ffff:0:0/96 forms). */
const REFUSED = [
  '0.0.0.0/8',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '224.0.0.0/4',
  '255.255.255.255/32',
  '10.1.255.255/32', // the pod subnet's broadcast address
  '::/128',
  '::1/128',
  'fe80::/10',
  'ff00::/8',
  '::ffff:0.0.0.0/104',
  '::ffff:127.0.0.0/104',
  '::ffff:169.254.0.0/112',
  '::ffff:224.0.0.0/100',
  '::ffff:255.255.255.255/128',
];
const ALLOWLIST_CHOICES = [[], ['192.168.7.0/24', '2001:db8::/32'], ['0.0.0.0/0', '::/0']];

const byte = fc.integer({ min: 0, max: 255 });
const v4 = (a: number, b: fc.Arbitrary<number> = byte) =>
  fc.tuple(b, byte, byte).map(([x, y, z]) => `${a}.${x}.${y}.${z}`);
const hex = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));

const addressV4: fc.Arbitrary<string> = fc.oneof(
  v4(127),
  v4(0),
  fc.tuple(byte, byte).map(([x, y]) => `169.254.${x}.${y}`),
  fc.integer({ min: 224, max: 239 }).chain((a) => v4(a)),
  fc.constant('255.255.255.255'),
  fc.constant('10.1.255.255'),
  fc.tuple(fc.integer({ min: 0, max: 254 }), byte).map(([x, y]) => `10.1.${x}.${y}`),
  byte.map((x) => `192.168.7.${x}`),
  v4(8),
);
const addressV6: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('::', '::1', 'fe80::a9fe:a9fe'),
  hex.map((h) => `fe80::${h}`),
  hex.map((h) => `ff02::${h}`),
  addressV4.map((a) => `::ffff:${a}`),
  hex.map((h) => `fd00:1::${h}`),
  hex.map((h) => `2001:db8::${h}`),
  hex.map((h) => `2a00:${h}::1`),
);

const condition = fc.constantFrom(true, false, undefined);
const conditions = fc.record({ ready: condition, serving: condition, terminating: condition });

interface Ep {
  readonly address: string;
  readonly ready: boolean | undefined;
  readonly serving: boolean | undefined;
  readonly terminating: boolean | undefined;
}

const endpointsOf = (address: fc.Arbitrary<string>) =>
  fc.array(
    fc.record({ address, c: conditions }).map(({ address: a, c }) => ({ address: a, ...c })),
    { maxLength: 8 },
  );

/** Slices of one Service with ports http (8080) and metrics (9100); a slice carries one or both. */
function slicesOf(family: 4 | 6): fc.Arbitrary<{ ports: string[]; endpoints: Ep[] }[]> {
  const ports = fc.constantFrom<string[]>(['http'], ['metrics'], ['http', 'metrics']);
  return fc.array(fc.record({ ports, endpoints: endpointsOf(family === 4 ? addressV4 : addressV6) }), {
    maxLength: 4,
  });
}

function toSlice(family: 4 | 6, index: number, spec: { ports: string[]; endpoints: Ep[] }): V1EndpointSlice {
  const numbers: Record<string, number> = { http: 8080, metrics: 9100 };
  const endpoints: V1Endpoint[] = spec.endpoints.map((e) => ({
    addresses: [e.address],
    conditions: {
      ...(e.ready === undefined ? {} : { ready: e.ready }),
      ...(e.serving === undefined ? {} : { serving: e.serving }),
      ...(e.terminating === undefined ? {} : { terminating: e.terminating }),
    },
  }));
  return anEndpointSlice({
    name: `web-${index}`,
    addressType: family === 4 ? 'IPv4' : 'IPv6',
    ports: spec.ports.map((name) => aSlicePort(numbers[name] ?? 1, { name })),
    endpoints,
  });
}

/** The oracle: may this address be a member? */
function allowed(address: string, mode: MemberMode, allowlist: readonly string[]): boolean {
  if (REFUSED.some((cidr) => cidrContains(cidr, address))) return false;
  const pod = [POD_SUBNET.cidr, POD_SUBNET_V6.cidr].some((cidr) => cidrContains(cidr, address));
  return pod || (mode === 'L3' && allowlist.some((cidr) => cidrContains(cidr, address)));
}

const isReady = (e: Ep) => e.ready !== false;
const isFallback = (e: Ep) => e.ready === false && e.serving !== false && e.terminating === true;

/** The oracle's members of one port, as canonical-ish `address` texts compared by cidrContains. */
function expectedFor(
  port: string,
  slices: readonly { ports: string[]; endpoints: Ep[] }[],
  mode: MemberMode,
  allowlist: readonly string[],
): Ep[] {
  const carrying = slices.filter((s) => s.ports.includes(port)).flatMap((s) => s.endpoints);
  const ready = carrying.filter((e) => isReady(e) && allowed(e.address, mode, allowlist));
  if (ready.length > 0) return ready;
  return carrying.filter((e) => isFallback(e) && allowed(e.address, mode, allowlist));
}

/** Same address, whatever the text form (`::ffff:a01:5` and `::ffff:10.1.0.5`). */
function sameAddress(a: string, b: string): boolean {
  const family = a.includes(':') ? 128 : 32;
  return cidrContains(`${a}/${family}`, b);
}

const scenario = fc
  .record({
    family: fc.constantFrom<4 | 6>(4, 6),
    mode: fc.constantFrom<MemberMode>('L2', 'L3'),
    allowlist: fc.constantFrom(...ALLOWLIST_CHOICES),
  })
  .chain((s) => fc.record({ s: fc.constant(s), slices: slicesOf(s.family) }));

describe('translate: endpoint address policy (properties)', () => {
  it(
    'never makes a refused address a member and never drops an allowed one of the tier in use',
    () => {
      fc.assert(
        fc.property(scenario, ({ s, slices }) => {
          const service = aService({
            clusterIP: s.family === 4 ? '10.2.0.10' : 'fd00:2::a',
            ports: [aServicePort(80, { name: 'http' }), aServicePort(9000, { name: 'metrics' })],
          });
          const config = aTranslateConfig({ memberMode: s.mode, memberCidrs: s.allowlist });
          const result = translate(
            aTranslateInput({ service, slices: slices.map((x, i) => toSlice(s.family, i, x)), config }),
          );
          expect(result.kind).toBe('desired');
          if (result.kind !== 'desired') return;
          const ports: Record<number, string> = { 80: 'http', 9000: 'metrics' };
          for (const listener of result.loadBalancer.listeners) {
            const actual = listener.pool.members.map((m) => m.address);
            for (const address of actual) {
              expect(REFUSED.some((cidr) => cidrContains(cidr, address))).toBe(false);
            }
            const expected = expectedFor(ports[listener.protocolPort] ?? '', slices, s.mode, s.allowlist);
            for (const e of expected) expect(actual.some((a) => sameAddress(a, e.address))).toBe(true);
            for (const a of actual) expect(expected.some((e) => sameAddress(a, e.address))).toBe(true);
          }
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    'names every refused ready address in a KuryrSkipMember warning',
    () => {
      fc.assert(
        fc.property(scenario, ({ s, slices }) => {
          const service = aService({
            clusterIP: s.family === 4 ? '10.2.0.10' : 'fd00:2::a',
            ports: [aServicePort(80, { name: 'http' }), aServicePort(9000, { name: 'metrics' })],
          });
          const config = aTranslateConfig({ memberMode: s.mode, memberCidrs: s.allowlist });
          const result = translate(
            aTranslateInput({ service, slices: slices.map((x, i) => toSlice(s.family, i, x)), config }),
          );
          if (result.kind !== 'desired') throw new Error(result.reason.message);
          const named = result.warnings
            .filter((w) => w.code === 'KuryrSkipMember')
            .map((w) => /: endpoint (\S+) /.exec(w.message)?.[1] ?? '');
          const refusedReady = slices
            .flatMap((x) => x.endpoints)
            .filter((e) => isReady(e) && !allowed(e.address, s.mode, s.allowlist));
          for (const e of refusedReady) expect(named.some((n) => sameAddress(n, e.address))).toBe(true);
          for (const n of named) expect(allowed(n, s.mode, s.allowlist)).toBe(false);
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );
});
