/**
 * Patch formats the API server accepts:
 * - `application/merge-patch+json` (RFC 7386);
 * - `application/json-patch+json` (RFC 6902: add, remove, replace, move, copy, test);
 * - `application/strategic-merge-patch+json`, applied here as a merge patch. Simplification:
 *   the real server merges lists by their patch merge key (e.g. ports by `port`); our
 *   resources are only patched on maps in practice, so lists are replaced wholesale.
 * Custom resources refuse strategic merge patches (415), as the real server does.
 * Server-side apply (`application/apply-patch+yaml`) is not supported (415).
 */
import { clone, isRecord, jsonEqual } from './object.js';
import { StatusError, badRequest, statusFor } from './status.js';

/** RFC 7386: objects merge recursively, `null` deletes, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return clone(patch);
  const result = isRecord(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) Reflect.deleteProperty(result, key);
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/** A JSON patch operation failed: answered as 422 like the real server. */
function patchFailure(message: string): StatusError {
  return new StatusError(422, 'Invalid', message);
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw patchFailure(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

type Container = Record<string, unknown> | unknown[];

/** The parent container of `path` and the last token; throws when the parent is missing. */
function locate(doc: unknown, path: string[]): { parent: Container; token: string } {
  let cursor = doc;
  for (const token of path.slice(0, -1)) {
    cursor = Array.isArray(cursor) ? cursor[Number(token)] : isRecord(cursor) ? cursor[token] : undefined;
    if (cursor === undefined) throw patchFailure(`missing path "/${path.join('/')}"`);
  }
  if (!Array.isArray(cursor) && !isRecord(cursor)) throw patchFailure(`missing path "/${path.join('/')}"`);
  return { parent: cursor, token: path[path.length - 1] ?? '' };
}

function arrayIndex(arr: unknown[], token: string, forInsert: boolean): number {
  if (forInsert && token === '-') return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw patchFailure(`invalid array index "${token}"`);
  const index = Number(token);
  if (index > arr.length || (!forInsert && index === arr.length)) {
    throw patchFailure(`array index ${index} out of bounds`);
  }
  return index;
}

function getAt(doc: unknown, path: string[]): unknown {
  if (path.length === 0) return doc;
  const { parent, token } = locate(doc, path);
  const value = Array.isArray(parent) ? parent[arrayIndex(parent, token, false)] : parent[token];
  if (value === undefined) throw patchFailure(`missing value at "/${path.join('/')}"`);
  return value;
}

function addAt(doc: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return clone(value);
  const { parent, token } = locate(doc, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, token, true), 0, clone(value));
  else parent[token] = clone(value);
  return doc;
}

function removeAt(doc: unknown, path: string[]): unknown {
  getAt(doc, path);
  const { parent, token } = locate(doc, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, token, false), 1);
  else Reflect.deleteProperty(parent, token);
  return doc;
}

function applyOperation(doc: unknown, op: Record<string, unknown>): unknown {
  const path = parsePointer(typeof op.path === 'string' ? op.path : '');
  const from = () => parsePointer(typeof op.from === 'string' ? op.from : '');
  switch (op.op) {
    case 'add':
      return addAt(doc, path, op.value);
    case 'remove':
      if (path.length === 0) throw patchFailure('cannot remove the whole document');
      return removeAt(doc, path);
    case 'replace':
      return path.length === 0 ? clone(op.value) : addAt(removeAt(doc, path), path, op.value);
    case 'move': {
      const source = from();
      if (path.length > source.length && source.every((t, i) => path[i] === t)) {
        throw patchFailure('cannot move a value into one of its children');
      }
      const value = getAt(doc, source);
      return addAt(removeAt(doc, source), path, value);
    }
    case 'copy':
      return addAt(doc, path, getAt(doc, from()));
    case 'test':
      if (!jsonEqual(getAt(doc, path), op.value)) {
        throw patchFailure(`testing value /${path.join('/')} failed`);
      }
      return doc;
    default:
      throw badRequest(`unexpected JSON patch operation: ${JSON.stringify(op.op)}`);
  }
}

/** RFC 6902: applies `ops` in order to a copy of `target`; atomic (all or nothing). */
export function applyJsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json patch must be an array of operations');
  let doc = clone(target);
  for (const op of ops) {
    if (!isRecord(op) || typeof op.path !== 'string') {
      throw badRequest(`invalid JSON patch operation: ${JSON.stringify(op)}`);
    }
    doc = applyOperation(doc, op);
  }
  return doc;
}

/** Applies a patch body by its Content-Type; 415 for unsupported types. */
export function applyPatch(target: unknown, contentType: string, patch: unknown): unknown {
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  switch (mediaType) {
    case 'application/merge-patch+json':
    case 'application/strategic-merge-patch+json':
      return applyMergePatch(target, patch);
    case 'application/json-patch+json':
      return applyJsonPatch(target, patch);
    default:
      throw statusFor(
        415,
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
      );
  }
}

/** 415 for a strategic merge patch, as the real server answers one for a custom resource. */
export function refuseStrategicMerge(contentType: string): void {
  if (contentType.split(';')[0]?.trim().toLowerCase() !== 'application/strategic-merge-patch+json') return;
  throw statusFor(
    415,
    'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
  );
}
