/**
 * JSON-lines logging (pino) with ISO times and string levels. Every line written during a
 * reconcile pass carries the pass's key and id (see log-context.ts), so the OpenStack calls a
 * pass causes can be traced back to it.
 */
import { pino, type Logger as PinoLogger } from 'pino';

export type AppLogger = PinoLogger;

/** Options of {@link makeLogger}. */
export interface LoggerOptions {
  readonly level?: string;
  readonly destination?: NodeJS.WritableStream;
  /** Extra fields for each line (the pass context's mixin). */
  readonly mixin?: () => object;
}

/** A logger writing JSON lines to `destination` (stdout by default) at `level`. */
export function makeLogger(options: LoggerOptions = {}): AppLogger {
  const base = {
    level: options.level ?? 'info',
    base: { app: 'kuryr-services' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    ...(options.mixin === undefined ? {} : { mixin: options.mixin }),
  };
  return options.destination === undefined ? pino(base) : pino(base, options.destination);
}
