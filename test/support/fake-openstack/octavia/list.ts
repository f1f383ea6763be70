/**
 * Octavia's list semantics, shared by every resource: a non-admin sees its project only
 * (naming another project is a 403), equality filters on the data model's attributes (an
 * unknown one is a 400), the four tag filters, `fields` (repeated keys; unknown names are
 * dropped), and pagination as Octavia 11 does it: `limit` capped at pagination_max_limit,
 * created_at/id order, a `marker` that must name an existing row, `page_reverse=True`
 * (rows before the marker, still ascending), a `next` link whenever a page is full and a
 * `previous` link whenever a marker was given, both carrying only limit and marker.
 */
import type { Collection, Selection } from '../collection.js';
import { octaviaFault, pecanError } from '../errors.js';
import { type Caller, type FakeRequest, type FakeResponse, json } from '../request.js';
import { seconds } from '../time.js';
import type { OctaviaRow } from './rows.js';
import type { OctaviaState } from './state.js';

/** How one Octavia resource is listed and shown. */
export interface OctaviaListSpec<T extends OctaviaRow> {
  readonly plural: string;
  readonly table: (state: OctaviaState) => Collection<T>;
  /** Filterable columns: the row's value as query text. */
  readonly filters: Readonly<Record<string, (row: T) => string | null>>;
  /** Filters answered by an index: attribute → index name. */
  readonly indexed?: Readonly<Record<string, string>>;
  /** False for members (scoped by their pool, no project column in lists). */
  readonly projectScoped?: boolean;
  readonly view: (row: T, state: OctaviaState) => Record<string, unknown>;
}

const AUX = new Set(['limit', 'marker', 'sort', 'sort_key', 'sort_dir', 'fields', 'page_reverse']);
const TAGS = new Set(['tags', 'tags-any', 'not-tags', 'not-tags-any']);

/** `True`/`False` → the column text a boolean filter compares with. */
export function boolColumn(value: boolean): string {
  return value ? '1' : '0';
}

function normalise(value: string): string {
  const lower = value.toLowerCase();
  return lower === 'true' ? '1' : lower === 'false' ? '0' : value;
}

/** Keeps only the requested `fields` (repeated keys; all when none). */
export function pickFields(
  view: Record<string, unknown>,
  fields: readonly string[],
): Record<string, unknown> {
  if (fields.length === 0) return view;
  return Object.fromEntries(Object.entries(view).filter(([k]) => fields.includes(k)));
}

function projectTerm(req: FakeRequest, caller: Caller): string | null {
  const named = req.query.get('project_id');
  if (named !== undefined && named !== caller.projectId && !caller.admin) {
    throw octaviaFault(403, 'Policy does not allow this request to be performed.');
  }
  return named ?? (caller.admin ? null : caller.projectId);
}

function predicate<T extends OctaviaRow>(spec: OctaviaListSpec<T>, req: FakeRequest): (row: T) => boolean {
  const checks: ((row: T) => boolean)[] = [];
  for (const key of req.query.keys()) {
    if (AUX.has(key) || TAGS.has(key) || key === 'project_id') continue;
    const column = spec.filters[key];
    if (column === undefined)
      throw octaviaFault(400, 'One or more arguments are either duplicate or invalid');
    const wanted = new Set(req.query.all(key).map(normalise));
    checks.push((row) => {
      const value = column(row);
      return value !== null && wanted.has(normalise(value));
    });
  }
  const notAll = req.query.split('not-tags');
  const notAny = req.query.split('not-tags-any');
  if (notAll.length > 0) checks.push((row) => !notAll.every((t) => row.tags.includes(t)));
  if (notAny.length > 0) checks.push((row) => !notAny.some((t) => row.tags.includes(t)));
  return (row) => checks.every((check) => check(row));
}

function selection<T extends OctaviaRow>(
  spec: OctaviaListSpec<T>,
  req: FakeRequest,
  ctx: { readonly caller: Caller; readonly terms: readonly [string, string][] },
): Selection<T> {
  const all: [string, string][] = [
    ...ctx.terms,
    ...req.query.split('tags').map((t): [string, string] => ['tag', t]),
  ];
  for (const [attr, index] of Object.entries(spec.indexed ?? {})) {
    const values = req.query.all(attr);
    if (values.length === 1 && values[0] !== undefined) all.push([index, values[0]]);
  }
  if (spec.projectScoped !== false) {
    const project = projectTerm(req, ctx.caller);
    if (project !== null) all.push(['project', project]);
  }
  const anyTags = req.query.split('tags-any');
  return {
    all,
    ...(anyTags.length > 0 ? { any: ['tag', anyTags] as const } : {}),
    where: predicate(spec, req),
  };
}

function limitOf(req: FakeRequest, max: number): number | null {
  const raw = req.query.get('limit');
  if (raw === undefined) return max;
  if (!/^\s*-?\d+\s*$/.test(raw)) throw pecanError(400, `Supplied pagination limit '${raw}' is not valid.`);
  const limit = Number(raw);
  return limit < 1 ? null : Math.min(limit, max);
}

type Key = readonly [number, string];

function keyOf(row: { readonly id: string; readonly createdAt: number }): Key {
  return [seconds(row.createdAt), row.id];
}

function compareKey(a: Key, b: Key): number {
  return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
}

function markerKey<T extends OctaviaRow>(
  req: FakeRequest,
  table: Collection<T>,
  state: OctaviaState,
): Key | null {
  const marker = req.query.get('marker');
  if (marker === undefined) return null;
  const row = table.get(marker);
  if (row !== undefined) return keyOf(row);
  const buried = table === (state.loadBalancers as unknown) ? state.tombstones.get(marker) : undefined;
  if (buried !== undefined) return [seconds(buried), marker];
  throw octaviaFault(400, `Supplied pagination marker '${marker}' is not valid.`);
}

function links(
  req: FakeRequest,
  items: readonly OctaviaRow[],
  page: { limit: number | null; marker: boolean },
) {
  const out: { href: string; rel: string }[] = [];
  const first = items[0];
  const last = items.at(-1);
  if (first === undefined || last === undefined) return out;
  const base = `${req.baseUrl}${req.path}`;
  const limit = `limit=${page.limit ?? 'None'}`;
  if (page.marker)
    out.push({ href: `${base}?${limit}&marker=${first.id}&page_reverse=True`, rel: 'previous' });
  if (page.limit === null)
    throw octaviaFault(500, "'>=' not supported between instances of 'int' and 'NoneType'");
  if (items.length >= page.limit) out.push({ href: `${base}?${limit}&marker=${last.id}`, rel: 'next' });
  return out;
}

/** GET of a collection: `terms` narrow it further (e.g. `['pool', id]` for a pool's members). */
export function listOctavia<T extends OctaviaRow>(
  spec: OctaviaListSpec<T>,
  req: FakeRequest,
  ctx: {
    readonly state: OctaviaState;
    readonly caller: Caller;
    readonly terms?: readonly [string, string][];
  },
): FakeResponse {
  const table = spec.table(ctx.state);
  const rows = table.select(selection(spec, req, { caller: ctx.caller, terms: ctx.terms ?? [] }));
  const limit = limitOf(req, ctx.state.world.config.octaviaPageLimit);
  const marker = markerKey(req, table, ctx.state);
  const reverse = req.query.get('page_reverse') === 'True';
  const after =
    marker === null
      ? rows
      : rows.filter((r) => (reverse ? compareKey(keyOf(r), marker) < 0 : compareKey(keyOf(r), marker) > 0));
  const items = limit === null ? after : after.slice(0, limit);
  const pageLinks = links(req, items, { limit, marker: marker !== null });
  const fields = req.query.all('fields');
  return json(200, {
    [spec.plural]: items.map((r) => pickFields(spec.view(r, ctx.state), fields)),
    [`${spec.plural}_links`]: pageLinks,
  });
}

/** True when `caller` may see `row` (its project, or any for an admin). */
export function visibleTo(row: OctaviaRow, caller: Caller): boolean {
  return caller.admin || row.projectId === caller.projectId;
}
