/**
 * Neutron's list semantics, shared by every resource: visibility (a project sees its own
 * objects, plus external and shared networks), equality filters on the resource's
 * attributes (a repeated key is an OR), the four tag filters, `fields`, and native
 * pagination (`limit`, `marker`, `page_reverse`, id order, `<plural>_links` with `next`
 * unless a short forward page, `previous` unless a short reverse page). An unknown filter
 * is a 400, as with Neutron's filter-validation extension; `tags` together with `tags-any`
 * is a 500, as on the test cloud's Neutron 21 (an SQL alias bug).
 */
import type { Collection, Selection } from '../collection.js';
import { FakeApiError, neutronBadRequest, neutronFault } from '../errors.js';
import { type Caller, type FakeRequest, type FakeResponse, json, type QueryParams } from '../request.js';
import type { Stamped } from './rows.js';
import type { NeutronState } from './state.js';

/** How one resource is listed and shown. */
export interface ListSpec<T extends Stamped> {
  readonly plural: string;
  readonly table: (state: NeutronState) => Collection<T>;
  /** Filterable attributes: the row's values as query strings. */
  readonly filters: Readonly<Record<string, (row: T) => readonly string[]>>;
  /** Filters answered by an index: attribute → index name. */
  readonly indexed?: Readonly<Record<string, string>>;
  /** Filters with their own semantics (ports' `fixed_ips`): all values → predicate, plus index terms. */
  readonly custom?: Readonly<
    Record<string, (values: readonly string[]) => { test: (row: T) => boolean; terms: [string, string][] }>
  >;
  /** Whether a non-admin caller sees the row. Default: own project only. */
  readonly visible?: (row: T, caller: Caller, state: NeutronState) => boolean;
  readonly view: (row: T, state: NeutronState) => Record<string, unknown>;
  /** The 404 for a missing (or invisible) object. */
  readonly notFound: (id: string) => FakeApiError;
}

const PAGING = new Set(['fields', 'limit', 'marker', 'page_reverse', 'sort_key', 'sort_dir']);
const TAG_FILTERS = new Set(['tags', 'tags-any', 'not-tags', 'not-tags-any']);

/** `true`/`false` as Neutron's boolean filter converter reads them. */
export function boolText(value: boolean): string {
  return value ? 'true' : 'false';
}

function normalise(value: string): string {
  const lower = value.toLowerCase();
  return lower === 'true' || lower === '1' ? 'true' : lower === 'false' || lower === '0' ? 'false' : value;
}

/** True when `caller` may see `row` through `spec`. */
export function canSee<T extends Stamped>(
  spec: ListSpec<T>,
  row: T,
  caller: Caller,
  state: NeutronState,
): boolean {
  if (caller.admin) return true;
  return spec.visible === undefined ? row.projectId === caller.projectId : spec.visible(row, caller, state);
}

function validateKeys<T extends Stamped>(spec: ListSpec<T>, query: QueryParams): void {
  const known = (k: string): boolean =>
    PAGING.has(k) ||
    TAG_FILTERS.has(k) ||
    k === 'project_id' ||
    k === 'tenant_id' ||
    k in spec.filters ||
    k in (spec.custom ?? {});
  const invalid = query.keys().filter((k) => !known(k));
  if (invalid.length > 0) {
    throw neutronBadRequest(
      `[${invalid.map((k) => `'${k}'`).join(', ')}] is invalid attribute for filtering`,
    );
  }
}

function attributePredicate<T extends Stamped>(spec: ListSpec<T>, query: QueryParams): (row: T) => boolean {
  const checks: ((row: T) => boolean)[] = [];
  for (const key of query.keys()) {
    if (PAGING.has(key) || TAG_FILTERS.has(key)) continue;
    const custom = spec.custom?.[key];
    if (custom !== undefined) {
      checks.push(custom(query.all(key)).test);
      continue;
    }
    const wanted = new Set(query.all(key).map(normalise));
    const values =
      key === 'project_id' || key === 'tenant_id' ? (row: T) => [row.projectId] : spec.filters[key];
    if (values === undefined) continue;
    checks.push((row) => values(row).some((v) => wanted.has(normalise(v))));
  }
  const notAll = query.split('not-tags');
  const notAny = query.split('not-tags-any');
  if (notAll.length > 0) checks.push((row) => !notAll.every((t) => row.tags.has(t)));
  if (notAny.length > 0) checks.push((row) => !notAny.some((t) => row.tags.has(t)));
  return (row) => checks.every((check) => check(row));
}

function selection<T extends Stamped>(spec: ListSpec<T>, req: FakeRequest, caller: Caller): Selection<T> {
  const all: [string, string][] = req.query.split('tags').map((t) => ['tag', t]);
  for (const [attr, index] of Object.entries(spec.indexed ?? {})) {
    const values = req.query.all(attr);
    const only = values[0];
    if (values.length === 1 && only !== undefined) all.push([index, only]);
  }
  for (const [key, custom] of Object.entries(spec.custom ?? {})) {
    if (req.query.has(key)) all.push(...custom(req.query.all(key)).terms);
  }
  if (!caller.admin && spec.visible === undefined) all.push(['project', caller.projectId]);
  const anyTags = req.query.split('tags-any');
  const where = attributePredicate(spec, req.query);
  return {
    all,
    ...(anyTags.length > 0 ? { any: ['tag', anyTags] as const } : {}),
    where,
  };
}

function limitOf(query: QueryParams): number | null {
  const raw = query.get('limit');
  if (raw === undefined) return null;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 0 || !/^\d+$/.test(raw.trim())) {
    throw neutronFault400(`Limit must be an integer 0 or greater and not '${raw}'`);
  }
  return limit === 0 ? null : limit;
}

function neutronFault400(message: string): FakeApiError {
  return neutronBadRequest(message, 'BadRequest');
}

function link(req: FakeRequest, marker: string | undefined, reverse: boolean): string {
  const params = new URLSearchParams();
  for (const [k, v] of req.query.entries()) if (k !== 'marker' && k !== 'page_reverse') params.append(k, v);
  if (marker !== undefined) params.append('marker', marker);
  if (reverse) params.append('page_reverse', 'True');
  return `${req.baseUrl}${req.path}?${params.toString()}`;
}

interface Paged<T> {
  readonly items: T[];
  readonly links: { rel: string; href: string }[] | null;
}

function paginate<T extends Stamped>(rows: T[], req: FakeRequest, table: Collection<T>): Paged<T> {
  const limit = limitOf(req.query);
  if (limit === null) return { items: rows, links: null };
  const reverse = (req.query.get('page_reverse') ?? 'False').toLowerCase() === 'true';
  const markerId = req.query.get('marker');
  const marker = markerId === undefined ? undefined : table.get(markerId);
  let items: T[];
  if (marker === undefined) items = reverse ? rows.slice(-limit) : rows.slice(0, limit);
  else if (reverse) {
    const before = rows.filter((r) => table.compare(r, marker) < 0);
    items = before.slice(Math.max(0, before.length - limit));
  } else items = rows.filter((r) => table.compare(r, marker) > 0).slice(0, limit);
  const links: { rel: string; href: string }[] = [];
  if (!(items.length < limit && !reverse))
    links.push({ rel: 'next', href: link(req, items.at(-1)?.id, false) });
  if (!(items.length < limit && reverse))
    links.push({ rel: 'previous', href: link(req, items[0]?.id, true) });
  return { items, links };
}

/** Keeps only the requested `fields` (all when none). */
export function pickFields(
  view: Record<string, unknown>,
  fields: readonly string[],
): Record<string, unknown> {
  if (fields.length === 0) return view;
  return Object.fromEntries(Object.entries(view).filter(([k]) => fields.includes(k)));
}

/** GET /v2.0/<plural>. */
export function listResource<T extends Stamped>(
  spec: ListSpec<T>,
  req: FakeRequest,
  ctx: { readonly state: NeutronState; readonly caller: Caller },
): FakeResponse {
  validateKeys(spec, req.query);
  if (req.query.has('tags') && req.query.has('tags-any')) {
    // Neutron 21 joins the tags table twice without an alias (neutron/objects/tag.py): MySQL error 1066.
    throw neutronFault(
      500,
      'HTTPInternalServerError',
      'Request Failed: internal server error while processing your request.',
    );
  }
  const table = spec.table(ctx.state);
  const rows = table
    .select(selection(spec, req, ctx.caller))
    .filter((r) => canSee(spec, r, ctx.caller, ctx.state));
  const page = paginate(rows, req, table);
  const fields = req.query.all('fields');
  const body: Record<string, unknown> = {
    [spec.plural]: page.items.map((r) => pickFields(spec.view(r, ctx.state), fields)),
  };
  if (page.links !== null) body[`${spec.plural}_links`] = page.links;
  return json(200, body);
}

/** The row `id` if the caller may see it; throws the resource's 404 otherwise. */
export function findVisible<T extends Stamped>(
  spec: ListSpec<T>,
  id: string,
  ctx: { readonly state: NeutronState; readonly caller: Caller },
): T {
  const row = spec.table(ctx.state).get(id);
  if (row === undefined || !canSee(spec, row, ctx.caller, ctx.state)) throw spec.notFound(id);
  return row;
}

/** GET /v2.0/<plural>/{id} (with `fields`). */
export function showResource<T extends Stamped>(
  spec: ListSpec<T>,
  req: FakeRequest,
  ctx: {
    readonly state: NeutronState;
    readonly caller: Caller;
    readonly id: string;
    readonly singular: string;
  },
): FakeResponse {
  const row = findVisible(spec, ctx.id, ctx);
  return json(200, { [ctx.singular]: pickFields(spec.view(row, ctx.state), req.query.all('fields')) });
}
