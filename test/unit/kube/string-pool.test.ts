/**
 * The cache's string pool changes no value: whatever JSON an object was parsed from, it reads
 * the same after `compact` (deep-equal, Dates kept as Dates), and the pool stays bounded. That
 * the copies are shared is not observable from JavaScript; bench:scale measures the memory.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StringPool } from '../../../src/kube/string-pool.js';

const member = (i: number): Record<string, unknown> => ({
  id: `m-${i}`,
  pool_id: 'p-1',
  project_id: 'a087eaf300b349c98706c4ebfb2627fd',
  subnet_id: '3d44f2dc-c1ca-4639-a73c-c3b352c5dc6c',
  ip: `10.1.0.${i}`,
  port: 8080,
});

describe('StringPool', () => {
  it('leaves every value of any JSON document as it was', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = structuredClone(value);
        const pool = new StringPool(16);
        expect(isDeepStrictEqual(pool.compact(value), copy)).toBe(true);
      }),
    );
  });

  it('holds one entry per distinct string across objects, and leaves Dates and frozen objects alone', () => {
    const pool = new StringPool();
    const created = new Date('2026-12-07T10:00:00Z');
    const frozen = Object.freeze({ note: 'frozen' });
    const klb = {
      metadata: { creationTimestamp: created, frozen },
      status: { members: [0, 1, 2].map(member) },
    };
    const other = { status: { members: [3, 4].map(member) } };
    pool.compact(klb);
    pool.compact(other);
    // m-0..m-4, 10.1.0.0..4, p-1, the project and the subnet: numbers are not strings.
    expect(pool.size).toBe(13);
    expect(klb.metadata.creationTimestamp).toBe(created);
    expect(klb.metadata.frozen).toBe(frozen);
    expect(klb.status.members[2]).toEqual(member(2));
  });

  it('replaces nested arrays by equal copies (exact-size), the top object stays the same object', () => {
    const pool = new StringPool();
    const addresses: string[] = [];
    addresses.push('10.1.0.1');
    const slice = { endpoints: [{ addresses, conditions: { ready: true } }] };
    const endpoints = slice.endpoints;
    expect(pool.compact(slice)).toBe(slice);
    expect(slice.endpoints).not.toBe(endpoints);
    expect(slice.endpoints[0]?.addresses).not.toBe(addresses);
    expect(slice).toEqual({ endpoints: [{ addresses: ['10.1.0.1'], conditions: { ready: true } }] });
  });

  it('starts again empty at its capacity, so it never holds more than that', () => {
    const pool = new StringPool(4);
    for (let i = 0; i < 100; i++) {
      pool.intern(`s-${i}`);
      expect(pool.size).toBeLessThanOrEqual(4);
    }
    expect(pool.intern('s-99')).toBe('s-99');
  });

  it('does not pool long strings', () => {
    const pool = new StringPool();
    pool.compact({ annotation: 'x'.repeat(257), short: 'y' });
    expect(pool.size).toBe(1);
  });
});
