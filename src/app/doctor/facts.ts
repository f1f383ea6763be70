/**
 * What the doctor read, as plain data: the checks are pure functions of these facts, so
 * they are tested on tables without a cloud or a cluster.
 */

/** One object looked up by id: found, absent (404), or the read failed. */
export type Lookup<T> =
  | { readonly id: string; readonly kind: 'found'; readonly record: T }
  | { readonly id: string; readonly kind: 'missing' }
  | { readonly id: string; readonly kind: 'failed'; readonly reason: string };

/** A read whose answer is needed by a check: its value, or why it failed. */
export type Read<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** The value of a successful read. */
export function readOk<T>(value: T): Read<T> {
  return { ok: true, value };
}

/** A failed read. */
export function readFailed<T>(reason: string): Read<T> {
  return { ok: false, reason };
}
