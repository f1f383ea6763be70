/**
 * The Keystone v3 session: implements `OpenStackSession` for every resource module.
 * Authenticates lazily on the first call (no I/O in the constructor), reuses the token until
 * shortly before expiry, shares one in-flight authentication among concurrent callers,
 * and on a 401 re-authenticates and retries the call exactly once.
 */
import { initOf, NotFoundError, UnauthorizedError } from '../errors.js';
import type { OpenStackHttp } from '../http.js';
import type { OpenStackRequest, OpenStackResponse, OpenStackSession, ServiceType } from '../session.js';
import { findEndpoint, type EndpointInterface } from './catalog.js';
import { authRequestBody, identityV3Root, type KeystoneCredentials } from './credentials.js';
import { parseTokenResponse, TokenCache, type IssuedToken } from './token.js';

/** Per-service endpoint overrides (clouds.yaml `<service>_endpoint_override`). */
export type EndpointOverrides = Readonly<Partial<Record<ServiceType, string>>>;

/** Construction options of `KeystoneSession`. */
export interface KeystoneSessionOptions {
  readonly http: OpenStackHttp;
  /** Keystone URL, versioned (`.../v3`) or not. */
  readonly authUrl: string;
  readonly credentials: KeystoneCredentials;
  /** Catalog interface (default `public`). */
  readonly interface?: EndpointInterface | undefined;
  readonly region?: string | undefined;
  readonly endpointOverrides?: EndpointOverrides | undefined;
  /** Wall-clock epoch milliseconds (default `Date.now`), compared with token expiry. */
  readonly now?: (() => number) | undefined;
  /** Renew tokens this long before expiry (default 60 s). */
  readonly expiryMarginMs?: number | undefined;
  /** Timeout of the authentication request (default: the wrapper's default). */
  readonly authTimeoutMs?: number | undefined;
}

/** An `OpenStackSession` authenticated against Keystone v3. */
export class KeystoneSession implements OpenStackSession {
  readonly #opts: KeystoneSessionOptions;
  readonly #tokens: TokenCache;

  constructor(opts: KeystoneSessionOptions) {
    this.#opts = opts;
    const now = opts.now ?? (() => Date.now());
    this.#tokens = new TokenCache({
      issue: () => this.#issue(now),
      now,
      marginMs: opts.expiryMarginMs ?? 60_000,
    });
  }

  /** See `OpenStackSession.request`: one call, plus one re-auth and retry on 401. */
  async request<T>(req: OpenStackRequest): Promise<OpenStackResponse<T>> {
    const first = await this.#tokens.get(req.signal);
    try {
      return await this.#send<T>(req, first);
    } catch (err) {
      if (!(err instanceof UnauthorizedError)) throw err;
      this.#tokens.invalidate(first);
      const second = await this.#tokens.get(req.signal);
      return this.#send<T>(req, second);
    }
  }

  /** The endpoint for `service`: the configured override, else the catalog entry (authenticates if needed). */
  async endpoint(service: ServiceType, signal?: AbortSignal): Promise<string> {
    const override = this.#opts.endpointOverrides?.[service];
    if (override !== undefined) return override;
    const token = await this.#tokens.get(signal);
    return this.#endpointFrom(token, service);
  }

  /** The project the token is scoped to (authenticates if needed). */
  async projectId(signal?: AbortSignal): Promise<string> {
    return (await this.#tokens.get(signal)).projectId;
  }

  /** The authenticated user's id (authenticates if needed); e.g. for application-credential calls. */
  async userId(signal?: AbortSignal): Promise<string> {
    return (await this.#tokens.get(signal)).userId;
  }

  /** The current token value (authenticates if needed). Treat as a secret. */
  async token(signal?: AbortSignal): Promise<string> {
    return (await this.#tokens.get(signal)).value;
  }

  #endpointFrom(token: IssuedToken, service: ServiceType): string {
    const override = this.#opts.endpointOverrides?.[service];
    if (override !== undefined) return override;
    if (service === 'identity' && !token.catalog.some((s) => s.type === 'identity')) {
      return this.#opts.authUrl;
    }
    return findEndpoint(token.catalog, {
      serviceType: service,
      interface: this.#opts.interface ?? 'public',
      region: this.#opts.region,
    });
  }

  #send<T>(req: OpenStackRequest, token: IssuedToken): Promise<OpenStackResponse<T>> {
    return this.#opts.http.send<T>({
      service: req.service,
      operation: req.operation,
      method: req.method,
      endpoint: this.#endpointFrom(token, req.service),
      path: req.path,
      query: req.query,
      body: req.body,
      token: token.value,
      headers: req.headers,
      signal: req.signal,
      timeoutMs: req.timeoutMs,
    });
  }

  async #issue(now: () => number): Promise<IssuedToken> {
    const res = await this.#opts.http
      .send<unknown>({
        service: 'identity',
        operation: 'token.issue',
        method: 'POST',
        endpoint: identityV3Root(this.#opts.authUrl),
        path: '/auth/tokens',
        body: authRequestBody(this.#opts.credentials),
        timeoutMs: this.#opts.authTimeoutMs,
      })
      .catch((err: unknown) => {
        // Keystone answers 404 for a deleted application credential (or unknown user id):
        // for callers that is a credentials failure, not a missing resource.
        if (err instanceof NotFoundError) throw new UnauthorizedError(initOf(err));
        throw err;
      });
    return parseTokenResponse(res, now());
  }
}
