/**
 * One request as the fake's router sees it, whichever face it came through: the service,
 * method, path below the service root, the repeated-key query string, the parsed JSON body
 * (or the marker that it did not parse), the caller's identity, and the base URL that
 * pagination links and version documents point at.
 */

/** Catalog service types the fake answers. */
export type FakeService = 'identity' | 'network' | 'load-balancer';

/** The query string with repeated keys kept in order (`?fields=id&fields=name`). */
export class QueryParams {
  readonly #entries: readonly (readonly [string, string])[];

  constructor(entries: Iterable<readonly [string, string]>) {
    this.#entries = [...entries];
  }

  /** From a URL's search params. */
  static of(search: URLSearchParams): QueryParams {
    return new QueryParams([...search.entries()]);
  }

  /** The first value of `key`, or undefined. */
  get(key: string): string | undefined {
    return this.#entries.find(([k]) => k === key)?.[1];
  }

  /** Every value of `key`, in order. */
  all(key: string): string[] {
    return this.#entries.filter(([k]) => k === key).map(([, v]) => v);
  }

  /** Every value of `key`, each split at commas (tag filters), empty parts dropped. */
  split(key: string): string[] {
    return this.all(key).flatMap((v) => v.split(',').filter((part) => part !== ''));
  }

  has(key: string): boolean {
    return this.#entries.some(([k]) => k === key);
  }

  /** Distinct keys, in first-seen order. */
  keys(): string[] {
    return [...new Set(this.#entries.map(([k]) => k))];
  }

  /** The entries, in order. */
  entries(): readonly (readonly [string, string])[] {
    return this.#entries;
  }
}

/** The body did not parse as JSON. */
export const INVALID_JSON: unique symbol = Symbol('invalid JSON body');

/** Who sent the request (from the token). */
export interface Caller {
  readonly userId: string;
  readonly projectId: string;
  readonly admin: boolean;
}

/** A routed request. */
export interface FakeRequest {
  readonly service: FakeService;
  readonly method: string;
  /** Below the service root, starting with `/` (e.g. `/v2/lbaas/loadbalancers`). */
  readonly path: string;
  readonly query: QueryParams;
  /** Parsed JSON; undefined when there was no body; INVALID_JSON when it did not parse. */
  readonly body: unknown;
  readonly token: string | null;
  /** The service root as the caller reached it (for links), without trailing slash. */
  readonly baseUrl: string;
}

/** What a handler answers. */
export interface FakeResponse {
  readonly status: number;
  /** JSON body; undefined for no body. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A JSON answer. */
export function json(
  status: number,
  body: unknown,
  headers?: Readonly<Record<string, string>>,
): FakeResponse {
  return headers === undefined ? { status, body } : { status, body, headers };
}

/** An answer without a body (204, 202). */
export function empty(status: number): FakeResponse {
  return { status };
}

/** Type guard for plain JSON objects. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
