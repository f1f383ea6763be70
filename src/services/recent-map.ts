/**
 * A bounded map of per-load-balancer memory: entries expire after `maxAgeMs` without a
 * write (what the last pass knew may no longer hold), and past `capacity` the least recently
 * written go first. Time comes from the caller.
 */
export class RecentMap<V> {
  private readonly entries = new Map<string, { readonly value: V; readonly at: number }>();

  constructor(private readonly capacity: number) {}

  /** The value written for `key` within the last `maxAgeMs`, else undefined (and forgotten). */
  get(key: string, now: number, maxAgeMs: number): V | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (now - e.at > maxAgeMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** Writes `value` for `key` at `now`, dropping the oldest entries past the capacity. */
  set(key: string, value: V, now: number): void {
    this.entries.delete(key); // re-inserted last: Map order is recency order
    this.entries.set(key, { value, at: now });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
