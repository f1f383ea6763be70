/**
 * Kubernetes Events on Services, with repeats rate-limited: the first occurrence of
 * (object, type, reason, message) creates an Event; repeats within `windowMs` only bump its
 * count, at most once per `repeatIntervalMs`. A failure to record is logged, never thrown:
 * events are advisory and must not fail a reconcile.
 */
import { PatchStrategy, setHeaderOptions, type CoreV1Event, type V1Service } from '@kubernetes/client-node';
import type { KubeClients } from './clients.js';
import type { Logger } from './logger.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  record(svc: V1Service, type: EventType, reason: string, message: string): Promise<void>;
}

export interface EventRecorderOptions {
  readonly clients: KubeClients;
  readonly logger: Logger;
  readonly now: () => number;
  readonly component?: string;
  readonly windowMs?: number;
  readonly repeatIntervalMs?: number;
}

interface Seen {
  readonly eventName: string;
  readonly namespace: string;
  readonly first: number;
  count: number;
  lastSent: number;
}

/** Creates a recorder; its memory of recent events lives in the returned object. */
export function makeEventRecorder(options: EventRecorderOptions): EventRecorder {
  const seen = new Map<string, Seen>();
  const windowMs = options.windowMs ?? 10 * 60_000;
  const repeatMs = options.repeatIntervalMs ?? 60_000;
  const component = options.component ?? 'kuryr-services';

  async function create(svc: V1Service, type: EventType, reason: string, message: string): Promise<Seen> {
    const namespace = svc.metadata?.namespace ?? 'default';
    const at = new Date(options.now());
    const body: CoreV1Event = {
      metadata: { generateName: `${svc.metadata?.name ?? 'service'}.`, namespace },
      involvedObject: {
        apiVersion: 'v1',
        kind: 'Service',
        namespace,
        ...(svc.metadata?.name === undefined ? {} : { name: svc.metadata.name }),
        ...(svc.metadata?.uid === undefined ? {} : { uid: svc.metadata.uid }),
        ...(svc.metadata?.resourceVersion === undefined
          ? {}
          : { resourceVersion: svc.metadata.resourceVersion }),
      },
      type,
      reason,
      message: message.slice(0, 1024),
      source: { component },
      reportingComponent: component,
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
    };
    const created = await options.clients.core.createNamespacedEvent({ namespace, body });
    return {
      eventName: created.metadata.name ?? '',
      namespace,
      first: at.getTime(),
      count: 1,
      lastSent: at.getTime(),
    };
  }

  async function bump(entry: Seen): Promise<void> {
    const body = { count: entry.count, lastTimestamp: new Date(options.now()).toISOString() };
    await options.clients.core.patchNamespacedEvent(
      { name: entry.eventName, namespace: entry.namespace, body },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  /** Forgets events older than the window, so memory stays bounded by recent activity. */
  function prune(now: number): void {
    for (const [id, entry] of seen) if (now - entry.first > windowMs) seen.delete(id);
  }

  return {
    async record(svc, type, reason, message) {
      const id = `${svc.metadata?.uid ?? ''}|${type}|${reason}|${message}`;
      const now = options.now();
      try {
        const entry = seen.get(id);
        if (entry === undefined || now - entry.first > windowMs) {
          prune(now);
          seen.set(id, await create(svc, type, reason, message));
          return;
        }
        entry.count += 1;
        if (now - entry.lastSent < repeatMs) return;
        entry.lastSent = now;
        await bump(entry);
      } catch (err) {
        options.logger.warn({ err, reason, service: svc.metadata?.name }, 'could not record event');
      }
    },
  };
}
