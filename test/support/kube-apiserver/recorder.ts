/**
 * Test helpers over @kubernetes/client-node: a WatchRecorder that keeps every event of one
 * watch and waits (bounded) for a condition on them, and `apiFailure` to read the Status
 * of a rejected call.
 */
import { ApiException, Watch, type KubeConfig } from '@kubernetes/client-node';
import { isRecord } from './object.js';

/** One received watch event. */
export interface RecordedEvent {
  readonly type: string;
  readonly object: { metadata?: { name?: string; resourceVersion?: string }; [k: string]: unknown };
}

/** Thrown when a bounded wait runs out. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
}

/** Records one client-node watch; `ended` resolves with the done() error (or null). */
export class WatchRecorder {
  readonly events: RecordedEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private controller: AbortController | undefined;
  private endResult: unknown = undefined;
  private finished = false;

  /** Starts watching `path` with `query` (client-node adds `watch=true`). */
  static async start(
    kc: KubeConfig,
    path: string,
    query: Record<string, string | number | boolean | undefined> = {},
  ): Promise<WatchRecorder> {
    const recorder = new WatchRecorder();
    recorder.controller = await new Watch(kc).watch(
      path,
      query,
      (type, object: RecordedEvent['object']) => {
        recorder.events.push({ type, object });
        recorder.notify();
      },
      (err: unknown) => {
        recorder.finished = true;
        recorder.endResult = err;
        recorder.notify();
      },
    );
    return recorder;
  }

  /** True once the stream ended; `endError` is what done() received. */
  get ended(): boolean {
    return this.finished;
  }

  get endError(): unknown {
    return this.endResult;
  }

  /** `TYPE name` of each event, for compact assertions. */
  summary(): string[] {
    return this.events.map((e) => `${e.type} ${e.object.metadata?.name ?? ''}`);
  }

  /** Resolves once `condition` holds; rejects with WaitTimeoutError after `timeoutMs`. */
  async waitFor(condition: (r: WatchRecorder) => boolean, timeoutMs = 2000): Promise<void> {
    if (condition(this)) return;
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!condition(this)) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new WaitTimeoutError(
            `watch condition not met in ${timeoutMs} ms; saw ${this.summary().join(', ')}`,
          ),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  /** Waits until at least `count` events arrived. */
  async waitForCount(count: number, timeoutMs = 2000): Promise<void> {
    await this.waitFor((r) => r.events.length >= count, timeoutMs);
  }

  /** Aborts the watch. */
  stop(): void {
    this.controller?.abort();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** The HTTP code and parsed Status body of a client-node call expected to fail. */
export async function apiFailure(
  call: Promise<unknown>,
): Promise<{ code: number; status: Record<string, unknown> }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ApiException) {
      const raw: unknown = error.body;
      const parsed: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
      return { code: error.code, status: isRecord(parsed) ? parsed : {} };
    }
    throw error;
  }
  throw new Error('expected the API call to fail, but it succeeded');
}

/** Polls `condition` on each macrotask until true; rejects after `timeoutMs`. */
export async function eventually(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new WaitTimeoutError(`condition not met in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A deep copy of `obj` changed by `change` (client-node models are classes: no spreading). */
export function edited<T>(obj: T, change: (copy: T) => void): T {
  const copy = structuredClone(obj);
  change(copy);
  return copy;
}
