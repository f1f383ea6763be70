/**
 * Listing with Octavia/Neutron pagination: `limit` and `marker` in the query, and a
 * `<collection>_links` array whose `rel: "next"` link carries the next page's marker.
 * Shared by every resource module's `list`/`listAll`.
 */
import { z } from 'zod';
import type { OpenStackSession, ServiceType } from './session.js';
import { type CallLabel, parseResponse, send, UnexpectedResponseError } from './response.js';

/** Query parameters as the session takes them. */
export type Query = Readonly<Record<string, string | number | boolean | readonly string[]>>;

/** One list call: where, which JSON collection key, and its label. */
export interface ListRequest {
  readonly service: ServiceType;
  readonly path: string;
  /** The collection key in the response, e.g. `loadbalancers` (links are `<collection>_links`). */
  readonly collection: string;
  readonly query?: Query;
  readonly operation: string;
  readonly signal?: AbortSignal | undefined;
}

/** One page of a list and the marker for the next one (null on the last page). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextMarker: string | null;
}

/** Filters shared by every tagged resource: all-of / any-of tags, and paging. */
export interface CommonFilters {
  /** All of these tags (`tags=a,b`). */
  readonly tags?: readonly string[];
  /** Any of these tags (`tags-any=a,b`). */
  readonly tagsAny?: readonly string[];
  readonly limit?: number;
  readonly marker?: string;
}

const linksSchema = z
  .array(z.object({ href: z.string(), rel: z.string() }))
  .nullish()
  .transform((links) => links ?? []);

/** Query parameters for CommonFilters (tags joined by commas, as both APIs document). */
export function commonQuery(filters: CommonFilters): Record<string, string | number> {
  const query: Record<string, string | number> = {};
  if (filters.tags !== undefined && filters.tags.length > 0) query.tags = filters.tags.join(',');
  if (filters.tagsAny !== undefined && filters.tagsAny.length > 0) {
    query['tags-any'] = filters.tagsAny.join(',');
  }
  if (filters.limit !== undefined) query.limit = filters.limit;
  if (filters.marker !== undefined) query.marker = filters.marker;
  return query;
}

/** The `marker` of the `rel: "next"` link in `links`, or null when there is none. */
export function nextMarker(links: readonly { href: string; rel: string }[]): string | null {
  const next = links.find((link) => link.rel === 'next');
  if (next === undefined) return null;
  return new URL(next.href, 'http://placeholder.invalid').searchParams.get('marker');
}

/** Parses one list body: the items (each validated by `item`) and the next marker. Pure. */
export function parsePage<S extends z.ZodType>(
  body: unknown,
  opts: { readonly collection: string; readonly item: S; readonly label: CallLabel },
): Page<z.output<S>> {
  const schema = z.object({
    [opts.collection]: z.array(opts.item),
    [`${opts.collection}_links`]: linksSchema,
  });
  const parsed = parseResponse(schema, body, opts.label);
  const items = parsed[opts.collection] as z.output<S>[];
  const links = parsed[`${opts.collection}_links`] as { href: string; rel: string }[];
  return { items, nextMarker: nextMarker(links) };
}

/** GETs one page. Throws the session's typed errors, or UnexpectedResponseError. */
export async function listPage<S extends z.ZodType>(
  session: OpenStackSession,
  req: ListRequest,
  item: S,
): Promise<Page<z.output<S>>> {
  const { collection, ...call } = req;
  const body = await send(session, { ...call, method: 'GET' }, z.unknown());
  return parsePage(body, { collection, item, label: req });
}

/**
 * GETs every page, following next links until the last (one call when the server does not
 * paginate). Throws UnexpectedResponseError if the server repeats a marker (a loop).
 */
export async function listAll<S extends z.ZodType>(
  session: OpenStackSession,
  req: ListRequest,
  item: S,
): Promise<z.output<S>[]> {
  const items: z.output<S>[] = [];
  const seen = new Set<string>();
  let query: Query = req.query ?? {};
  for (;;) {
    const page = await listPage(session, { ...req, query }, item);
    // A loop, not push(...): a page can hold more items than a call takes arguments.
    for (const listed of page.items) items.push(listed);
    if (page.nextMarker === null || page.items.length === 0) return items;
    if (seen.has(page.nextMarker)) {
      throw new UnexpectedResponseError(req, `pagination repeats marker ${page.nextMarker}`);
    }
    seen.add(page.nextMarker);
    query = { ...query, marker: page.nextMarker };
  }
}
