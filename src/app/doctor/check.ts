/**
 * The doctor's vocabulary: one row per check (ok / warning / error, a one-line detail and,
 * unless ok, a one-line fix), and the exit code a set of rows gives. Pure.
 */

/** How a check came out. */
export type CheckStatus = 'ok' | 'warning' | 'error';

/** One line of the doctor's report. */
export interface CheckRow {
  /** The part of the layout checked: `keystone`, `octavia`, `service subnet`, ... */
  readonly group: string;
  /** What was checked, in a few words. */
  readonly check: string;
  readonly status: CheckStatus;
  /** What was found, one line. */
  readonly detail: string;
  /** What to do about it, one line; null when ok. */
  readonly fix: string | null;
}

/** A passed check. */
export function ok(group: string, check: string, detail: string): CheckRow {
  return { group, check, status: 'ok', detail, fix: null };
}

/** A check that found something that works but should be looked at. */
export function warning(group: string, check: string, detail: string, fix: string): CheckRow {
  return { group, check, status: 'warning', detail, fix };
}

/** A check that found something that will not work. */
export function error(group: string, check: string, detail: string, fix: string): CheckRow {
  return { group, check, status: 'error', detail, fix };
}

/** Exit code of a doctor run: 0 all ok, 1 warnings only, 2 any error. Pure. */
export function exitCodeOf(rows: readonly CheckRow[]): 0 | 1 | 2 {
  if (rows.some((r) => r.status === 'error')) return 2;
  return rows.some((r) => r.status === 'warning') ? 1 : 0;
}

/** The text of an error for a detail line (first line of its message). */
export function describeError(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0] ?? text;
}
