/**
 * Version discovery: from a catalog URL that may be unversioned (Octavia's and Neutron's
 * usually are) to the versioned API root advertised by the service's version document.
 * Resource modules normally do not need it (their paths start with `/v2/` or `/v2.0/`);
 * it exists for diagnostics and for deployments with unusual catalogs.
 */
import { z } from 'zod';
import { NotFoundError } from '../errors.js';
import type { OpenStackSession, ServiceType } from '../session.js';

/** One advertised API version. */
export interface ApiVersion {
  readonly id: string;
  readonly status: string;
  /** The versioned root, without trailing slash. */
  readonly url: string;
  /** Highest microversion when the service uses them (`version` field), else null. */
  readonly maxMicroversion: string | null;
}

const versionSchema = z.object({
  id: z.string(),
  status: z.string().default('CURRENT'),
  version: z.string().nullish(),
  links: z.array(z.object({ rel: z.string(), href: z.string() })).default([]),
});

// Neutron/Octavia: {versions: [...]}; Keystone: {versions: {values: [...]}}; a versioned root: {version: {...}}.
const documentSchema = z.union([
  z.object({ versions: z.array(versionSchema) }).transform((d) => d.versions),
  z.object({ versions: z.object({ values: z.array(versionSchema) }) }).transform((d) => d.versions.values),
  z.object({ version: versionSchema }).transform((d) => [d.version]),
]);

const STATUS_RANK: Readonly<Record<string, number>> = { CURRENT: 3, STABLE: 2, SUPPORTED: 1 };
const VERSIONED = /\/v\d+(\.\d+)?\/?$/;

/** True when `url` already ends in a version segment such as `/v2` or `/v2.0`. Pure. */
export function isVersionedUrl(url: string): boolean {
  return VERSIONED.test(new URL(url).pathname);
}

/**
 * Picks the best advertised version with major `major` (CURRENT over STABLE over SUPPORTED)
 * from a version document; `null` when the document advertises none. Pure.
 */
export function pickVersion(document: unknown, major: number): ApiVersion | null {
  const parsed = documentSchema.safeParse(document);
  if (!parsed.success) return null;
  const candidates = parsed.data
    .filter((v) => new RegExp(`^v${major}(\\.|$)`).test(v.id))
    .map((v) => ({ v, href: v.links.find((l) => l.rel === 'self')?.href }))
    .filter((c): c is { v: (typeof c)['v']; href: string } => c.href !== undefined)
    .sort(
      (a, b) => (STATUS_RANK[b.v.status.toUpperCase()] ?? 0) - (STATUS_RANK[a.v.status.toUpperCase()] ?? 0),
    );
  const best = candidates[0];
  if (!best) return null;
  return {
    id: best.v.id,
    status: best.v.status,
    url: best.href.replace(/\/+$/, ''),
    maxMicroversion: best.v.version ?? null,
  };
}

/**
 * The versioned root of `service` for API major `major`: the catalog URL itself when it is
 * already versioned, else the URL advertised by `GET <catalog URL>`. Throws `NotFoundError`
 * when the service advertises no such version; other errors as `session.request`.
 */
export async function discoverVersionedRoot(
  session: OpenStackSession,
  query: { readonly service: ServiceType; readonly major: number; readonly signal?: AbortSignal },
): Promise<string> {
  const endpoint = await session.endpoint(query.service, query.signal);
  if (isVersionedUrl(endpoint)) return endpoint.replace(/\/+$/, '');
  const res = await session.request<unknown>({
    service: query.service,
    method: 'GET',
    path: '/',
    operation: 'version.discover',
    ...(query.signal ? { signal: query.signal } : {}),
  });
  const picked = pickVersion(res.body, query.major);
  if (picked) return picked.url;
  throw new NotFoundError({
    service: query.service,
    operation: 'version.discover',
    status: res.status,
    requestId: res.requestId,
    faultString: `${endpoint} advertises no v${query.major} API`,
  });
}
