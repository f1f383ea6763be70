/**
 * The shard function of docs/adr/0014: stable (a pinned table, so a change of hash is seen),
 * every key in exactly one shard, roughly uniform, and shards=1 is the single-Lease behaviour.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyInShards, shardLeaseName, shardOf, shardsPerReplica } from '../../../src/core/shard.js';

const keyArb = fc
  .tuple(fc.stringMatching(/^[a-z0-9-]{1,20}$/), fc.stringMatching(/^[a-z0-9-]{1,20}$/))
  .map(([ns, name]) => `${ns}/${name}`);

describe('shardOf', () => {
  it('is the first 8 bytes of SHA-256 of the key, big-endian, mod N', () => {
    fc.assert(
      fc.property(keyArb, fc.integer({ min: 1, max: 256 }), (key, n) => {
        const hex = createHash('sha256').update(key).digest('hex').slice(0, 16);
        expect(shardOf(key, n)).toBe(Number(BigInt(`0x${hex}`) % BigInt(n)));
      }),
    );
  });

  it('keeps pinned values (a changed hash would move every Service between shards)', () => {
    const pinned = ['default/web', 'kube-system/dns', 'team-a/api', 'team-b/api'].map((k) => [
      k,
      shardOf(k, 2),
      shardOf(k, 7),
    ]);
    expect(pinned).toEqual(PINNED);
  });

  it('puts every key in exactly one shard, within range', () => {
    fc.assert(
      fc.property(keyArb, fc.integer({ min: 1, max: 256 }), (key, n) => {
        const holders = Array.from({ length: n }, (_, i) => i).filter((i) =>
          keyInShards(key, n, new Set([i])),
        );
        expect(holders).toEqual([shardOf(key, n)]);
      }),
    );
  });

  it('is roughly uniform over 10,000 keys', () => {
    for (const n of [2, 3, 8]) {
      const counts = new Array<number>(n).fill(0);
      for (let i = 0; i < 10_000; i += 1) {
        const s = shardOf(`ns-${String(i % 37)}/svc-${String(i)}`, n);
        counts[s] = (counts[s] ?? 0) + 1;
      }
      const expected = 10_000 / n;
      for (const c of counts) expect(Math.abs(c - expected)).toBeLessThan(expected * 0.1);
    }
  });

  it('with one shard puts everything in shard 0 under the configured Lease name', () => {
    fc.assert(fc.property(keyArb, (key) => shardOf(key, 1) === 0 && keyInShards(key, 1, new Set([0]))));
    expect(shardLeaseName('kuryr-services', 0, 1)).toBe('kuryr-services');
  });

  it('refuses shard counts outside 1..256', () => {
    for (const n of [0, -1, 1.5, 257, Number.NaN]) expect(() => shardOf('a/b', n)).toThrow(RangeError);
  });
});

describe('shardLeaseName and shardsPerReplica', () => {
  it('names one Lease per shard', () => {
    expect([0, 1, 2].map((i) => shardLeaseName('kuryr-services', i, 3))).toEqual([
      'kuryr-services-0',
      'kuryr-services-1',
      'kuryr-services-2',
    ]);
    expect(() => shardLeaseName('kuryr-services', 3, 3)).toThrow(RangeError);
  });

  it('lets the replicas together hold every shard, each at most ceil(N / replicas)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 256 }), fc.integer({ min: 1, max: 64 }), (n, r) => {
        const each = shardsPerReplica(n, r);
        expect(each * r).toBeGreaterThanOrEqual(n);
        expect((each - 1) * r).toBeLessThan(n);
      }),
    );
  });
});

/** Computed outside Node: `printf %s KEY | sha256sum`, first 16 hex digits, mod 2 and mod 7. */
const PINNED: readonly (readonly [string, number, number])[] = [
  ['default/web', 0, 2],
  ['kube-system/dns', 1, 5],
  ['team-a/api', 1, 6],
  ['team-b/api', 1, 3],
];
