/**
 * A generic list+watch reflector (client-go's `Reflector` + `Indexer`) over client-node's
 * typed list calls and its `Watch` class: a paged list (`limit` + `continue`; an expired
 * continue token restarts the list), then a watch from the list's resourceVersion with
 * bookmarks, resumed from the last seen resourceVersion when the server ends it, and a full
 * relist on 410 Gone. Any failure is retried after a growing, jittered delay (retry-policy.ts).
 *
 * State: `never-synced` until the first list succeeds; `synced`; `stale` from a failed list or
 * watch until the next successful list or watch start. The store keeps its last content while
 * stale; whoever reads it decides whether stale data may be acted on (`unsynced()`).
 */
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Clock } from '../engine/clock.js';
import { KubeApiError, toKubeApiError } from './errors.js';
import type { Logger } from './logger.js';
import type { KubeMetrics } from './metrics.js';
import {
  DEFAULT_BACKOFF,
  FailureLog,
  backoffDelayMs,
  failureReason,
  type BackoffOptions,
} from './retry-policy.js';
import { forEachPage, type ListPageCall } from './pager.js';
import { ReflectedStore, type ReflectorHandlers } from './reflected-store.js';
import type { IndexFunc, ObjectStore } from './store.js';
import { watchOnce, type WatchEnd, type WatchEvent } from './watch-stream.js';

export type { ReflectorHandlers } from './reflected-store.js';
export type { ListPage } from './pager.js';

/** Where a reflector stands. */
export type ReflectorState =
  | { readonly kind: 'never-synced'; readonly lastError: string | null }
  | { readonly kind: 'synced' }
  | { readonly kind: 'stale'; readonly since: number; readonly reason: string };

/** What a reflector lists and watches. */
export interface ReflectorSource<T> {
  /** Plural, for logs and `unsynced()`: `services`. */
  readonly resource: string;
  /** Metrics prefix: `service` gives `service.list` and `service.watch`. */
  readonly operation: string;
  /** Collection path the watch streams: `/api/v1/services`. */
  readonly watchPath: string;
  /** One page, through callKube (`<operation>.list`); throws KubeApiError. */
  readonly listPage: ListPageCall<T>;
}

export interface ReflectorOptions<T> {
  readonly source: ReflectorSource<T>;
  readonly kubeConfig: KubeConfig;
  readonly clock: Clock;
  /** Jitter source in [0, 1). */
  readonly random: () => number;
  readonly logger: Logger;
  readonly metrics: KubeMetrics;
  readonly handlers?: ReflectorHandlers<T>;
  readonly indexers?: Readonly<Record<string, IndexFunc<T>>>;
  /** List page size (default 500, as client-go's pager). */
  readonly pageSize?: number;
  readonly backoff?: BackoffOptions;
  /** Each watch asks the server to end it after this × (1 + random) seconds (default 300). */
  readonly minWatchTimeoutSeconds?: number;
}

/** A watch shorter than this that delivered nothing counts as a failure (no hot loop on a closing proxy). */
const SHORT_WATCH_MS = 1000;
/** How long past its server-side timeout a watch may stay open before it is given up. */
const WATCH_GRACE_MS = 60_000;

/** One list+watch loop and its store; nothing runs until `start()`. */
export class Reflector<T extends KubernetesObject> {
  private readonly reflected: ReflectedStore<T>;
  private current: ReflectorState = { kind: 'never-synced', lastError: null };
  private failures = 0;
  private lastRv = '';
  private readonly log: FailureLog;
  private readonly abort = new AbortController();
  private running: Promise<void> | null = null;
  private markSynced: () => void = () => undefined;
  /** Resolves at the first successful list. */
  readonly synced: Promise<void>;

  constructor(private readonly options: ReflectorOptions<T>) {
    this.reflected = new ReflectedStore<T>({
      resource: options.source.resource,
      logger: options.logger,
      handlers: options.handlers,
      indexers: options.indexers,
    });
    this.log = new FailureLog(options.logger);
    this.synced = new Promise<void>((resolve) => {
      this.markSynced = resolve;
    });
  }

  /** The objects, as last listed and watched (read only). */
  get store(): ObjectStore<T> {
    return this.reflected.objects;
  }

  /** The current state. */
  get state(): ReflectorState {
    return this.current;
  }

  /** The resource this reflector serves (`services`). */
  get resource(): string {
    return this.options.source.resource;
  }

  /** True once the first list succeeded (stays true; see `state` for staleness). */
  hasSynced(): boolean {
    return this.current.kind !== 'never-synced';
  }

  /** Starts the loop; idempotent; never throws. A stopped reflector does not start again. */
  start(): void {
    if (this.running !== null || this.abort.signal.aborted) return;
    this.running = this.loop(this.abort.signal).catch((err: unknown) => {
      this.options.logger.error({ resource: this.resource, err }, 'reflector loop ended unexpectedly');
    });
  }

  /** Aborts the watch and any pending list or delay; resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.abort.abort(new Error(`${this.resource} reflector stopped`));
    await this.running;
  }

  /** Our own write's answer, stored at once (see ReflectedStore.note). */
  note(obj: T): void {
    this.reflected.note(obj);
  }

  private async loop(signal: AbortSignal): Promise<void> {
    let needList = true;
    while (!signal.aborted) {
      if (needList) {
        if (!(await this.listOnce(signal))) continue;
        needList = false;
      }
      needList = await this.watchOnce(signal);
    }
  }

  /** One full (paged) list replacing the store, page by page; false when it failed (after the delay). */
  private async listOnce(signal: AbortSignal): Promise<boolean> {
    let listRv: string;
    try {
      const { source, pageSize } = this.options;
      const list = this.reflected.beginList();
      listRv = await forEachPage(
        (request, sig) => source.listPage(request, sig),
        pageSize ?? 500,
        signal,
        list,
      );
      list.finish(listRv);
    } catch (err) {
      if (!signal.aborted)
        await this.fail('list', toKubeApiError(`${this.options.source.operation}.list`, err));
      return false;
    }
    this.lastRv = listRv;
    this.log.recovered(this.resource, 'list', this.failures);
    this.failures = 0;
    this.current = { kind: 'synced' };
    this.markSynced();
    return true;
  }

  /** One watch; resolves true when a relist is needed. */
  private async watchOnce(signal: AbortSignal): Promise<boolean> {
    const { clock, source } = this.options;
    const started = clock.now();
    let events = 0;
    const end = await watchOnce({
      kubeConfig: this.options.kubeConfig,
      clock,
      operation: `${source.operation}.watch`,
      path: source.watchPath,
      resourceVersion: this.lastRv,
      timeoutSeconds: Math.floor((this.options.minWatchTimeoutSeconds ?? 300) * (1 + this.options.random())),
      graceMs: WATCH_GRACE_MS,
      onOpen: () => {
        if (this.current.kind === 'stale') this.current = { kind: 'synced' };
      },
      onEvent: (event) => {
        events++;
        this.apply(event);
      },
      signal,
    });
    const lasted = clock.now() - started;
    this.countWatchEnd(end, lasted, signal);
    if (events > 0) {
      this.log.recovered(this.resource, 'watch', this.failures);
      this.failures = 0;
    }
    switch (end.kind) {
      case 'aborted':
        return false;
      case 'expired':
        this.markStale(`watch expired (410 Gone: ${end.message}); relisting`);
        return true;
      case 'closed':
        if (events === 0 && lasted < SHORT_WATCH_MS) {
          const error = new KubeApiError(
            `${source.operation}.watch`,
            0,
            'closed at once without any event',
            null,
          );
          await this.fail('watch', error);
        }
        return false;
      case 'failed':
        if (!signal.aborted) await this.fail('watch', end.error);
        return false;
    }
  }

  /** The watch's request metrics, and a restart unless it ended because we stopped it. */
  private countWatchEnd(end: WatchEnd, lastedMs: number, signal: AbortSignal): void {
    const { metrics, source } = this.options;
    metrics.request(`${source.operation}.watch`, watchCode(end), lastedMs / 1000);
    if (end.kind !== 'aborted' && !signal.aborted) metrics.watchRestarted?.(this.resource, end.kind);
  }

  private markStale(reason: string): void {
    if (this.current.kind === 'never-synced') this.current = { kind: 'never-synced', lastError: reason };
    else {
      const since = this.current.kind === 'stale' ? this.current.since : this.options.clock.now();
      this.current = { kind: 'stale', since, reason };
    }
  }

  /** Records a failed attempt, logs it, and waits the growing delay (ends early on stop). */
  private async fail(stage: 'list' | 'watch', error: KubeApiError): Promise<void> {
    this.failures++;
    if (stage === 'list') this.options.metrics.listFailed?.(this.resource);
    const nextDelayMs = backoffDelayMs(
      this.options.backoff ?? DEFAULT_BACKOFF,
      this.failures,
      this.options.random,
    );
    this.markStale(`${stage} failed: ${failureReason(error)}`);
    this.log.failed({ resource: this.resource, stage, error, failures: this.failures, nextDelayMs });
    await this.options.clock.sleep(nextDelayMs, this.abort.signal).catch(() => undefined);
  }

  private apply(event: WatchEvent): void {
    const obj = event.object as T;
    if (event.type !== 'BOOKMARK') this.reflected.applyEvent(event.type, obj);
    const rv = obj.metadata?.resourceVersion;
    if (rv !== undefined) this.lastRv = rv;
  }
}

function watchCode(end: WatchEnd): string {
  switch (end.kind) {
    case 'closed':
      return '200';
    case 'expired':
      return '410';
    case 'aborted':
      return 'aborted';
    case 'failed':
      return end.error.codeLabel;
  }
}
