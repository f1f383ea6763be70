/** One lease call under a time budget on the injected clock. */
import type { Clock } from '../../engine/clock.js';

/** One lease call took longer than its budget. */
export class LeaseCallTimeoutError extends Error {
  override readonly name = 'LeaseCallTimeoutError';
}

const asError = (reason: unknown): Error => (reason instanceof Error ? reason : new Error(String(reason)));

/**
 * Runs `call` with a signal aborted by `parent` or after `ms` on `clock`; rejects as soon as
 * either happens even if the call ignores its signal.
 */
export async function bounded<T>(
  clock: Clock,
  limit: { readonly ms: number; readonly parent: AbortSignal; readonly what: string },
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onParent = (): void => {
    controller.abort(limit.parent.reason);
  };
  if (limit.parent.aborted) onParent();
  else limit.parent.addEventListener('abort', onParent, { once: true });
  const timer = clock.setTimer(limit.ms, () => {
    controller.abort(new LeaseCallTimeoutError(`${limit.what}: no answer within ${limit.ms} ms`));
  });
  const aborted = new Promise<never>((_resolve, reject) => {
    const fail = (): void => {
      reject(asError(controller.signal.reason));
    };
    if (controller.signal.aborted) fail();
    else controller.signal.addEventListener('abort', fail, { once: true });
  });
  try {
    return await Promise.race([call(controller.signal), aborted]);
  } finally {
    clock.clearTimer(timer);
    limit.parent.removeEventListener('abort', onParent);
  }
}
