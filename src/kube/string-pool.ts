/**
 * One copy of each repeated string in the cached objects. JSON.parse gives every string value
 * its own copy: a KuryrLoadBalancer's status names the project and the subnet once per member
 * and the pool once per member of it, an EndpointSlice its namespace and node once per
 * endpoint. At 10,000 Services that is tens of MiB of equal strings (measured with a heap
 * snapshot of bench:scale, docs/bench/results.md). Before an object is stored, `compact`
 * replaces each string value (in place) by the pool's copy of an equal string. Values are
 * unchanged, so nothing that reads the caches can tell, not even isDeepStrictEqual.
 *
 * Arrays are replaced by exact-size copies as well: client-node's deserializer builds them with
 * push, which leaves room for 16 elements, so a one-address endpoint's `addresses` took about
 * 200 bytes instead of 50.
 *
 * The pool is bounded: at `capacity` distinct strings it starts again empty. Strings already
 * shared stay shared; a frequent value (the project id) comes back in with the next object.
 */

/** Strings longer than this are left alone (rarely repeated; hashing them costs more). */
const MAX_LENGTH = 256;

export class StringPool {
  private pool = new Map<string, string>();

  constructor(private readonly capacity = 8192) {}

  /** Distinct strings held now (for tests). */
  get size(): number {
    return this.pool.size;
  }

  /** The pool's copy of `s` (adding `s` when it has none). */
  intern(s: string): string {
    if (s.length > MAX_LENGTH) return s;
    const held = this.pool.get(s);
    if (held !== undefined) return held;
    if (this.pool.size >= this.capacity) this.pool = new Map();
    this.pool.set(s, s);
    return s;
  }

  /** Replaces, in place, every string value under `obj` (objects and arrays, not Dates) by its pooled copy and every array under it by an exact-size copy; returns `obj`. */
  compact<T>(obj: T): T {
    this.walk(obj, 0);
    return obj;
  }

  private walk(value: unknown, depth: number): void {
    // Kubernetes objects are shallow; the bound only guards against a cycle in a hand-made one.
    if (depth > 32 || value === null || typeof value !== 'object' || value instanceof Date) return;
    if (Object.isFrozen(value)) return;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = this.compacted(value[i], depth);
      return;
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = this.compacted(record[key], depth);
  }

  /** A field's value compacted: a string pooled, an object walked, anything else as it is. */
  private compacted(v: unknown, depth: number): unknown {
    if (typeof v === 'string') return this.intern(v);
    return v !== null && typeof v === 'object' ? this.walked(v, depth + 1) : v;
  }

  /** `value` walked; an array comes back as an exact-size copy (slice allocates no spare room). */
  private walked(value: unknown, depth: number): unknown {
    this.walk(value, depth);
    return Array.isArray(value) && !Object.isFrozen(value) ? value.slice() : value;
  }
}
