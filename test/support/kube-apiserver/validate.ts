/**
 * Decoding and validation of request bodies into stored objects: the body must be a JSON
 * object whose `apiVersion`/`kind` (when given) match the resource, with well-typed
 * metadata; names follow the resource's DNS rule.
 */
import { isRecord, type KubeObject } from './object.js';
import { apiVersionOf, type ResourceDef } from './resources.js';
import { badRequest, invalid } from './status.js';

const isStringMap = (v: unknown): boolean =>
  isRecord(v) && Object.values(v).every((x) => typeof x === 'string');
const isStringList = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isOwnerRefList = (v: unknown): boolean =>
  Array.isArray(v) && v.every((r) => isRecord(r) && typeof r.uid === 'string' && typeof r.name === 'string');

const META_CHECKS: Record<string, (v: unknown) => boolean> = {
  name: (v) => typeof v === 'string',
  generateName: (v) => typeof v === 'string',
  namespace: (v) => typeof v === 'string',
  resourceVersion: (v) => typeof v === 'string',
  uid: (v) => typeof v === 'string',
  labels: isStringMap,
  annotations: isStringMap,
  finalizers: isStringList,
  ownerReferences: isOwnerRefList,
};

function isEmpty(value: unknown): boolean {
  return Array.isArray(value) ? value.length === 0 : isRecord(value) && Object.keys(value).length === 0;
}

/** Decodes `body` as an object of `def`; 400 when it is not one. */
export function decodeObject(body: unknown, def: ResourceDef): KubeObject {
  if (!isRecord(body)) throw badRequest(`the body of the request is not a ${def.kind} object`);
  const metadata = body.metadata ?? {};
  if (!isRecord(metadata)) throw badRequest(`${def.kind}.metadata must be an object`);
  for (const [field, check] of Object.entries(META_CHECKS)) {
    const value = metadata[field];
    if (value !== undefined && value !== null && !check(value)) {
      throw badRequest(
        `${def.kind} in version "${def.version}" cannot be handled: metadata.${field} has the wrong type`,
      );
    }
    // Go's omitempty: null, empty lists and empty maps are not stored.
    if (value === null || value === '' || isEmpty(value)) Reflect.deleteProperty(metadata, field);
  }
  if (body.apiVersion !== undefined && body.apiVersion !== apiVersionOf(def)) {
    throw badRequest(
      `the API version in the data (${JSON.stringify(body.apiVersion)}) does not match the expected API version (${apiVersionOf(def)})`,
    );
  }
  if (body.kind !== undefined && body.kind !== def.kind) {
    throw badRequest(
      `the kind in the data (${JSON.stringify(body.kind)}) does not match the expected kind (${def.kind})`,
    );
  }
  return { ...body, apiVersion: apiVersionOf(def), kind: def.kind, metadata };
}

const RULES = {
  subdomain: {
    re: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    max: 253,
    text: "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
  },
  label1123: {
    re: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    max: 63,
    text: "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
  },
  label1035: {
    re: /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
    max: 63,
    text: "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
  },
} as const;

/** 422 unless `name` follows `def`'s naming rule. */
export function validateName(def: ResourceDef, name: string): void {
  const rule = RULES[def.nameFormat];
  if (name.length > rule.max) {
    const detail = `Invalid value: "${name}": must be no more than ${rule.max} characters`;
    throw invalid(def, name, { field: 'metadata.name', detail });
  }
  if (!rule.re.test(name)) {
    throw invalid(def, name, { field: 'metadata.name', detail: `Invalid value: "${name}": ${rule.text}` });
  }
}

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `generateName` plus 5 random characters, as the real name generator does. */
export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++)
    suffix += SUFFIX_ALPHABET[Math.floor(Math.random() * SUFFIX_ALPHABET.length)] ?? 'x';
  return prefix + suffix;
}
