/**
 * Maps REST paths and verbs onto the registry, list and watch:
 * `/api/v1/...` and `/apis/<group>/<version>/...`, namespaced
 * (`namespaces/<ns>/<plural>[/<name>[/status]]`) and cluster-wide (`<plural>[/<name>]`)
 * forms, plus discovery documents. Answers are `{code, body}`; WATCH writes the stream itself.
 */
import type { ServerResponse } from 'node:http';
import { coreVersions, groupDocument, groupList, resourceList, VERSION_INFO } from './discovery.js';
import { listObjects, requestMatcher } from './list.js';
import { isRecord, type KubeObject } from './object.js';
import { apiVersionOf, type ResourceDef } from './resources.js';
import type { DeleteOptions, Registry, Target } from './registry.js';
import { badRequest, statusFor } from './status.js';
import type { Verb } from './faults.js';
import type { WatchHub } from './watch.js';

/** A parsed request. */
export interface ApiRequest {
  readonly method: string;
  readonly url: URL;
  readonly contentType: string;
  readonly body: unknown;
  readonly res: ServerResponse;
}

/** A JSON answer; `undefined` when the handler already streamed the response. */
export type ApiAnswer = { readonly code: number; readonly body: unknown } | undefined;

interface ResourceRoute {
  readonly def: ResourceDef;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
}

function notFoundPath(): never {
  throw statusFor(404, 'the server could not find the requested resource');
}

function parseRoute(registry: Registry, group: string, version: string, rest: string[]): ResourceRoute {
  const [first, second, third, fourth, fifth, ...extra] = rest;
  const nested =
    first === 'namespaces' && third !== undefined ? registry.find(group, version, third) : undefined;
  if (nested?.namespaced === true && extra.length === 0) {
    return { def: nested, namespace: second, name: fourth, subresource: fifth };
  }
  const def = registry.find(group, version, first ?? '');
  if (def === undefined || fourth !== undefined) notFoundPath();
  if (def.namespaced && second !== undefined) notFoundPath();
  return { def, namespace: undefined, name: second, subresource: third };
}

function discovery(registry: Registry, segments: string[], host: string): ApiAnswer {
  const [root, a, b] = segments;
  const found =
    root === 'version' && a === undefined
      ? VERSION_INFO
      : root === 'api' && a === undefined
        ? coreVersions(host)
        : root === 'api' && a !== undefined
          ? resourceList('', a, registry.resources)
          : root === 'apis' && a === undefined
            ? groupList(registry.resources)
            : root === 'apis' && a !== undefined && b === undefined
              ? groupDocument(a, registry.resources)
              : root === 'apis' && a !== undefined && b !== undefined
                ? resourceList(a, b, registry.resources)
                : undefined;
  return found === undefined ? notFoundPath() : { code: 200, body: found };
}

function deleteOptions(body: unknown, query: URLSearchParams): DeleteOptions {
  const options: Record<string, unknown> = isRecord(body) ? { ...body } : {};
  const grace = query.get('gracePeriodSeconds');
  if (grace !== null) options.gracePeriodSeconds = Number(grace);
  const policy = query.get('propagationPolicy');
  if (policy !== null) options.propagationPolicy = policy;
  const pre = isRecord(options.preconditions) ? options.preconditions : {};
  return {
    ...(typeof options.gracePeriodSeconds === 'number'
      ? { gracePeriodSeconds: options.gracePeriodSeconds }
      : {}),
    ...(typeof options.propagationPolicy === 'string'
      ? { propagationPolicy: options.propagationPolicy }
      : {}),
    ...(typeof options.orphanDependents === 'boolean' ? { orphanDependents: options.orphanDependents } : {}),
    preconditions: {
      ...(typeof pre.uid === 'string' ? { uid: pre.uid } : {}),
      ...(typeof pre.resourceVersion === 'string' ? { resourceVersion: pre.resourceVersion } : {}),
    },
  };
}

function collection(registry: Registry, hub: WatchHub, route: ResourceRoute, req: ApiRequest): ApiAnswer {
  const { def, namespace } = route;
  const query = req.url.searchParams;
  switch (req.method) {
    case 'GET':
      if (['true', '1'].includes(query.get('watch') ?? '')) {
        hub.serve({ def, namespace, query, res: req.res });
        return undefined;
      }
      return { code: 200, body: listObjects(registry.store, def, namespace, query) };
    case 'POST':
      if (def.namespaced && namespace === undefined) break;
      return { code: 201, body: registry.create(def, namespace, req.body) };
    case 'DELETE': {
      if (!def.deleteCollection) break;
      const matches = requestMatcher(def, namespace, query);
      const items = registry.store.list(`${def.group}/${def.version}/${def.plural}`).filter(matches);
      const deleted = items.map((o) =>
        registry.delete({ def, namespace: o.metadata.namespace, name: o.metadata.name ?? '' }),
      );
      return {
        code: 200,
        body: { kind: `${def.kind}List`, apiVersion: apiVersionOf(def), metadata: {}, items: deleted },
      };
    }
  }
  throw statusFor(405, `the server does not allow this method on the requested resource`);
}

/** What DELETE answers: the object while it still exists or when the resource returns it, else a Status. */
function deleteAnswer(def: ResourceDef, obj: KubeObject): unknown {
  if (def.deleteReturnsObject || obj.metadata.deletionTimestamp !== undefined) return obj;
  const details = {
    name: obj.metadata.name,
    ...(def.group === '' ? {} : { group: def.group }),
    kind: def.plural,
    uid: obj.metadata.uid,
  };
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

function item(registry: Registry, route: ResourceRoute, target: Target, req: ApiRequest): ApiAnswer {
  const sub = route.subresource;
  switch (req.method) {
    case 'GET':
      return { code: 200, body: registry.get(target) };
    case 'PUT': {
      const { object, created } = registry.update(target, req.body, sub);
      return { code: created ? 201 : 200, body: object };
    }
    case 'PATCH':
      return {
        code: 200,
        body: registry.patch(target, { contentType: req.contentType, body: req.body }, sub),
      };
    case 'DELETE': {
      if (sub !== undefined) break;
      const options = deleteOptions(req.body, req.url.searchParams);
      const result = registry.delete(target, options);
      // The real handler answers 202 only for a pending delete with orphanDependents=false.
      const pending = result.metadata.deletionTimestamp !== undefined;
      const code = pending && options.orphanDependents === false ? 202 : 200;
      return { code, body: deleteAnswer(target.def, result) };
    }
  }
  throw statusFor(405, `the server does not allow this method on the requested resource`);
}

/** One API request as authorization sees it (RBAC's verb, group, resource, namespace, name). */
export interface RequestInfo {
  readonly verb: Verb;
  readonly group: string;
  readonly resource: string;
  readonly subresource: string | undefined;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
}

function segmentsOf(url: URL): string[] {
  return url.pathname
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
}

/** The resource route of `url`, or undefined for discovery paths; throws 404 for unknown resources. */
function resourceRoute(registry: Registry, url: URL): ResourceRoute | undefined {
  const segments = segmentsOf(url);
  const [root, a, b] = segments;
  const rest = root === 'api' ? segments.slice(2) : root === 'apis' ? segments.slice(3) : undefined;
  if (rest === undefined || rest.length === 0) return undefined;
  const [group, version] = root === 'api' ? ['', a ?? ''] : [a ?? '', b ?? ''];
  const parsed = parseRoute(registry, group, version, rest);
  if (
    parsed.subresource !== undefined &&
    !(parsed.subresource === 'status' && parsed.def.statusSubresource)
  ) {
    notFoundPath();
  }
  return parsed;
}

function verbOf(method: string, route: ResourceRoute, url: URL): Verb | undefined {
  const one = route.name !== undefined;
  const watching = ['true', '1'].includes(url.searchParams.get('watch') ?? '');
  const verbs: Record<string, Verb> = one
    ? { GET: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' }
    : { GET: watching ? 'watch' : 'list', POST: 'create', DELETE: 'deletecollection' };
  return verbs[method];
}

/** Classifies a request for fault matching; undefined for discovery, unknown paths and methods. */
export function describeRequest(registry: Registry, method: string, url: URL): RequestInfo | undefined {
  let parsed: ResourceRoute | undefined;
  try {
    parsed = resourceRoute(registry, url);
  } catch {
    return undefined;
  }
  const verb = parsed === undefined ? undefined : verbOf(method, parsed, url);
  if (parsed === undefined || verb === undefined) return undefined;
  return {
    verb,
    group: parsed.def.group,
    resource: parsed.def.plural,
    subresource: parsed.subresource,
    namespace: parsed.namespace,
    name: parsed.name,
  };
}

/** Serves one request against `registry`; throws StatusError for failures. */
export function route(registry: Registry, hub: WatchHub, req: ApiRequest): ApiAnswer {
  const parsed = resourceRoute(registry, req.url);
  if (parsed === undefined) {
    if (req.method !== 'GET')
      throw statusFor(405, 'the server does not allow this method on the requested resource');
    return discovery(registry, segmentsOf(req.url), req.url.host);
  }
  if (parsed.name === undefined) return collection(registry, hub, parsed, req);
  if (parsed.name === '') throw badRequest('resource name may not be empty');
  return item(registry, parsed, { def: parsed.def, namespace: parsed.namespace, name: parsed.name }, req);
}
