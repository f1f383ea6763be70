/**
 * Reading Octavia request bodies the way wsme does: the `{<resource>: {...}}` envelope,
 * `Unknown attribute for argument <arg>: <names>` for attributes the type lacks, and
 * `Invalid input for field/attribute <name>. Value: '<v>'. <reason>` for a value that does
 * not fit its type (strings, bounded integers, enums, IP addresses, UUIDs, tag lists).
 */
import { octaviaFault } from '../errors.js';
import { canonicalAddress, parseCidr } from '../neutron/ip.js';
import { type FakeRequest, INVALID_JSON, isObject } from '../request.js';

/** The type of one attribute. */
export type FieldType =
  | { readonly kind: 'string'; readonly max?: number }
  | { readonly kind: 'int'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'bool' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'ip' }
  | { readonly kind: 'uuid' }
  | { readonly kind: 'strings'; readonly max?: number }
  | { readonly kind: 'cidrs' }
  | { readonly kind: 'any' };

/** One attribute: its type and whether it must be present. */
export interface FieldSpec {
  readonly type: FieldType;
  readonly mandatory?: boolean;
}

/** The attributes of one wsme type. */
export type Shape = Readonly<Record<string, FieldSpec>>;

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

function invalid(name: string, value: unknown, reason: string): Error {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  return octaviaFault(400, `Invalid input for field/attribute ${name}. Value: '${shown}'. ${reason}`);
}

function checkString(name: string, value: unknown, max: number | undefined): void {
  if (typeof value !== 'string') throw invalid(name, value, 'Value should be string');
  if (max !== undefined && value.length > max) {
    throw invalid(name, value, `Value should have a maximum character requirement of ${max}`);
  }
}

function checkInt(
  name: string,
  value: unknown,
  type: { readonly min?: number; readonly max?: number },
): void {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw invalid(name, value, 'Value should be integer');
  if (type.min !== undefined && value < type.min)
    throw invalid(name, value, `Value should be greater or equal to ${type.min}`);
  if (type.max !== undefined && value > type.max)
    throw invalid(name, value, `Value should be lower or equal to ${type.max}`);
}

function checkValue(name: string, value: unknown, type: FieldType): void {
  switch (type.kind) {
    case 'string':
      checkString(name, value, type.max);
      return;
    case 'int':
      checkInt(name, value, type);
      return;
    case 'bool':
      if (typeof value !== 'boolean') throw invalid(name, value, 'Value should be boolean');
      return;
    case 'enum':
      if (typeof value !== 'string' || !type.values.includes(value)) {
        throw invalid(name, value, `Value should be one of: ${type.values.join(', ')}`);
      }
      return;
    case 'ip':
      if (typeof value !== 'string' || canonicalAddress(value) === null) {
        throw invalid(name, value, 'Value should be IPv4 or IPv6 format');
      }
      return;
    case 'uuid':
      if (typeof value !== 'string' || !UUID.test(value))
        throw invalid(name, value, 'Value should be UUID format');
      return;
    case 'strings':
      if (!Array.isArray(value)) throw invalid(name, value, 'Value should be a list');
      for (const item of value) checkString(name, item, type.max);
      return;
    case 'cidrs':
      if (!Array.isArray(value)) throw invalid(name, value, 'Value should be a list');
      for (const item of value) {
        if (typeof item !== 'string' || parseCidr(item) === null)
          throw invalid(name, item, 'Value should be a valid CIDR');
      }
      return;
    case 'any':
      return;
  }
}

/** Validates `value` against `shape` (argument name `arg` for messages); null values are kept (they clear). */
export function readShape(value: unknown, shape: Shape, arg: string): Record<string, unknown> {
  if (!isObject(value))
    throw octaviaFault(
      400,
      `Invalid input for field/attribute ${arg}. Value: '${JSON.stringify(value)}'. Value should be an object`,
    );
  const unknown = Object.keys(value).filter((k) => !(k in shape));
  if (unknown.length > 0) {
    const word = unknown.length > 1 ? 'attributes' : 'attribute';
    throw octaviaFault(400, `Unknown ${word} for argument ${arg}: ${unknown.join(', ')}`);
  }
  for (const [name, spec] of Object.entries(shape)) {
    const v = value[name];
    if (v === undefined || v === null) {
      if (spec.mandatory === true) throw invalid(name, 'None', 'Mandatory field missing.');
      continue;
    }
    checkValue(name, v, spec.type);
  }
  return value;
}

/** The object under `key` of the request body, validated; Octavia's 400 for bad JSON. */
export function envelope(req: FakeRequest, key: string, shape: Shape, arg: string): Record<string, unknown> {
  if (req.body === INVALID_JSON) throw octaviaFault(400, 'Request is not in valid JSON format');
  const outer = isObject(req.body) ? req.body : {};
  if (Object.keys(outer).some((k) => k !== key)) {
    const extra = Object.keys(outer).filter((k) => k !== key);
    throw octaviaFault(
      400,
      `Unknown attribute for argument ${arg.split('.')[0] ?? arg}: ${extra.join(', ')}`,
    );
  }
  if (outer[key] === undefined) throw invalid(key, 'None', 'Mandatory field missing.');
  return readShape(outer[key], shape, arg);
}

/** Typed reads of validated attributes. */
export const get = {
  str: (o: Record<string, unknown>, k: string): string | undefined =>
    typeof o[k] === 'string' ? o[k] : undefined,
  int: (o: Record<string, unknown>, k: string): number | undefined =>
    typeof o[k] === 'number' ? o[k] : undefined,
  bool: (o: Record<string, unknown>, k: string): boolean | undefined =>
    typeof o[k] === 'boolean' ? o[k] : undefined,
  strings: (o: Record<string, unknown>, k: string): string[] | undefined =>
    Array.isArray(o[k]) ? (o[k] as unknown[]).map(String) : undefined,
  /** True when the attribute is present and null (a PUT resetting it). */
  isNull: (o: Record<string, unknown>, k: string): boolean => k in o && o[k] === null,
};

const str = (max = 255): FieldSpec => ({ type: { kind: 'string', max } });
const int = (min?: number, max?: number): FieldSpec => ({
  type: { kind: 'int', ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) },
});
const any: FieldSpec = { type: { kind: 'any' } };
const bool: FieldSpec = { type: { kind: 'bool' } };
const tags: FieldSpec = { type: { kind: 'strings', max: 255 } };

/** Shared attribute specs. */
export const F = {
  str,
  int,
  any,
  bool,
  tags,
  uuid: { type: { kind: 'uuid' } } as FieldSpec,
  ip: { type: { kind: 'ip' } } as FieldSpec,
};

/** `{kind: 'enum'}` spec; `mandatory` as given. */
export function oneOf(values: readonly string[], mandatory = false): FieldSpec {
  return { type: { kind: 'enum', values }, mandatory };
}
