/**
 * The delaying half of the work queue: keys waiting for a ready time, released in order of
 * (ready time, request order) through one clock timer armed for the earliest entry.
 */
import type { Clock, TimerHandle } from './clock.js';

interface Entry<K> {
  readonly key: K;
  readonly readyAt: number;
  readonly seq: number;
}

function before<K>(a: Entry<K>, b: Entry<K>): boolean {
  return a.readyAt < b.readyAt || (a.readyAt === b.readyAt && a.seq < b.seq);
}

/** Holds at most one pending ready time per key; an earlier request replaces a later one. */
export class DelayedAdds<K> {
  private readonly heap: Entry<K>[] = [];
  private readonly pending = new Map<K, Entry<K>>();
  private timer: { readonly handle: TimerHandle; readonly at: number } | undefined;
  private seq = 0;

  constructor(
    private readonly clock: Clock,
    private readonly release: (key: K) => void,
  ) {}

  /** Number of keys waiting for their ready time. */
  get size(): number {
    return this.pending.size;
  }

  /** Schedules `key` for `readyAt`; ignored when the key already waits for an earlier (or equal) time. */
  schedule(key: K, readyAt: number): void {
    const existing = this.pending.get(key);
    if (existing !== undefined && existing.readyAt <= readyAt) return;
    const entry = { key, readyAt, seq: this.seq++ };
    this.pending.set(key, entry);
    this.pushHeap(entry);
    this.arm();
  }

  /** Drops every waiting key and the timer (shutdown). */
  clear(): void {
    this.pending.clear();
    this.heap.length = 0;
    this.disarm();
  }

  private fire(): void {
    this.timer = undefined;
    const now = this.clock.now();
    for (let top = this.heap[0]; top !== undefined && top.readyAt <= now; top = this.heap[0]) {
      this.popHeap();
      // Superseded entries (an earlier time replaced them) stay in the heap; skip them lazily.
      if (this.pending.get(top.key) !== top) continue;
      this.pending.delete(top.key);
      this.release(top.key);
    }
    this.arm();
  }

  private arm(): void {
    this.dropStaleTop();
    const top = this.heap[0];
    if (top === undefined) {
      this.disarm();
      return;
    }
    if (this.timer !== undefined && this.timer.at <= top.readyAt) return;
    this.disarm();
    const handle = this.clock.setTimer(top.readyAt - this.clock.now(), () => {
      this.fire();
    });
    this.timer = { handle, at: top.readyAt };
  }

  private disarm(): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer.handle);
    this.timer = undefined;
  }

  private dropStaleTop(): void {
    for (let top = this.heap[0]; top !== undefined && this.pending.get(top.key) !== top; top = this.heap[0]) {
      this.popHeap();
    }
  }

  private pushHeap(entry: Entry<K>): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex];
      if (parent === undefined || !before(entry, parent)) break;
      heap[i] = parent;
      heap[parentIndex] = entry;
      i = parentIndex;
    }
  }

  private popHeap(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      let smallest = i;
      for (const child of [2 * i + 1, 2 * i + 2]) {
        const c = heap[child];
        const s = heap[smallest];
        if (c !== undefined && s !== undefined && before(c, s)) smallest = child;
      }
      if (smallest === i) return;
      const a = heap[i];
      const b = heap[smallest];
      if (a === undefined || b === undefined) return;
      heap[i] = b;
      heap[smallest] = a;
      i = smallest;
    }
  }
}
