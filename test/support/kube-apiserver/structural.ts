/**
 * The two things a kube-apiserver does with a CRD's structural schema (apiextensions.k8s.io/v1,
 * "Specifying a structural schema", "Field pruning"), for the subset our CRDs use: `type`
 * (object, array, string, integer, number, boolean), `properties`, `items`, `required`,
 * `nullable`, `additionalProperties` (a schema) and `x-kubernetes-preserve-unknown-fields`.
 *
 * - pruning: a key of an object that its schema does not specify is dropped, unless that
 *   object's own schema preserves unknown fields; the flag is not inherited by a specified
 *   property that has a schema of its own (so `status: {preserve, properties: {loadbalancer:
 *   {properties: ...}}}` still prunes unknown keys inside `status.loadbalancer`).
 * - validation: a wrong type, a missing required key, or a null where `nullable` is not set is
 *   an error (the real server answers 422 with these paths).
 */
import { isRecord, type JsonMap } from './object.js';

/** A node of an openAPIV3Schema. */
export type SchemaNode = JsonMap;

function child(schema: SchemaNode, key: string): SchemaNode | undefined {
  const props = isRecord(schema.properties) ? schema.properties : undefined;
  const own = props?.[key];
  if (isRecord(own)) return own;
  return isRecord(schema.additionalProperties) ? schema.additionalProperties : undefined;
}

const preserves = (schema: SchemaNode): boolean => schema['x-kubernetes-preserve-unknown-fields'] === true;

/** `value` with every key `schema` does not allow removed (a copy; `value` is not changed). */
export function pruneBySchema(schema: SchemaNode, value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = isRecord(schema.items) ? schema.items : undefined;
    return items === undefined ? value : value.map((v) => pruneBySchema(items, v));
  }
  if (!isRecord(value)) return value;
  const out: JsonMap = {};
  for (const [key, v] of Object.entries(value)) {
    const node = child(schema, key);
    if (node !== undefined) out[key] = pruneBySchema(node, v);
    else if (preserves(schema)) out[key] = v;
  }
  return out;
}

function typeError(type: unknown, value: unknown): boolean {
  switch (type) {
    case 'object':
      return !isRecord(value);
    case 'array':
      return !Array.isArray(value);
    case 'string':
      return typeof value !== 'string';
    case 'integer':
      return !Number.isInteger(value);
    case 'number':
      return typeof value !== 'number';
    case 'boolean':
      return typeof value !== 'boolean';
    default:
      return false;
  }
}

function objectErrors(schema: SchemaNode, value: JsonMap, path: string): string[] {
  const required = Array.isArray(schema.required) ? schema.required : [];
  const missing = required
    .filter((k): k is string => typeof k === 'string' && value[k] === undefined)
    .map((k) => `${path}.${k}: Required value`);
  const nested = Object.entries(value).flatMap(([k, v]) => {
    const node = child(schema, k);
    return node === undefined ? [] : schemaErrors(node, v, `${path}.${k}`);
  });
  return [...missing, ...nested];
}

/** The validation errors of `value` against `schema`, each as `path: reason` (none: valid). */
export function schemaErrors(schema: SchemaNode, value: unknown, path = ''): string[] {
  if (value === null) return schema.nullable === true ? [] : [`${path}: Invalid value: null`];
  if (typeError(schema.type, value))
    return [`${path}: Invalid value: must be of type ${String(schema.type)}`];
  if (Array.isArray(value) && isRecord(schema.items)) {
    const items = schema.items;
    return value.flatMap((v, i) => schemaErrors(items, v, `${path}[${String(i)}]`));
  }
  return isRecord(value) ? objectErrors(schema, value, path) : [];
}

const OBJECT_META_KEYS = new Set(['apiVersion', 'kind', 'metadata']);

/** A custom resource pruned by its version's schema (apiVersion, kind and metadata are kept as they are). */
export function pruneCustomObject<T extends JsonMap>(schema: SchemaNode, obj: T): T {
  const out: JsonMap = {};
  for (const [key, v] of Object.entries(obj)) {
    if (OBJECT_META_KEYS.has(key)) out[key] = v;
    else {
      const node = child(schema, key);
      if (node !== undefined) out[key] = pruneBySchema(node, v);
      else if (preserves(schema)) out[key] = v;
    }
  }
  return out as T;
}
