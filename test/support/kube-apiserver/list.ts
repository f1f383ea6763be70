/**
 * LIST semantics (Kubernetes "Resource versions" doc):
 * - `resourceVersion` unset: most recent; `"0"`: any (we serve the most recent);
 * - `resourceVersion=N` (NotOlderThan, the default match): at least N; N in the future
 *   answers 504 "Too large resource version" at once (the real server waits ~3s first);
 * - `resourceVersionMatch=Exact`: exactly N, rebuilt from history; 410 Expired if compacted;
 * - `limit`/`continue`: pages of one consistent snapshot; an expired token answers 410.
 * Items of built-in resources carry no apiVersion/kind (the real server omits them).
 */
import { clone, objectKey, type KubeObject } from './object.js';
import { apiVersionOf, resourceKey, type ResourceDef } from './resources.js';
import { parseFieldSelector, parseLabelSelector, type Matcher } from './selectors.js';
import { StatusError, badRequest, expired } from './status.js';
import type { Store } from './store.js';

/** Namespace plus label/field selectors of a request, as one predicate. */
export function requestMatcher(
  def: ResourceDef,
  namespace: string | undefined,
  query: URLSearchParams,
): Matcher {
  const labels = parseLabelSelector(query.get('labelSelector') ?? undefined);
  const fields = parseFieldSelector(query.get('fieldSelector') ?? undefined, def);
  return (obj) =>
    (namespace === undefined || obj.metadata.namespace === namespace) && labels(obj) && fields(obj);
}

/** Parses a resourceVersion parameter: undefined for unset/"", a number otherwise; 400 if malformed. */
export function parseResourceVersion(text: string | null): number | undefined {
  if (text === null || text === '') return undefined;
  if (!/^\d+$/.test(text)) throw badRequest(`invalid resource version "${text}"`);
  return Number(text);
}

function tooLarge(rv: number, current: number): StatusError {
  return new StatusError(504, 'Timeout', `Too large resource version: ${rv}, current: ${current}`, {
    details: {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    },
  });
}

interface Snapshot {
  readonly rv: number;
  readonly items: KubeObject[];
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && typeof parsed[0] === 'number' && typeof parsed[1] === 'string') {
      return { rv: parsed[0], start: parsed[1] };
    }
  } catch {
    // fall through to the 400 below
  }
  throw badRequest('continue key is not valid: invalid continue token');
}

function snapshot(store: Store, def: ResourceDef, query: URLSearchParams): Snapshot {
  const resource = resourceKey(def);
  const token = query.get('continue');
  if (token !== null && token !== '') {
    const { rv, start } = decodeContinue(token);
    if (rv < store.oldestResourceVersion) {
      throw expired(
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
      );
    }
    return { rv, items: store.snapshotAt(resource, rv).filter((o) => objectKey(o) > start) };
  }
  const rv = parseResourceVersion(query.get('resourceVersion'));
  const match = query.get('resourceVersionMatch');
  const current = store.resourceVersion;
  if (match !== null && match !== '' && rv === undefined) {
    throw badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
  }
  if (match === 'Exact') {
    if (rv === undefined || rv === 0)
      throw badRequest('resourceVersionMatch "Exact" is forbidden for resourceVersion "0"');
    if (rv > current) throw tooLarge(rv, current);
    return { rv, items: store.snapshotAt(resource, rv) };
  }
  if (match !== null && match !== '' && match !== 'NotOlderThan') {
    throw badRequest(`resourceVersionMatch: Unsupported value: "${match}"`);
  }
  if (rv !== undefined && rv > current) throw tooLarge(rv, current);
  return { rv: current, items: store.list(resource) };
}

/** The `<Kind>List` answer to a LIST request. */
export function listObjects(
  store: Store,
  def: ResourceDef,
  namespace: string | undefined,
  query: URLSearchParams,
): KubeObject {
  const matches = requestMatcher(def, namespace, query);
  const snap = snapshot(store, def, query);
  let items = snap.items.filter(matches);
  const metadata: Record<string, unknown> = { resourceVersion: String(snap.rv) };
  const limit = Number(query.get('limit') ?? '0');
  if (Number.isInteger(limit) && limit > 0 && items.length > limit) {
    metadata.remainingItemCount = items.length - limit;
    items = items.slice(0, limit);
    const last = items[items.length - 1];
    const start = last === undefined ? '' : objectKey(last);
    metadata.continue = Buffer.from(JSON.stringify([snap.rv, start])).toString('base64url');
  }
  return {
    kind: `${def.kind}List`,
    apiVersion: apiVersionOf(def),
    metadata,
    items: items.map((item) => withoutTypeMeta(def, item)),
  };
}

function withoutTypeMeta(def: ResourceDef, obj: KubeObject): KubeObject {
  if (def.custom) return obj;
  const copy = clone(obj);
  delete copy.apiVersion;
  delete copy.kind;
  return copy;
}
