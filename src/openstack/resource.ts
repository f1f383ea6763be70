/**
 * The verbs every Octavia and Neutron resource shares, defined once: list one page and list
 * all pages (query and tag filters, `limit`/`marker` and `<plural>_links`), get, create,
 * update and delete by id, with the `{<singular>: …}` / `{<plural>: […]}` envelopes parsed by
 * the resource's zod schema. Resource modules keep what is their own (body builders, batch
 * member PUT, cascade delete, floating IP tagging) and export these verbs under their names.
 */
import { z } from 'zod';
import { listAll, type ListRequest, listPage, type Page, type Query } from './pagination.js';
import { send, sendNoContent } from './response.js';
import type { HttpMethod, OpenStackSession, ServiceType } from './session.js';

/** What a resource is, wherever its collection lives. */
export interface ResourceKindSpec<S extends z.ZodType, F, C, U> {
  readonly service: ServiceType;
  /** Key of one object in bodies (`loadbalancer`) and the noun of its operation labels. */
  readonly singular: string;
  /** Key of the list in list bodies (`loadbalancers`; links are `<plural>_links`). */
  readonly plural: string;
  /** One object's JSON → its record; a body that does not fit is an UnexpectedResponseError. */
  readonly schema: S;
  /** List filters → query parameters. */
  readonly query: (filters: F) => Query;
  /** Create input → the whole POST body (envelope included). Absent: the resource has no create. */
  readonly createBody?: (input: C) => unknown;
  /** Changes → the whole PUT body (envelope included). Absent: the resource has no update. */
  readonly updateBody?: (changes: U) => unknown;
}

/** A resource with its collection path (below the service endpoint, e.g. `/v2.0/ports`). */
export interface ResourceSpec<S extends z.ZodType, F, C, U> extends ResourceKindSpec<S, F, C, U> {
  readonly path: string;
}

/** The shared verbs of one resource collection. `R` record, `F` filters, `C` create input, `U` changes. */
export interface Resource<R, F, C, U> {
  /** The collection path. */
  readonly path: string;
  /** The operation label for `verb`, e.g. `octavia.member.batch_update`. Pure. */
  readonly operation: (verb: string) => string;
  /** One page (no filters: the server's first page). */
  readonly list: (session: OpenStackSession, filters?: F, signal?: AbortSignal) => Promise<Page<R>>;
  /** Every item matching `filters`; throws UnexpectedResponseError when pagination loops. */
  readonly listAll: (session: OpenStackSession, filters?: F, signal?: AbortSignal) => Promise<R[]>;
  /** GET one by id. Throws NotFoundError when absent. */
  readonly get: (session: OpenStackSession, id: string, signal?: AbortSignal) => Promise<R>;
  /** POST one; resolves with what the server created. */
  readonly create: (session: OpenStackSession, input: C, signal?: AbortSignal) => Promise<R>;
  /** PUT changes to one; resolves with the updated object. */
  readonly update: (session: OpenStackSession, id: string, changes: U, signal?: AbortSignal) => Promise<R>;
  /** DELETE one. Throws NotFoundError when already gone. */
  readonly remove: (session: OpenStackSession, id: string, signal?: AbortSignal) => Promise<void>;
  /** DELETE one with query parameters (Octavia's `cascade`). Throws NotFoundError when already gone. */
  readonly removeWith: (
    session: OpenStackSession,
    id: string,
    opts: { readonly query: Query; readonly signal?: AbortSignal | undefined },
  ) => Promise<void>;
}

/** A resource not yet placed: `at(path)` gives its verbs below one collection path. */
export interface ResourceKind<R, F, C, U> {
  /** The verbs of the collection at `path` (e.g. one pool's members). Pure. */
  readonly at: (path: string) => Resource<R, F, C, U>;
}

const API_OF: Readonly<Record<ServiceType, string>> = {
  'load-balancer': 'octavia',
  network: 'neutron',
  identity: 'keystone',
};

/** One resource placed at one collection path: what every verb needs. */
interface Placement<S extends z.ZodType, F, C, U> {
  readonly spec: ResourceKindSpec<S, F, C, U>;
  /** The `{<singular>: …}` envelope of one object. */
  readonly single: z.ZodType<z.output<S>>;
  readonly path: string;
  readonly operation: (verb: string) => string;
}

type Placed<S extends z.ZodType, F, C, U, K extends keyof Resource<unknown, F, C, U>> = Pick<
  Resource<z.output<S>, F, C, U>,
  K
>;

/** Service, method, path (of the item when `id` is given) and label of one call. Pure. */
function callOf<S extends z.ZodType, F, C, U>(
  at: Placement<S, F, C, U>,
  op: { readonly method: HttpMethod; readonly verb: string; readonly id?: string },
): { service: ServiceType; method: HttpMethod; path: string; operation: string } {
  const path = op.id === undefined ? at.path : `${at.path}/${encodeURIComponent(op.id)}`;
  return { service: at.spec.service, method: op.method, path, operation: at.operation(op.verb) };
}

function readVerbs<S extends z.ZodType, F, C, U>(
  at: Placement<S, F, C, U>,
): Placed<S, F, C, U, 'list' | 'listAll' | 'get'> {
  const { spec } = at;
  const listRequest = (filters: F | undefined, signal: AbortSignal | undefined): ListRequest => {
    const query = filters === undefined ? {} : spec.query(filters);
    const { service, path, operation } = callOf(at, { method: 'GET', verb: 'list' });
    return { service, path, operation, collection: spec.plural, query, signal };
  };
  return {
    list: (session, filters, signal) => listPage(session, listRequest(filters, signal), spec.schema),
    listAll: (session, filters, signal) => listAll(session, listRequest(filters, signal), spec.schema),
    get: (session, id, signal) =>
      send(session, { ...callOf(at, { method: 'GET', verb: 'get', id }), signal }, at.single),
  };
}

function writeVerbs<S extends z.ZodType, F, C, U>(
  at: Placement<S, F, C, U>,
): Placed<S, F, C, U, 'create' | 'update' | 'remove' | 'removeWith'> {
  const { createBody, updateBody } = at.spec;
  const remove = (session: OpenStackSession, id: string, query: Query, signal?: AbortSignal) => {
    const call = callOf(at, { method: 'DELETE', verb: 'delete', id });
    return sendNoContent(session, { ...call, ...(Object.keys(query).length === 0 ? {} : { query }), signal });
  };
  return {
    create: (session, input, signal) => {
      const body = createBody === undefined ? input : createBody(input);
      return send(session, { ...callOf(at, { method: 'POST', verb: 'create' }), body, signal }, at.single);
    },
    update: (session, id, changes, signal) => {
      const body = updateBody === undefined ? changes : updateBody(changes);
      return send(session, { ...callOf(at, { method: 'PUT', verb: 'update', id }), body, signal }, at.single);
    },
    remove: (session, id, signal) => remove(session, id, {}, signal),
    removeWith: (session, id, opts) => remove(session, id, opts.query, opts.signal),
  };
}

function place<S extends z.ZodType, F, C, U>(
  spec: ResourceKindSpec<S, F, C, U>,
  single: z.ZodType<z.output<S>>,
  path: string,
): Resource<z.output<S>, F, C, U> {
  const operation = (verb: string): string => `${API_OF[spec.service]}.${spec.singular}.${verb}`;
  const at: Placement<S, F, C, U> = { spec, single, path, operation };
  return { path, operation, ...readVerbs(at), ...writeVerbs(at) };
}

/** Defines a resource whose collection path depends on a parent (members below a pool). Pure. */
export function defineResourceKind<S extends z.ZodType, F, C = never, U = never>(
  spec: ResourceKindSpec<S, F, C, U>,
): ResourceKind<z.output<S>, F, C, U> {
  const single = z
    .object({ [spec.singular]: spec.schema })
    .transform((body) => body[spec.singular] as z.output<S>);
  return { at: (path) => place(spec, single, path) };
}

/** Defines a top-level resource at `spec.path`. Pure. */
export function defineResource<S extends z.ZodType, F, C = never, U = never>(
  spec: ResourceSpec<S, F, C, U>,
): Resource<z.output<S>, F, C, U> {
  return defineResourceKind(spec).at(spec.path);
}
