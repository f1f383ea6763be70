/**
 * A generic level-triggered controller: N workers take keys from a {@link WorkQueue} and run
 * `reconcile(key, signal)`; the {@link Result} (or a throw) decides what happens to the key.
 * Knows nothing of Kubernetes or OpenStack.
 */
import type { Clock } from './clock.js';
import {
  ControllerDrainTimeoutError,
  ControllerStateError,
  EngineConfigError,
  ReconcileThrewError,
} from './errors.js';
import { noMetrics, silentLogger, type ControllerMetrics, type EngineLogger } from './observability.js';
import { NextTurns } from './next-turn.js';
import type { PollTiming } from './poll-limiter.js';
import type { RateLimiter } from './ratelimit.js';
import type { OutcomeKind, ReconcileContext, Result } from './result.js';
import { SHUTDOWN, WorkQueue, type QueueKey } from './workqueue.js';

/** Reconciles one key. Must honour `ctx.signal` (aborted when a stop's drain times out). Throw = retry. */
export type Reconcile<K> = (key: K, ctx: ReconcileContext) => Promise<Result>;

/** Runs one pass inside a logging context (e.g. AsyncLocalStorage carrying the pass id). */
export type PassScope = <T>(
  fields: { readonly controller: string; readonly key: string; readonly passId: string },
  run: () => Promise<T>,
) => Promise<T>;

/** Dependencies and settings of a {@link Controller}. */
export interface ControllerOptions<K extends QueueKey> {
  /** Used in logs, metrics and error messages. */
  readonly name: string;
  readonly clock: Clock;
  readonly reconcile: Reconcile<K>;
  /** Concurrent workers (default 1); one key is still never reconciled twice at once. */
  readonly workers?: number;
  /** Backoff for thrown errors; defaults to client-go's controller limiter. */
  readonly rateLimiter?: RateLimiter<K>;
  /** Delays of `poll` results (default DEFAULT_POLL_TIMING). */
  readonly pollTiming?: PollTiming;
  /** Delays of `failed` results; defaults to 1 min doubling up to 10 min, jittered by `random`. */
  readonly slowRetry?: RateLimiter<K>;
  /** [0, 1) source for the default slow retry's jitter (default Math.random). */
  readonly random?: () => number;
  /** Wraps each pass (default: runs it as is). */
  readonly passScope?: PassScope;
  /** A reconcile threw; the key is retried after backoff. `attempt` is 1 for the first failure. */
  readonly onError?: (key: K, error: Error, attempt: number) => void;
  /** A reconcile returned `terminal`; the key is not retried until it is added again. */
  readonly onTerminal?: (key: K, error: Error) => void;
  readonly metrics?: ControllerMetrics;
  readonly logger?: EngineLogger;
  /** Renders a key in logs and error messages; defaults to `String` (JSON for objects). */
  readonly describeKey?: (key: K) => string;
}

function describeKeyDefault(key: QueueKey): string {
  if (typeof key !== 'object') return typeof key === 'symbol' ? key.toString() : String(key);
  try {
    return JSON.stringify(key);
  } catch {
    return Object.prototype.toString.call(key);
  }
}

/** Options of {@link Controller.stop}. */
export interface StopOptions {
  /** How long in-flight reconciles may run before their signals are aborted (default 30 s). */
  readonly drainTimeoutMs?: number;
}

/** How a stop ended: `drained` when every in-flight reconcile finished within the timeout. */
export interface StopResult<K> {
  readonly drained: boolean;
  /** Keys whose reconcile signal was aborted because the drain timed out. */
  readonly aborted: readonly K[];
}

type State = 'new' | 'running' | 'stopping' | 'stopped';

/** See the file comment. The constructor starts nothing; call `start()` then `stop()` once each. */
export class Controller<K extends QueueKey> {
  private readonly queue: WorkQueue<K>;
  private readonly inFlight = new Set<K>();
  /** Aborted at stop: idle workers stop waiting for keys. */
  private readonly takeAbort = new AbortController();
  /** Aborted when a drain times out: in-flight reconciles should give up. */
  private readonly reconcileAbort = new AbortController();
  private readonly logger: EngineLogger;
  private readonly metrics: ControllerMetrics;
  private readonly workerCount: number;
  private readonly turns: NextTurns<K>;
  private passes = 0;
  private workers: Promise<void>[] = [];
  private state: State = 'new';
  private stopping: Promise<StopResult<K>> | undefined;

  constructor(private readonly options: ControllerOptions<K>) {
    this.workerCount = options.workers ?? 1;
    if (!Number.isInteger(this.workerCount) || this.workerCount < 1) {
      throw new EngineConfigError(`controller ${options.name}`, `workers must be an integer >= 1`);
    }
    this.logger = options.logger ?? silentLogger();
    this.metrics = options.metrics ?? noMetrics();
    const { clock, rateLimiter } = options;
    this.turns = new NextTurns<K>({
      ...(options.pollTiming === undefined ? {} : { pollTiming: options.pollTiming }),
      ...(options.slowRetry === undefined ? {} : { slowRetry: options.slowRetry }),
      random: options.random ?? Math.random,
      now: () => clock.now(),
    });
    this.queue = new WorkQueue<K>(rateLimiter === undefined ? { clock } : { clock, rateLimiter });
  }

  /** Asks for `key` to be reconciled (coalesced with a pending request). Ignored once stopping. */
  enqueue(key: K): void {
    this.queue.add(key);
    this.metrics.queueDepth(this.options.name, this.queue.len());
  }

  /**
   * Asks for `key` to be reconciled with no carry (the next pass to start gets none, even after
   * one in flight now): for evidence its last results may not describe. Costs a look, no change.
   */
  enqueueFresh(key: K): void {
    this.turns.startAfresh(key);
    this.enqueue(key);
  }

  /** Asks for `key` to be reconciled after `ms`; an earlier pending time wins. Ignored once stopping. */
  enqueueAfter(key: K, ms: number): void {
    this.queue.addAfter(key, ms);
  }

  /** Counts of queued, in-flight and delayed keys (for health and debugging). */
  stats(): { readonly queued: number; readonly inFlight: number; readonly delayed: number } {
    return { queued: this.queue.len(), inFlight: this.queue.inFlight(), delayed: this.queue.delayedCount() };
  }

  /** Starts the workers. Idempotent while running; throws ControllerStateError after `stop`. */
  start(): void {
    if (this.state === 'running') return;
    if (this.state !== 'new') throw new ControllerStateError(this.options.name, 'start', this.state);
    this.state = 'running';
    this.logger.info({ controller: this.options.name, workers: this.workerCount }, 'controller starting');
    this.workers = Array.from({ length: this.workerCount }, () => this.runWorker());
  }

  /**
   * Stops taking keys, waits up to `drainTimeoutMs` for in-flight reconciles, then aborts their
   * signals and resolves without waiting further. Idempotent: later calls get the first result.
   */
  stop(options: StopOptions = {}): Promise<StopResult<K>> {
    this.stopping ??= this.drain(options.drainTimeoutMs ?? 30_000);
    return this.stopping;
  }

  private async drain(drainTimeoutMs: number): Promise<StopResult<K>> {
    const name = this.options.name;
    this.state = 'stopping';
    this.logger.info({ controller: name, inFlight: this.inFlight.size }, 'controller stopping');
    this.takeAbort.abort();
    const timer = new AbortController();
    const timedOut = this.options.clock.sleep(drainTimeoutMs, timer.signal).then(
      () => 'timeout' as const,
      () => 'cancelled' as const,
    );
    const drained = this.queue.shutDownWithDrain().then(() => 'drained' as const);
    const first = await Promise.race([drained, timedOut]);
    timer.abort();
    this.state = 'stopped';
    if (first === 'drained') {
      await Promise.all(this.workers);
      this.logger.info({ controller: name }, 'controller stopped');
      return { drained: true, aborted: [] };
    }
    const aborted = [...this.inFlight];
    this.logger.warn(
      { controller: name, keys: aborted.map((k) => this.describe(k)), drainTimeoutMs },
      'drain timed out',
    );
    this.reconcileAbort.abort(new ControllerDrainTimeoutError(name, drainTimeoutMs));
    return { drained: false, aborted };
  }

  private async runWorker(): Promise<void> {
    for (;;) {
      const key = await this.queue.get(this.takeAbort.signal);
      if (key === SHUTDOWN) return;
      try {
        await this.processOne(key);
      } catch (error: unknown) {
        // Only a misbehaving logger/metrics sink gets here; the worker must survive it.
        this.logger.error(
          { controller: this.options.name, key: this.describe(key), err: error },
          'worker error',
        );
      }
    }
  }

  private async processOne(key: K): Promise<void> {
    const started = this.options.clock.now();
    this.inFlight.add(key);
    let outcome: OutcomeKind = 'error';
    try {
      outcome = await this.reconcileOnce(key);
    } finally {
      this.inFlight.delete(key);
      this.queue.done(key);
      this.metrics.observeReconcile(this.options.name, this.options.clock.now() - started, outcome);
      this.metrics.queueDepth(this.options.name, this.queue.len());
    }
  }

  private async reconcileOnce(key: K): Promise<OutcomeKind> {
    this.passes += 1;
    const ctx: ReconcileContext = {
      signal: this.reconcileAbort.signal,
      carry: this.turns.carry(key),
      passId: `${this.options.name}-${this.passes}`,
    };
    const scope = this.options.passScope ?? ((_fields, run) => run());
    const fields = { controller: this.options.name, key: this.describe(key), passId: ctx.passId };
    let result: Result;
    try {
      result = await scope(fields, () => this.options.reconcile(key, ctx));
    } catch (thrown: unknown) {
      this.turns.threw(key);
      return this.handleThrown(key, thrown);
    }
    return this.handleResult(key, result);
  }

  private handleThrown(key: K, thrown: unknown): OutcomeKind {
    const name = this.options.name;
    const error =
      thrown instanceof Error ? thrown : new ReconcileThrewError(name, this.describe(key), thrown);
    if (this.reconcileAbort.signal.aborted) {
      this.logger.warn(
        { controller: name, key: this.describe(key), err: error },
        'reconcile aborted by stop',
      );
      return 'aborted';
    }
    const attempt = this.queue.numRequeues(key) + 1;
    this.queue.addRateLimited(key);
    this.metrics.retry(name);
    this.logger.warn(
      { controller: name, key: this.describe(key), attempt, err: error },
      'reconcile failed, will retry',
    );
    this.callHook('onError', key, () => this.options.onError?.(key, error, attempt));
    return 'error';
  }

  private handleResult(key: K, result: Result): OutcomeKind {
    const fields = { controller: this.options.name, key: this.describe(key) };
    this.queue.forget(key);
    const next = this.turns.after(key, result);
    if (next !== null) this.queue.addAfter(key, next.afterMs);
    const ms = next?.afterMs;
    switch (result.kind) {
      case 'done':
        this.logger.debug(fields, 'reconciled');
        break;
      case 'requeueAfter':
        this.logger.debug({ ...fields, ms, reason: result.reason }, 'requeue after delay');
        break;
      case 'poll':
        this.logger.debug({ ...fields, ms, token: result.token, reason: result.reason }, 'polling');
        break;
      case 'failed':
        this.logger.warn({ ...fields, ms, err: result.error }, 'reconcile failed; retrying slowly');
        break;
      case 'terminal':
        this.logger.error({ ...fields, err: result.error }, 'reconcile failed terminally, not retrying');
        this.callHook('onTerminal', key, () => this.options.onTerminal?.(key, result.error));
        break;
    }
    return result.kind;
  }

  private describe(key: K): string {
    return (this.options.describeKey ?? describeKeyDefault)(key);
  }

  private callHook(hook: string, key: K, call: () => void): void {
    try {
      call();
    } catch (error: unknown) {
      // A failing hook must not kill the worker nor change the key's fate; log it.
      this.logger.error(
        { controller: this.options.name, key: this.describe(key), hook, err: error },
        'hook threw',
      );
    }
  }
}
