/**
 * Reading Neutron request bodies: the `{<resource>: {...}}` envelope, attributes this
 * Neutron does not know or does not allow on this verb, and typed field access, each with
 * Neutron's own 400 messages.
 */
import { neutronBadRequest } from '../errors.js';
import { type FakeRequest, INVALID_JSON, isObject } from '../request.js';

/** The object under `key`; throws Neutron's 400s for a missing or malformed body and unknown attributes. */
export function resourceBody(
  req: FakeRequest,
  key: string,
  allowed: {
    readonly known: readonly string[];
    readonly forbidden?: readonly string[];
    readonly verb: string;
  },
): Record<string, unknown> {
  if (req.body === INVALID_JSON) throw neutronBadRequest('Malformed request body');
  const outer = req.body;
  const inner = isObject(outer) ? outer[key] : undefined;
  if (!isObject(inner)) throw neutronBadRequest('Resource body required');
  for (const attr of Object.keys(inner)) {
    if (allowed.forbidden?.includes(attr) === true) {
      throw neutronBadRequest(`Attribute '${attr}' not allowed in ${allowed.verb}`);
    }
  }
  const unknown = Object.keys(inner).filter((attr) => !allowed.known.includes(attr));
  if (unknown.length > 0) throw neutronBadRequest(`Unrecognized attribute(s) '${unknown.join(', ')}'`);
  return inner;
}

function invalid(attr: string, value: unknown, why: string): Error {
  return neutronBadRequest(`Invalid input for ${attr}. Reason: '${String(value)}' ${why}.`);
}

/** An optional string attribute (`null` allowed when `nullable`). */
export function optString(body: Record<string, unknown>, attr: string): string | undefined {
  const value = body[attr];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(attr, value, 'is not a valid string');
  return value;
}

/** A required string attribute. */
export function reqString(body: Record<string, unknown>, attr: string): string {
  const value = optString(body, attr);
  if (value === undefined)
    throw neutronBadRequest(`Failed to parse request. Required attribute '${attr}' not specified`);
  return value;
}

/** An optional boolean attribute. */
export function optBool(body: Record<string, unknown>, attr: string): boolean | undefined {
  const value = body[attr];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalid(attr, value, 'is not a valid boolean value');
  return value;
}

/** An optional string-or-null attribute (null clears it). */
export function optNullableString(body: Record<string, unknown>, attr: string): string | null | undefined {
  const value = body[attr];
  if (value === null) return null;
  return optString(body, attr);
}
