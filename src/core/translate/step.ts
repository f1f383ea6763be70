/**
 * The result of one step of `translate`: a value plus warnings, or a halt (skip/invalid)
 * that ends the translation. Lets each step stay a small pure function.
 */
import type { Reason, ReasonCode, Translation } from './translation.js';

/** A translation that produces no load balancer. */
export type Halt = Extract<Translation, { kind: 'skip' | 'invalid' }>;

export type Step<T> =
  | { readonly ok: true; readonly value: T; readonly warnings: readonly Reason[] }
  | { readonly ok: false; readonly halt: Halt };

/** A successful step. */
export function ok<T>(value: T, warnings: readonly Reason[] = []): Step<T> {
  return { ok: true, value, warnings };
}

/** A step that ends the translation with `invalid` (KuryrInvalidService). */
export function invalid<T>(message: string): Step<T> {
  return { ok: false, halt: { kind: 'invalid', reason: { code: 'KuryrInvalidService', message } } };
}

/** A step that ends the translation with `skip` (KuryrServiceSkipped). */
export function skip<T>(message: string): Step<T> {
  return { ok: false, halt: { kind: 'skip', reason: { code: 'KuryrServiceSkipped', message } } };
}

/** A warning reason. */
export function warning(code: ReasonCode, message: string): Reason {
  return { code, message };
}

/** Warnings without repeats, first occurrence first. */
export function uniqueWarnings(warnings: readonly Reason[]): Reason[] {
  const seen = new Set<string>();
  return warnings.filter((w) => {
    const key = `${w.code}\u0000${w.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** An informational reason, recorded as a Normal Event. */
export function note(code: ReasonCode, message: string): Reason {
  return { code, message, eventType: 'Normal' };
}
