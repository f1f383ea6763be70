/**
 * Start-up retry of the cloud context (docs/adr/0008): while Keystone/Neutron/Octavia cannot
 * answer, retry with a growing, jittered delay (1 s doubling, cap 30 s), one log line per
 * attempt; a terminal error (`retryable === false`: a 404 project/subnet, a bad request)
 * is fatal at once; an abort (stop/SIGTERM) ends the wait promptly.
 */
import { OpenStackError } from '../openstack/errors.js';
import type { AppLogger } from './logging.js';

export interface CloudWaitOptions<T> {
  readonly load: () => Promise<T>;
  readonly logger: AppLogger;
  readonly signal: AbortSignal;
  /** Called with the reason while not loaded (null once loaded). */
  readonly onReason: (why: string | null) => void;
  readonly random?: () => number;
  readonly baseMs?: number;
  readonly capMs?: number;
}

/** Whether a start-up failure may go away by itself. Non-OpenStack errors are terminal. */
export function isRetryableStartError(err: unknown): boolean {
  return err instanceof OpenStackError && err.retryable;
}

/** Resolves with the loaded value; rejects on a terminal error or on abort. */
export async function waitForCloud<T>(options: CloudWaitOptions<T>): Promise<T> {
  const random = options.random ?? Math.random;
  const base = options.baseMs ?? 1000;
  const cap = options.capMs ?? 30_000;
  for (let attempt = 1; ; attempt++) {
    if (options.signal.aborted) throw new Error('stopped while loading cloud context');
    try {
      const value = await options.load();
      options.onReason(null);
      return value;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!isRetryableStartError(err)) {
        options.onReason(`cloud context failed: ${message}`);
        throw err;
      }
      const ceiling = Math.min(cap, base * 2 ** Math.min(attempt - 1, 30));
      const delay = Math.round(ceiling / 2 + (random() * ceiling) / 2);
      options.onReason(`loading cloud context: ${message}`);
      options.logger.warn(
        { attempt, retryInMs: delay, error: message },
        'cloud context not loaded, retrying',
      );
      await sleep(delay, options.signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      reject(new Error('stopped while loading cloud context'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', done);
      resolve();
    }, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
