/**
 * oslo.config's INI syntax, as kuryr-kubernetes read kuryr.conf (oslo_config/iniparser.py
 * BaseParser and cfg.py ConfigParser, read at openstack/oslo.config 57da8d3). No library on
 * npm follows these rules, so this module implements them (no code taken from oslo):
 * - lines are right-trimmed; a blank line ends a value;
 * - a line starting with a space or tab continues the previous value (joined with "\n");
 *   one with no value before it (or after a blank line) is an error;
 * - `#` or `;` starts a comment only at the start of a line: inside a value it is text;
 * - `[name]` starts a section; repeated sections merge; names are looked up lower-cased,
 *   except `DEFAULT` (oslo's normalized group names);
 * - `key = value` or `key: value`, split at whichever of `=` and `:` comes first; key and
 *   value trimmed; one pair of matching quotes around the value is removed;
 * - a repeated key keeps every value in order; a single-valued option takes the last.
 * One deviation: oslo refuses an assignment before any section ("Section must be started
 * before assignment"); here such keys are returned in `outside` for the caller to report.
 * Pure: text in, sections out.
 */

/** Parsed sections: normalized section name → key → every value given, in file order. */
export type OsloSections = ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;

/** A parsed file: its sections, and the keys assigned before any section (oslo refuses those). */
export interface OsloIni {
  readonly sections: OsloSections;
  readonly outside: readonly string[];
}

/** The text is not valid oslo.config INI; the message is oslo's: `at line N, <problem>: '<line>'`. */
export class OsloIniError extends Error {
  override readonly name = 'OsloIniError';
  readonly line: number;
  constructor(problem: string, line: number, text: string | null) {
    super(text === null ? `at line ${line}, ${problem}` : `at line ${line}, ${problem}: '${text}'`);
    this.line = line;
  }
}

/** oslo's normalized group name. */
export function normalizeSectionName(name: string): string {
  return name === 'DEFAULT' ? name : name.toLowerCase();
}

function splitKeyValue(line: string, lineno: number): { key: string; value: string } {
  const colon = line.indexOf(':');
  const equal = line.indexOf('=');
  if (colon < 0 && equal < 0) throw new OsloIniError("No ':' or '=' found in assignment", lineno, line);
  const at = colon < 0 || (equal >= 0 && equal < colon) ? equal : colon;
  let value = line.slice(at + 1).trim();
  const first = value[0];
  if (value !== '' && first === value[value.length - 1] && (first === '"' || first === "'"))
    value = value.slice(1, -1);
  return { key: line.slice(0, at).trim(), value };
}

function sectionName(line: string, lineno: number): string {
  if (!line.endsWith(']')) throw new OsloIniError('Invalid section (must end with ])', lineno, line);
  if (line.length <= 2) throw new OsloIniError('Empty section name', lineno, line);
  return line.slice(1, -1);
}

interface State {
  readonly sections: Map<string, Map<string, string[]>>;
  readonly outside: string[];
  section: string | null;
  key: string | null;
  value: string[];
  lineno: number;
}

function flush(state: State): void {
  if (state.key === null) return;
  if (state.section === null) {
    state.outside.push(state.key);
    state.key = null;
    state.value = [];
    return;
  }
  const section = state.sections.get(state.section) ?? new Map<string, string[]>();
  state.sections.set(state.section, section);
  section.set(state.key, [...(section.get(state.key) ?? []), state.value.join('\n')]);
  state.key = null;
  state.value = [];
}

function parseLine(state: State, raw: string): void {
  const line = raw.trimEnd();
  if (line === '') {
    flush(state);
    return;
  }
  if (line.startsWith(' ') || line.startsWith('\t')) {
    if (state.key === null) throw new OsloIniError('Unexpected continuation line', state.lineno, line);
    state.value.push(line.trimStart());
    return;
  }
  flush(state);
  if (line.startsWith('[')) {
    const name = normalizeSectionName(sectionName(line, state.lineno));
    if (!state.sections.has(name)) state.sections.set(name, new Map());
    state.section = name;
  } else if (!line.startsWith('#') && !line.startsWith(';')) {
    const { key, value } = splitKeyValue(line, state.lineno);
    if (key === '') throw new OsloIniError('Key cannot be empty', state.lineno, line);
    state.key = key;
    state.value = [value];
  }
}

/** Parses oslo.config INI text. Throws OsloIniError (with oslo's message and line number). */
export function parseOsloIni(text: string): OsloIni {
  const state: State = { sections: new Map(), outside: [], section: null, key: null, value: [], lineno: 0 };
  const lines = text.split('\n');
  // A final newline ends the last line; it does not start another.
  if (lines[lines.length - 1] === '') lines.pop();
  for (const raw of lines) {
    state.lineno += 1;
    parseLine(state, raw);
  }
  flush(state);
  return { sections: state.sections, outside: state.outside };
}

/** The value oslo uses for a single-valued option: the last one given. */
export function lastValue(values: readonly string[] | undefined): string | undefined {
  return values === undefined ? undefined : values[values.length - 1];
}
