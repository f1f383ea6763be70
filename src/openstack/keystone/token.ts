/**
 * Keystone tokens: parsing the `POST /v3/auth/tokens` answer, and a cache that reuses a
 * token until shortly before it expires and lets concurrent callers share one in-flight
 * authentication.
 */
import { z } from 'zod';
import { NetworkError, OpenStackError } from '../errors.js';
import type { OpenStackResponse } from '../session.js';
import { catalogSchema, type Catalog } from './catalog.js';

/** An issued, project-scoped token. Times are epoch milliseconds. */
export interface IssuedToken {
  readonly value: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly projectId: string;
  readonly userId: string;
  readonly catalog: Catalog;
}

const tokenBodySchema = z.object({
  token: z.object({
    expires_at: z.string(),
    issued_at: z.string().optional(),
    project: z.object({ id: z.string() }).optional(),
    user: z.object({ id: z.string() }),
    catalog: catalogSchema.optional(),
  }),
});

function invalidToken(fault: string, requestId: string | null): OpenStackError {
  return new OpenStackError(
    { service: 'identity', operation: 'token.issue', status: null, requestId, faultString: fault },
    'returned an unusable token',
  );
}

/** Reads token, expiry, project and catalog from an auth response; throws when any is missing. */
export function parseTokenResponse(res: OpenStackResponse<unknown>, now: number): IssuedToken {
  const value = res.headers['x-subject-token'];
  if (!value) throw invalidToken('no X-Subject-Token header', res.requestId);
  const parsed = tokenBodySchema.safeParse(res.body);
  if (!parsed.success) throw invalidToken(z.prettifyError(parsed.error), res.requestId);
  const token = parsed.data.token;
  if (!token.project) throw invalidToken('token is not project-scoped', res.requestId);
  const expiresAt = Date.parse(token.expires_at);
  if (Number.isNaN(expiresAt)) throw invalidToken(`bad expires_at ${token.expires_at}`, res.requestId);
  const issued = token.issued_at === undefined ? Number.NaN : Date.parse(token.issued_at);
  return {
    value,
    issuedAt: Number.isNaN(issued) ? now : issued,
    expiresAt,
    projectId: token.project.id,
    userId: token.user.id,
    catalog: token.catalog ?? [],
  };
}

/** Settles like `promise`, or rejects with a `NetworkError` (kind `aborted`) when `signal` aborts first. */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  const aborted = (): NetworkError =>
    new NetworkError({
      service: 'identity',
      operation: 'token.issue',
      kind: 'aborted',
      cause: signal.reason,
    });
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(aborted());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** Collaborators of the cache. */
export interface TokenCacheOptions {
  /** Issues a fresh token (one `POST /v3/auth/tokens`). Not given the caller's signal: the result is shared. */
  readonly issue: () => Promise<IssuedToken>;
  /** Wall-clock epoch milliseconds. */
  readonly now: () => number;
  /** Renew this long before expiry (capped at half the token's lifetime). */
  readonly marginMs: number;
}

/** Holds at most one token and at most one in-flight authentication. */
export class TokenCache {
  readonly #opts: TokenCacheOptions;
  #token: IssuedToken | null = null;
  #inflight: Promise<IssuedToken> | null = null;

  constructor(opts: TokenCacheOptions) {
    this.#opts = opts;
  }

  /** A token valid for at least the margin; authenticates (shared by concurrent callers) when needed. */
  get(signal?: AbortSignal): Promise<IssuedToken> {
    const token = this.#token;
    if (token && this.#fresh(token)) return Promise.resolve(token);
    this.#inflight ??= this.#issue();
    return raceSignal(this.#inflight, signal);
  }

  /** Drops `token` if it is still the cached one (a 401 proved it dead); a newer token is kept. */
  invalidate(token: IssuedToken): void {
    if (this.#token?.value === token.value) this.#token = null;
  }

  #fresh(token: IssuedToken): boolean {
    const margin = Math.min(this.#opts.marginMs, (token.expiresAt - token.issuedAt) / 2);
    return this.#opts.now() < token.expiresAt - margin;
  }

  async #issue(): Promise<IssuedToken> {
    try {
      const token = await this.#opts.issue();
      this.#token = token;
      return token;
    } finally {
      this.#inflight = null;
    }
  }
}
