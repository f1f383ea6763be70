/**
 * One watch request over client-node's `Watch`, as a promise of how it ended: `closed` (the
 * server ended the stream: resume from the last resourceVersion), `expired` (410 Gone, as
 * HTTP status or as an ERROR event: relist), `failed` (anything else), or `aborted`.
 * A watchdog gives up on a stream that outlives the server-side timeout it asked for.
 */
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import type { Clock } from '../engine/clock.js';
import { KubeApiError, statusOf, toKubeApiError } from './errors.js';

/** How one watch ended. */
export type WatchEnd =
  | { readonly kind: 'closed' }
  | { readonly kind: 'expired'; readonly message: string }
  | { readonly kind: 'failed'; readonly error: KubeApiError }
  | { readonly kind: 'aborted' };

/** One watch event as received (`BOOKMARK` objects carry only metadata.resourceVersion). */
export interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  readonly object: unknown;
}

/** One watch request. */
export interface WatchRequest {
  readonly kubeConfig: KubeConfig;
  readonly clock: Clock;
  /** Metrics/error name, e.g. `service.watch`. */
  readonly operation: string;
  /** Collection path, e.g. `/api/v1/services`. */
  readonly path: string;
  readonly resourceVersion: string;
  /** Asked of the server; the watchdog fires `graceMs` after it. */
  readonly timeoutSeconds: number;
  readonly graceMs: number;
  /** The stream is open (HTTP 200). */
  readonly onOpen: () => void;
  /** Applies one event; a throw ends the watch as failed. */
  readonly onEvent: (event: WatchEvent) => void;
  readonly signal: AbortSignal;
}

const EVENT_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK']);

function statusEvent(operation: string, object: unknown): WatchEnd {
  const { code, reason, message } = (object ?? {}) as { code?: unknown; reason?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : 'watch ERROR event';
  if (code === 410) return { kind: 'expired', message: text };
  const status = typeof code === 'number' ? code : 0;
  const info = typeof reason === 'string' ? { reason } : {};
  return { kind: 'failed', error: new KubeApiError(operation, status, text, { cause: object, ...info }) };
}

function endOf(operation: string, err: unknown): WatchEnd {
  if (err === null || err === undefined) return { kind: 'closed' };
  if (statusOf(err) === 410) return { kind: 'expired', message: 'HTTP 410 Gone' };
  return { kind: 'failed', error: toKubeApiError(operation, err) };
}

/** Runs one watch until it ends; never rejects. */
export function watchOnce(req: WatchRequest): Promise<WatchEnd> {
  return new Promise<WatchEnd>((resolve) => {
    let ended = false;
    let stream: AbortController | undefined;
    const finish = (end: WatchEnd): void => {
      if (ended) return;
      ended = true;
      req.clock.clearTimer(watchdog);
      req.signal.removeEventListener('abort', onAbort);
      stream?.abort();
      resolve(end);
    };
    const onAbort = (): void => {
      finish({ kind: 'aborted' });
    };
    const limitMs = req.timeoutSeconds * 1000 + req.graceMs;
    const watchdog = req.clock.setTimer(limitMs, () => {
      const error = new KubeApiError(req.operation, 0, `stream still open after ${limitMs} ms`, {
        timedOut: true,
      });
      finish({ kind: 'failed', error });
    });
    if (req.signal.aborted) onAbort();
    else req.signal.addEventListener('abort', onAbort, { once: true });
    const onLine = (type: string, object: unknown): void => {
      if (ended) return;
      if (type === 'ERROR') finish(statusEvent(req.operation, object));
      else if (EVENT_TYPES.has(type)) {
        try {
          req.onEvent({ type: type as WatchEvent['type'], object });
        } catch (err) {
          finish({ kind: 'failed', error: toKubeApiError(req.operation, err) });
        }
      }
    };
    const query = {
      resourceVersion: req.resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: req.timeoutSeconds,
    };
    new Watch(req.kubeConfig)
      .watch(req.path, query, onLine, (err: unknown) => {
        finish(endOf(req.operation, err));
      })
      .then(
        (controller) => {
          stream = controller;
          if (ended) controller.abort();
          else req.onOpen();
        },
        (err: unknown) => {
          finish(endOf(req.operation, err ?? new Error('watch request failed')));
        },
      );
  });
}
