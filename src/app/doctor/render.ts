/** The doctor's output: a table (one line per check, its fix indented below) or JSON. Pure. */
import { exitCodeOf, type CheckRow } from './check.js';

const MARK: Readonly<Record<CheckRow['status'], string>> = { ok: 'ok', warning: 'WARNING', error: 'ERROR' };

/** The table: STATUS, GROUP, CHECK, DETAIL columns; a `fix:` line under each row that is not ok. */
export function renderDoctorTable(rows: readonly CheckRow[]): string {
  const width = (f: (r: CheckRow) => string, title: string): number =>
    rows.reduce((w, r) => Math.max(w, f(r).length), title.length);
  const ws = width((r) => MARK[r.status], 'STATUS');
  const wg = width((r) => r.group, 'GROUP');
  const wc = width((r) => r.check, 'CHECK');
  const line = (a: string, b: string, c: string, d: string): string =>
    `${a.padEnd(ws)}  ${b.padEnd(wg)}  ${c.padEnd(wc)}  ${d}`.trimEnd();
  const out = [line('STATUS', 'GROUP', 'CHECK', 'DETAIL')];
  for (const r of rows) {
    out.push(line(MARK[r.status], r.group, r.check, r.detail));
    if (r.fix !== null) out.push(`${' '.repeat(ws + 2)}fix: ${r.fix}`);
  }
  const count = (s: CheckRow['status']): number => rows.filter((r) => r.status === s).length;
  out.push('', `${count('ok')} ok, ${count('warning')} warning(s), ${count('error')} error(s)`);
  return `${out.join('\n')}\n`;
}

/** The JSON document: `{ exitCode, summary, checks: [...] }`. */
export function renderDoctorJson(rows: readonly CheckRow[]): string {
  const summary = {
    ok: rows.filter((r) => r.status === 'ok').length,
    warning: rows.filter((r) => r.status === 'warning').length,
    error: rows.filter((r) => r.status === 'error').length,
  };
  return `${JSON.stringify({ exitCode: exitCodeOf(rows), summary, checks: rows }, null, 2)}\n`;
}
