/**
 * How a reflector waits and reports after a failed list or watch: a growing, jittered delay
 * (client-go's reflector backoff: 1 s doubling up to 30 s by default, reset after a success),
 * and a log policy that keeps an outage readable. Each failed attempt is one line without a
 * stack trace (status, reason, next delay); the first `loudAttempts` consecutive failures, and
 * any failure whose reason differs from the previous one, are logged at warn; further repeats
 * of the same reason at debug. The recovery is one info line saying how many attempts failed.
 */
import type { KubeApiError } from './errors.js';
import type { Logger } from './logger.js';

/** The growing delay between attempts. */
export interface BackoffOptions {
  /** First delay (default 1000 ms). */
  readonly initialMs: number;
  /** Cap (default 30000 ms). */
  readonly maxMs: number;
  /** Growth per consecutive failure (default 2). */
  readonly factor: number;
  /** Up to this fraction is added at random (default 0.2), then capped at `maxMs`. */
  readonly jitter: number;
}

/** client-go-like defaults. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 30_000, factor: 2, jitter: 0.2 };

/** Delay before attempt number `failures + 1` (`failures` >= 1); `random` in [0, 1). */
export function backoffDelayMs(options: BackoffOptions, failures: number, random: () => number): number {
  const base = Math.min(options.maxMs, options.initialMs * options.factor ** Math.max(0, failures - 1));
  return Math.round(Math.min(options.maxMs, base * (1 + options.jitter * random())));
}

/** One failed attempt, as a reflector reports it. */
export interface FailedAttempt {
  readonly resource: string;
  readonly stage: 'list' | 'watch';
  readonly error: KubeApiError;
  /** Consecutive failures including this one. */
  readonly failures: number;
  readonly nextDelayMs: number;
}

/** Consecutive failures logged at warn before repeats of one reason drop to debug. */
export const LOUD_ATTEMPTS = 3;

/** A short reason for logs and `unsynced()`: `HTTP 403 Forbidden: services is forbidden...`. */
export function failureReason(error: KubeApiError): string {
  const prefix = 'Kubernetes ';
  const text = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/** The retry log of one reflector (its memory: the last reason logged). */
export class FailureLog {
  private lastReason: string | null = null;

  constructor(private readonly logger: Logger) {}

  /** Logs one failed attempt per the module's policy. */
  failed(attempt: FailedAttempt): void {
    const reason = `${attempt.stage}: ${failureReason(attempt.error)}`;
    const loud = attempt.failures <= LOUD_ATTEMPTS || reason !== this.lastReason;
    this.lastReason = reason;
    const fields = {
      resource: attempt.resource,
      stage: attempt.stage,
      status: attempt.error.codeLabel,
      reason: attempt.error.reason ?? null,
      error: failureReason(attempt.error),
      attempt: attempt.failures,
      nextDelayMs: attempt.nextDelayMs,
    };
    const msg = `${attempt.resource} ${attempt.stage} failed (${attempt.error.codeLabel}); retrying in ${attempt.nextDelayMs} ms`;
    if (loud) this.logger.warn(fields, msg);
    else this.logger.debug(fields, msg);
  }

  /** Logs the recovery after `failures` failed attempts (nothing when there were none). */
  recovered(resource: string, stage: 'list' | 'watch', failures: number): void {
    this.lastReason = null;
    if (failures === 0) return;
    this.logger.info({ resource, stage, failedAttempts: failures }, `${resource} ${stage} recovered`);
  }
}
