/**
 * The one wrapper of every Kubernetes API call made through `KubeClients`: the call gets an
 * AbortSignal (the caller's, plus a timeout on the injected clock) through client-node's
 * per-call middleware, is counted and timed in `KubeMetrics` (operation, status code or
 * timeout/aborted/error), and fails with a KubeApiError naming the operation and the object.
 */
import { Observable, type ConfigurationOptions, type ObservableMiddleware } from '@kubernetes/client-node';
import type { KubeClients } from './clients.js';
import { KubeApiError, toKubeApiError } from './errors.js';

/** What one call is, for its signal, timeout, metrics and error message. */
export interface KubeCallSpec {
  /** Metrics label and error wording: `service.patch`, `klb.status.patch`, `event.create`. */
  readonly operation: string;
  /** The object, for the message: `Service default/web`, `KuryrLoadBalancers (all namespaces)`. */
  readonly object: string;
  readonly signal: AbortSignal;
  /** Overrides the clients' default timeout. */
  readonly timeoutMs?: number;
}

/** Options carrying `signal` to fetch and reporting the HTTP status of the answer. */
function callOptions(signal: AbortSignal, onStatus: (code: number) => void): ConfigurationOptions {
  const middleware: ObservableMiddleware = {
    pre: (context) => {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: (response) => {
      onStatus(response.httpStatusCode);
      return new Observable(Promise.resolve(response));
    },
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

/** Rejects once `signal` aborts, so a call that ignores its signal cannot hang the caller. */
function abortion(signal: AbortSignal): { promise: Promise<never>; dispose: () => void } {
  let dispose = (): void => undefined;
  const promise = new Promise<never>((_resolve, reject) => {
    const fail = (): void => {
      reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
    };
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
    dispose = () => {
      signal.removeEventListener('abort', fail);
    };
  });
  promise.catch(() => undefined);
  return { promise, dispose };
}

/**
 * Runs `fn` with per-call options (pass them on, e.g. through `setHeaderOptions(..., options)`).
 * Resolves with its answer; rejects with a KubeApiError: HTTP failures keep status and Status
 * reason, `timedOut` after the timeout, `aborted` when `spec.signal` aborted. Never retries.
 */
export async function callKube<T>(
  clients: KubeClients,
  spec: KubeCallSpec,
  fn: (options: ConfigurationOptions) => Promise<T>,
): Promise<T> {
  const { clock, metrics } = clients.io;
  const timeoutMs = spec.timeoutMs ?? clients.io.timeoutMs;
  const deadline = callDeadline(clients, spec.signal, timeoutMs);
  const { controller } = deadline;
  let code: number | undefined;
  const aborted = abortion(controller.signal);
  const started = clock.now();
  const seconds = (): number => Math.max(0, clock.now() - started) / 1000;
  try {
    const options = callOptions(controller.signal, (status) => (code = status));
    const result = await Promise.race([fn(options), aborted.promise]);
    metrics.request(spec.operation, String(code ?? 200), seconds());
    return result;
  } catch (err) {
    const error = failure(spec, err, {
      timedOut: deadline.timedOut(),
      timeoutMs,
      aborted: controller.signal.aborted,
    });
    metrics.request(spec.operation, error.codeLabel, seconds());
    throw error;
  } finally {
    deadline.dispose();
    aborted.dispose();
  }
}

/** An abort controller that follows `parent` and fires after `timeoutMs`; `dispose` undoes both. */
function callDeadline(
  clients: KubeClients,
  parent: AbortSignal,
  timeoutMs: number,
): { controller: AbortController; timedOut(): boolean; dispose(): void } {
  const { clock } = clients.io;
  const controller = new AbortController();
  let timedOut = false;
  const onParent = (): void => {
    controller.abort(parent.reason);
  };
  if (parent.aborted) onParent();
  else parent.addEventListener('abort', onParent, { once: true });
  const timer = clock.setTimer(timeoutMs, () => {
    timedOut = true;
    controller.abort(new Error(`no answer within ${timeoutMs} ms`));
  });
  return {
    controller,
    timedOut: () => timedOut,
    dispose: () => {
      clock.clearTimer(timer);
      parent.removeEventListener('abort', onParent);
    },
  };
}

function failure(
  spec: KubeCallSpec,
  err: unknown,
  how: { timedOut: boolean; timeoutMs: number; aborted: boolean },
): KubeApiError {
  if (how.timedOut) {
    return new KubeApiError(spec.operation, 0, `no answer within ${how.timeoutMs} ms`, {
      cause: err,
      object: spec.object,
      timedOut: true,
    });
  }
  if (how.aborted) {
    return new KubeApiError(spec.operation, 0, 'aborted by the caller', {
      cause: err,
      object: spec.object,
      aborted: true,
    });
  }
  return toKubeApiError(spec.operation, err, { object: spec.object });
}
