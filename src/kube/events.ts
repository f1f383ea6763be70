/**
 * Kubernetes Events on Services, deduplicated on content (client-go's EventCorrelator idea,
 * without its time window): the first (object uid, type, reason, message) creates an Event;
 * repeats only bump that Event's count, at most once per `repeatIntervalMs` (repeats in
 * between are counted and sent with the next bump). What was recorded is remembered in a
 * bounded LRU (`capacity` entries), so a resync that repeats every Service's last event
 * writes nothing new. An Event the server has expired meanwhile (404 on the bump) is created
 * again. A failure to record is logged, never thrown: events are advisory.
 */
import { PatchStrategy, setHeaderOptions, type CoreV1Event, type V1Service } from '@kubernetes/client-node';
import { callKube } from './call.js';
import type { KubeClients } from './clients.js';
import { KubeApiError } from './errors.js';
import type { Logger } from './logger.js';

export type EventType = 'Normal' | 'Warning';

/** Records Events on Services; `record` never rejects. */
export interface EventRecorder {
  /** Writes within the clients' timeout; resolves when written, skipped or failed (logged). */
  record(svc: V1Service, type: EventType, reason: string, message: string): Promise<void>;
}

export interface EventRecorderOptions {
  readonly clients: KubeClients;
  readonly logger: Logger;
  readonly now: () => number;
  readonly component?: string;
  /** Minimum time between two count bumps of one Event (default 10 min). */
  readonly repeatIntervalMs?: number;
  /** Aborts in-flight writes (e.g. at shutdown; default: never). */
  readonly signal?: AbortSignal;
  /** Distinct events remembered (default 10,000; the least recently seen is forgotten first). */
  readonly capacity?: number;
}

interface Seen {
  /** Null while the create is in flight. */
  eventName: string | null;
  readonly namespace: string;
  /** Occurrences so far (what the next bump sends). */
  count: number;
  lastSent: number;
}

/** A Map used as an LRU: reads move an entry to the back, inserts evict from the front. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    for (const oldest of this.map.keys()) {
      if (this.map.size <= this.capacity) break;
      this.map.delete(oldest);
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }
}

function eventBody(
  svc: V1Service,
  e: { type: EventType; reason: string; message: string; at: Date; component: string },
): CoreV1Event {
  const namespace = svc.metadata?.namespace ?? 'default';
  const { name, uid, resourceVersion } = svc.metadata ?? {};
  return {
    metadata: { generateName: `${name ?? 'service'}.`, namespace },
    involvedObject: {
      apiVersion: 'v1',
      kind: 'Service',
      namespace,
      ...(name === undefined ? {} : { name }),
      ...(uid === undefined ? {} : { uid }),
      ...(resourceVersion === undefined ? {} : { resourceVersion }),
    },
    type: e.type,
    reason: e.reason,
    message: e.message.slice(0, 1024),
    source: { component: e.component },
    reportingComponent: e.component,
    firstTimestamp: e.at,
    lastTimestamp: e.at,
    count: 1,
  };
}

type Occurrence = { readonly type: EventType; readonly reason: string; readonly message: string };

/** Creates a recorder; its memory of recorded events lives in the returned object. */
export function makeEventRecorder(options: EventRecorderOptions): EventRecorder {
  const { clients } = options;
  const seen = new Lru<Seen>(options.capacity ?? 10_000);
  const repeatMs = options.repeatIntervalMs ?? 10 * 60_000;
  const component = options.component ?? 'kuryr-services';
  const signal = options.signal ?? new AbortController().signal;

  async function create(svc: V1Service, e: Occurrence): Promise<string | null> {
    const body = eventBody(svc, { ...e, at: new Date(options.now()), component });
    const namespace = body.metadata.namespace ?? 'default';
    const object = `Event for Service ${namespace}/${svc.metadata?.name ?? ''}`;
    const created = await callKube(clients, { operation: 'event.create', object, signal }, (o) =>
      clients.core.createNamespacedEvent({ namespace, body }, o),
    );
    return created.metadata.name ?? null;
  }

  async function bump(name: string, entry: Seen): Promise<void> {
    const body = { count: entry.count, lastTimestamp: new Date(options.now()).toISOString() };
    const { namespace } = entry;
    await callKube(clients, { operation: 'event.patch', object: `Event ${namespace}/${name}`, signal }, (o) =>
      clients.core.patchNamespacedEvent(
        { name, namespace, body },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch, o),
      ),
    );
  }

  /** Remembers the occurrence before creating it, so concurrent repeats do not create twice. */
  async function first(id: string, svc: V1Service, e: Occurrence): Promise<void> {
    const namespace = svc.metadata?.namespace ?? 'default';
    const entry: Seen = { eventName: null, namespace, count: 1, lastSent: options.now() };
    seen.set(id, entry);
    try {
      entry.eventName = await create(svc, e);
    } catch (err) {
      seen.delete(id);
      throw err;
    }
  }

  async function repeat(id: string, svc: V1Service, e: Occurrence, entry: Seen): Promise<void> {
    entry.count += 1;
    const now = options.now();
    if (entry.eventName === null || now - entry.lastSent < repeatMs) return;
    entry.lastSent = now;
    try {
      await bump(entry.eventName, entry);
    } catch (err) {
      // The server expired the Event (default TTL 1 h): this occurrence starts a new one.
      if (!(err instanceof KubeApiError && err.isNotFound)) throw err;
      seen.delete(id);
      await first(id, svc, e);
    }
  }

  return {
    async record(svc, type, reason, message) {
      const id = `${svc.metadata?.uid ?? ''}|${type}|${reason}|${message}`;
      const occurrence = { type, reason, message };
      try {
        const entry = seen.get(id);
        if (entry === undefined) await first(id, svc, occurrence);
        else await repeat(id, svc, occurrence, entry);
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        options.logger.warn({ error, reason, service: svc.metadata?.name }, 'could not record event');
      }
    },
  };
}
