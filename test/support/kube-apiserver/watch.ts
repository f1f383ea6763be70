/**
 * WATCH streams: newline-delimited JSON `{type, object}` events over a chunked 200 response.
 * - `resourceVersion` unset or "0": synthetic ADDED for every matching object, then changes;
 * - `resourceVersion=N`: every change after N from the bounded history, in order; when N was
 *   compacted the stream carries one ERROR event with a 410 Expired Status and ends;
 * - selectors are applied to both the old and new state, so an object leaving the selection
 *   is seen as DELETED (previous content) and one entering it as ADDED (as the real watch cache does);
 * - `allowWatchBookmarks`: BOOKMARK events on `bookmark()` (and every `bookmarkIntervalMs`);
 * - `timeoutSeconds`: the server ends the stream cleanly after that long.
 */
import type { ServerResponse } from 'node:http';
import type { KubeObject } from './object.js';
import { requestMatcher, parseResourceVersion } from './list.js';
import { apiVersionOf, resourceKey, type ResourceDef } from './resources.js';
import type { Matcher } from './selectors.js';
import { StatusError } from './status.js';
import type { Store, StoreEvent } from './store.js';

/** One WATCH request to serve. */
export interface WatchRequest {
  readonly def: ResourceDef;
  readonly namespace: string | undefined;
  readonly query: URLSearchParams;
  readonly res: ServerResponse;
}

interface Stream {
  readonly def: ResourceDef;
  readonly res: ServerResponse;
  readonly bookmarks: boolean;
}

/** Translates a store event into what a watcher with `matches` sees (or nothing). */
export function visibleEvent(
  event: StoreEvent,
  matches: Matcher,
): { type: string; object: KubeObject } | undefined {
  const now = event.type !== 'DELETED' && matches(event.object);
  const before = event.prev !== undefined && matches(event.prev);
  if (event.type === 'DELETED') return before ? { type: 'DELETED', object: event.object } : undefined;
  if (now) return { type: before ? 'MODIFIED' : 'ADDED', object: event.object };
  if (!before) return undefined;
  // Like the watch cache: the previous content, stamped with this event's resourceVersion.
  const object = { ...event.prev, metadata: { ...event.prev.metadata, resourceVersion: String(event.rv) } };
  return { type: 'DELETED', object };
}

/** All open watch streams of one server. */
export class WatchHub {
  private readonly streams = new Set<Stream>();
  private expiredCount = 0;

  constructor(
    private readonly store: Store,
    private readonly bookmarkIntervalMs: number | undefined,
  ) {}

  /** Number of open watch streams. */
  get active(): number {
    return this.streams.size;
  }

  /** Number of watches answered with 410 Expired so far. */
  get expired(): number {
    return this.expiredCount;
  }

  /** Starts streaming; throws a StatusError (before any byte is written) for bad parameters. */
  serve(request: WatchRequest): void {
    const { def, res, query } = request;
    const matches = requestMatcher(def, request.namespace, query);
    const rv = parseResourceVersion(query.get('resourceVersion'));
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
    const send = (type: string, object: unknown): void => {
      if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
    };
    let backlog: { type: string; object: KubeObject }[];
    try {
      backlog = this.initialEvents(def, rv, matches);
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      if (error.code === 410) this.expiredCount++;
      send('ERROR', error.toStatus());
      res.end();
      return;
    }
    for (const e of backlog) send(e.type, e.object);
    const resource = resourceKey(def);
    const unsubscribe = this.store.subscribe((event) => {
      if (event.resource !== resource) return;
      const visible = visibleEvent(event, matches);
      if (visible !== undefined) send(visible.type, visible.object);
    });
    const stream: Stream = {
      def,
      res,
      bookmarks: ['true', '1'].includes(query.get('allowWatchBookmarks') ?? ''),
    };
    this.streams.add(stream);
    const timers = this.timers(stream, Number(query.get('timeoutSeconds') ?? '0'));
    res.on('close', () => {
      unsubscribe();
      for (const timer of timers) clearTimeout(timer);
      this.streams.delete(stream);
    });
  }

  /** Sends a BOOKMARK at the current resourceVersion to every stream that allows them. */
  bookmark(): void {
    for (const stream of this.streams) this.sendBookmark(stream);
  }

  /** Ends the open watches (of `resource`, a plural, when given): cleanly, or destroying the socket when `abrupt`; returns how many. */
  closeAll(abrupt = false, resource?: string): number {
    const chosen = [...this.streams].filter((s) => resource === undefined || s.def.plural === resource);
    for (const stream of chosen) {
      if (abrupt) stream.res.destroy();
      else stream.res.end();
      this.streams.delete(stream);
    }
    return chosen.length;
  }

  /** Answers a watch as for a compacted resourceVersion: 200, one ERROR event carrying `error`'s Status, end. */
  expire(res: ServerResponse, error: StatusError): void {
    this.expiredCount++;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
    res.end(`${JSON.stringify({ type: 'ERROR', object: error.toStatus() })}\n`);
  }

  private initialEvents(
    def: ResourceDef,
    rv: number | undefined,
    matches: Matcher,
  ): { type: string; object: KubeObject }[] {
    const resource = resourceKey(def);
    if (rv === undefined || rv === 0) {
      return this.store
        .list(resource)
        .filter(matches)
        .map((object) => ({ type: 'ADDED', object }));
    }
    const events: { type: string; object: KubeObject }[] = [];
    for (const event of this.store.eventsSince(resource, rv)) {
      const visible = visibleEvent(event, matches);
      if (visible !== undefined) events.push(visible);
    }
    return events;
  }

  private timers(stream: Stream, timeoutSeconds: number): NodeJS.Timeout[] {
    const timers: NodeJS.Timeout[] = [];
    if (Number.isFinite(timeoutSeconds) && timeoutSeconds > 0) {
      timers.push(
        setTimeout(() => {
          stream.res.end();
        }, timeoutSeconds * 1000),
      );
    }
    if (stream.bookmarks && this.bookmarkIntervalMs !== undefined) {
      timers.push(
        setInterval(() => {
          this.sendBookmark(stream);
        }, this.bookmarkIntervalMs),
      );
    }
    return timers;
  }

  private sendBookmark(stream: Stream): void {
    if (!stream.bookmarks || stream.res.writableEnded) return;
    const object = {
      kind: stream.def.kind,
      apiVersion: apiVersionOf(stream.def),
      metadata: { resourceVersion: String(this.store.resourceVersion) },
    };
    stream.res.write(`${JSON.stringify({ type: 'BOOKMARK', object })}\n`);
  }
}
