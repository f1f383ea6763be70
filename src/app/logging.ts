/** JSON-lines logging (pino). Every reconcile log line carries the Service key as `key`. */
import { pino, type Logger as PinoLogger } from 'pino';

export type AppLogger = PinoLogger;

/** A logger writing JSON lines to `destination` (stdout by default) at `level`. */
export function makeLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): AppLogger {
  const base = { level: options.level ?? 'info', base: { app: 'kuryr-services' } };
  return options.destination === undefined ? pino(base) : pino(base, options.destination);
}
