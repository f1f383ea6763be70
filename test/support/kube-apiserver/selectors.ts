/**
 * Label selectors (`=`, `==`, `!=`, `in`, `notin`, exists, `!`exists) and field selectors
 * (`=`, `==`, `!=` over supported field labels), parsed from query strings as the API
 * server does; malformed or unsupported selectors are 400 BadRequest.
 */
import type { KubeObject } from './object.js';
import { isRecord } from './object.js';
import type { ResourceDef } from './resources.js';
import { badRequest } from './status.js';

/** A parsed selector: true when the object matches. */
export type Matcher = (obj: KubeObject) => boolean;

type Requirement = (labels: Record<string, string>) => boolean;

/** Splits on commas outside parentheses. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') terms.push(current.trim());
  return terms;
}

const SET_TERM = /^([A-Za-z0-9._/-]+)\s+(in|notin)\s+\(([^)]*)\)$/;
const EQ_TERM = /^([A-Za-z0-9._/-]+)\s*(==|=|!=)\s*([A-Za-z0-9._-]*)$/;
const EXISTS_TERM = /^(!?)\s*([A-Za-z0-9._/-]+)$/;

function parseLabelTerm(term: string): Requirement {
  const set = SET_TERM.exec(term);
  if (set !== null) {
    const [, key = '', op, values = ''] = set;
    const allowed = new Set(values.split(',').map((v) => v.trim()));
    return op === 'in'
      ? (labels) => key in labels && allowed.has(labels[key] ?? '')
      : (labels) => !(key in labels) || !allowed.has(labels[key] ?? '');
  }
  const eq = EQ_TERM.exec(term);
  if (eq !== null) {
    const [, key = '', op, value = ''] = eq;
    return op === '!='
      ? (labels) => labels[key] !== value
      : (labels) => key in labels && labels[key] === value;
  }
  const exists = EXISTS_TERM.exec(term);
  if (exists !== null) {
    const [, not, key = ''] = exists;
    return not === '!' ? (labels) => !(key in labels) : (labels) => key in labels;
  }
  throw badRequest(`unable to parse requirement: invalid label selector term "${term}"`);
}

/** Parses `labelSelector`; undefined or empty matches everything. */
export function parseLabelSelector(text: string | undefined): Matcher {
  const requirements = splitTerms(text ?? '').map(parseLabelTerm);
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    return requirements.every((r) => r(labels));
  };
}

function fieldValue(obj: KubeObject, path: string): string {
  let cursor: unknown = obj;
  for (const part of path.split('.')) {
    cursor = isRecord(cursor) ? cursor[part] : undefined;
  }
  return typeof cursor === 'string' || typeof cursor === 'number' ? String(cursor) : '';
}

/** Parses `fieldSelector` against the field labels `def` supports. */
export function parseFieldSelector(text: string | undefined, def: ResourceDef): Matcher {
  const supported = new Set(['metadata.name', 'metadata.namespace', ...def.fieldLabels]);
  const requirements = splitTerms(text ?? '').map((term): Matcher => {
    const match = /^([A-Za-z0-9._-]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (match === null) throw badRequest(`invalid selector: '${term}'; can't understand '${term}'`);
    const [, field = '', op, value = ''] = match;
    if (!supported.has(field)) {
      throw badRequest(`field label not supported: ${field}`);
    }
    return op === '!=' ? (o) => fieldValue(o, field) !== value : (o) => fieldValue(o, field) === value;
  });
  return (obj) => requirements.every((r) => r(obj));
}
