/**
 * Shards of the Service key space (docs/adr/0014): the shard of a Service is the first 8 bytes
 * of the SHA-256 of its key (`namespace/name`), read as an unsigned big-endian integer, mod N.
 * Pure: the same key and N give the same shard on every replica and every release.
 */
import { createHash } from 'node:crypto';

/** The largest shard count accepted (one Lease per shard). */
export const MAX_SHARDS = 256;

/** The shard (0..shards-1) of a Service key `namespace/name`. */
export function shardOf(key: string, shards: number): number {
  assertShardCount(shards);
  if (shards === 1) return 0;
  const digest = createHash('sha256').update(key, 'utf8').digest();
  return Number(digest.readBigUInt64BE(0) % BigInt(shards));
}

/** Whether a Service key belongs to one of the held shards. */
export function keyInShards(key: string, shards: number, held: ReadonlySet<number>): boolean {
  return held.has(shardOf(key, shards));
}

/**
 * The Lease name of a shard: with one shard the configured name unchanged (the single-Lease
 * behaviour), otherwise `<name>-<shard>`.
 */
export function shardLeaseName(baseName: string, shard: number, shards: number): string {
  assertShardCount(shards);
  if (!Number.isInteger(shard) || shard < 0 || shard >= shards) {
    throw new RangeError(`shard ${String(shard)} is outside 0..${String(shards - 1)}`);
  }
  return shards === 1 ? baseName : `${baseName}-${String(shard)}`;
}

/** The most Leases one replica tries to hold: ceil(shards / replicas). */
export function shardsPerReplica(shards: number, replicas: number): number {
  assertShardCount(shards);
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw new RangeError(`replicas must be a positive integer, got ${String(replicas)}`);
  }
  return Math.ceil(shards / replicas);
}

function assertShardCount(shards: number): void {
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) {
    throw new RangeError(`shards must be an integer in 1..${String(MAX_SHARDS)}, got ${String(shards)}`);
  }
}
