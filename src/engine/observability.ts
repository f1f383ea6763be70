/** The logging and metrics seams the engine writes to; the app supplies pino and prom-client behind them. */
import type { OutcomeKind } from './result.js';

/** One log method: structured fields first, then the message (pino's calling convention). */
export type LogFn = (fields: object, msg: string) => void;

/** The subset of a pino logger the engine uses; a pino `Logger` satisfies it as is. */
export interface EngineLogger {
  readonly debug: LogFn;
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
}

/** Controller metrics; each method must be cheap and must not throw. */
export interface ControllerMetrics {
  /** One reconcile finished after `durationMs` with `outcome`. */
  observeReconcile(controller: string, durationMs: number, outcome: OutcomeKind): void;
  /** Keys waiting to be handed out, sampled whenever it may have changed. */
  queueDepth(controller: string, depth: number): void;
  /** One key was scheduled for a rate-limited retry. */
  retry(controller: string): void;
}

/** A logger that drops everything. */
export function silentLogger(): EngineLogger {
  const drop: LogFn = () => undefined;
  return { debug: drop, info: drop, warn: drop, error: drop };
}

/** Metrics that record nothing. */
export function noMetrics(): ControllerMetrics {
  return { observeReconcile: () => undefined, queueDepth: () => undefined, retry: () => undefined };
}
