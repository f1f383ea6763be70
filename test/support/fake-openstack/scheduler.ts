/**
 * Deferred work of the fake cloud (an Octavia operation completing, a deleted object going
 * away), ordered by due time. Nothing runs on a timer: the router calls `runDue(now)` before
 * each request, so what a request sees depends only on the injected clock, never on how
 * often anyone looked. A min-heap keeps `runDue` O(log n) per event.
 */

interface Job {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
}

function before(a: Job, b: Job): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Jobs by due time (ties in scheduling order). */
export class Scheduler {
  readonly #heap: Job[] = [];
  #seq = 0;

  /** Number of jobs not yet run. */
  get pending(): number {
    return this.#heap.length;
  }

  /** The due time of the next job, or null. */
  nextDue(): number | null {
    return this.#heap[0]?.at ?? null;
  }

  /** Schedules `run` at time `at`. */
  at(at: number, run: () => void): void {
    this.#heap.push({ at, seq: this.#seq++, run });
    this.#up(this.#heap.length - 1);
  }

  /** Runs every job due at or before `now`, in order; jobs they schedule that are due run too. */
  runDue(now: number): number {
    let ran = 0;
    for (let top = this.#heap[0]; top !== undefined && top.at <= now; top = this.#heap[0]) {
      this.#pop();
      top.run();
      ran++;
    }
    return ran;
  }

  #pop(): void {
    const last = this.#heap.pop();
    if (last === undefined || this.#heap.length === 0) return;
    this.#heap[0] = last;
    this.#down(0);
  }

  #up(start: number): void {
    const heap = this.#heap;
    for (let i = start; i > 0;) {
      const parent = (i - 1) >> 1;
      const [a, b] = [heap[i], heap[parent]];
      if (a === undefined || b === undefined || !before(a, b)) return;
      [heap[i], heap[parent]] = [b, a];
      i = parent;
    }
  }

  #down(start: number): void {
    const heap = this.#heap;
    for (let i = start; ;) {
      let best = i;
      for (const child of [2 * i + 1, 2 * i + 2]) {
        const [c, b] = [heap[child], heap[best]];
        if (c !== undefined && b !== undefined && before(c, b)) best = child;
      }
      if (best === i) return;
      const [x, y] = [heap[i], heap[best]];
      if (x === undefined || y === undefined) return;
      [heap[i], heap[best]] = [y, x];
      i = best;
    }
  }
}
