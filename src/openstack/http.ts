/**
 * The one request wrapper every OpenStack call goes through: URL and headers, JSON body,
 * a timeout combined with the caller's signal, the request id, one debug log line, one
 * counter increment and one histogram sample per call, and typed errors for non-2xx.
 * It knows nothing about tokens' lifetimes: the Keystone session passes one in.
 */
import type { Logger } from 'pino';
import { errorFromResponse, NetworkError, OpenStackError } from './errors.js';
import type { Transport, TransportResponse } from './http-transport.js';
import type { OpenStackMetrics } from './metrics.js';
import type { HttpMethod, OpenStackRequest, OpenStackResponse } from './session.js';

/** Query parameters as accepted by the session contract. */
export type Query = NonNullable<OpenStackRequest['query']>;

/** One call: a resolved endpoint plus everything from the resource module's request. */
export interface HttpCall {
  /** Service label for logs/metrics/errors (catalog type, e.g. `load-balancer`). */
  readonly service: string;
  readonly operation: string;
  readonly method: HttpMethod;
  /** Base URL (catalog endpoint or auth URL). */
  readonly endpoint: string;
  readonly path: string;
  readonly query?: Query | undefined;
  readonly body?: unknown;
  readonly token?: string | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly timeoutMs?: number | undefined;
}

/** Collaborators of the wrapper; all injected. */
export interface OpenStackHttpOptions {
  readonly transport: Transport;
  readonly logger: Logger;
  readonly metrics: OpenStackMetrics;
  /** Full User-Agent value; see `userAgent()`. */
  readonly userAgent: string;
  /** Default per-call timeout (default 60 s). */
  readonly defaultTimeoutMs?: number;
  /** Monotonic milliseconds for durations (default `performance.now`). */
  readonly now?: () => number;
}

/** `kuryr-services/<version>`. */
export function userAgent(version: string): string {
  return `kuryr-services/${version}`;
}

const VERSION_SEGMENT = /^v\d+(\.\d+)?$/;

function joinPath(endpoint: URL, path: string): string {
  const base = endpoint.pathname.replace(/\/+$/, '');
  const rel = path.startsWith('/') ? path : `/${path}`;
  // A catalog URL that already ends in the version the path starts with (".../v2.0" +
  // "/v2.0/ports") must not repeat it: deployments register both forms.
  const last = base.slice(base.lastIndexOf('/') + 1);
  const first = rel.split('/')[1] ?? '';
  if (VERSION_SEGMENT.test(last) && last === first) return base + rel.slice(first.length + 1);
  return base + rel;
}

/**
 * Builds `endpoint + path + ?query`. Array values repeat the key (`?tags=a&tags=b`),
 * booleans become `true`/`false`; an endpoint's own query string is kept. Pure.
 */
export function buildUrl(endpoint: string, path: string, query?: Query): URL {
  const url = new URL(endpoint);
  url.pathname = joinPath(url, path);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (Array.isArray(value)) {
      for (const item of value as readonly string[]) url.searchParams.append(key, item);
    } else {
      url.searchParams.append(key, String(value));
    }
  }
  return url;
}

function requestHeaders(call: HttpCall, ua: string): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': ua };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  if (call.token !== undefined) headers['x-auth-token'] = call.token;
  for (const [name, value] of Object.entries(call.headers ?? {})) headers[name.toLowerCase()] = value;
  return headers;
}

function requestIdOf(headers: Readonly<Record<string, string>>): string | null {
  return headers['x-openstack-request-id'] ?? headers['x-compute-request-id'] ?? null;
}

function parseBody(call: HttpCall, res: TransportResponse, requestId: string | null): unknown {
  if (res.status === 204 || res.body.trim() === '') return undefined;
  const type = res.headers['content-type'] ?? '';
  if (!type.includes('json')) return res.body;
  try {
    return JSON.parse(res.body) as unknown;
  } catch (cause) {
    throw new OpenStackError(
      {
        service: call.service,
        operation: call.operation,
        status: res.status,
        requestId,
        faultString: 'response body is not valid JSON',
        cause,
      },
      'returned an invalid response',
    );
  }
}

function networkError(
  call: HttpCall,
  cause: unknown,
  callerAborted: boolean,
  timedOut: boolean,
): NetworkError {
  const kind = callerAborted ? 'aborted' : timedOut ? 'timeout' : 'connection';
  const faultString = kind === 'timeout' ? `no answer within ${call.timeoutMs ?? 0} ms` : null;
  return new NetworkError({ service: call.service, operation: call.operation, kind, faultString, cause });
}

/** The request wrapper. Stateless apart from its injected collaborators. */
export class OpenStackHttp {
  readonly #opts: OpenStackHttpOptions;
  readonly #now: () => number;

  constructor(opts: OpenStackHttpOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? (() => performance.now());
  }

  /**
   * Sends `call` once (never retries). Resolves for 2xx with the parsed JSON body;
   * rejects with a typed `OpenStackError` (a `NetworkError` when no response arrived).
   */
  async send<T>(call: HttpCall): Promise<OpenStackResponse<T>> {
    const timeoutMs = call.timeoutMs ?? this.#opts.defaultTimeoutMs ?? 60_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
    const url = buildUrl(call.endpoint, call.path, call.query);
    const started = this.#now();
    let res: TransportResponse;
    try {
      call.signal?.throwIfAborted();
      res = await this.#opts.transport({
        method: call.method,
        url,
        headers: requestHeaders(call, this.#opts.userAgent),
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal,
      });
    } catch (cause) {
      const err = networkError({ ...call, timeoutMs }, cause, call.signal?.aborted === true, timeout.aborted);
      this.#record(call, {
        status: err.kind === 'connection' ? 'error' : err.kind,
        started,
        requestId: null,
      });
      throw err;
    }
    const requestId = requestIdOf(res.headers);
    this.#record(call, { status: String(res.status), started, requestId });
    if (res.status < 200 || res.status >= 300) {
      throw errorFromResponse({ ...call, status: res.status, body: res.body, requestId });
    }
    return {
      status: res.status,
      body: parseBody(call, res, requestId) as T,
      requestId,
      headers: res.headers,
    };
  }

  #record(call: HttpCall, outcome: { status: string; started: number; requestId: string | null }): void {
    const seconds = Math.max(0, this.#now() - outcome.started) / 1000;
    this.#opts.metrics.observe(
      { service: call.service, operation: call.operation, status: outcome.status },
      seconds,
    );
    this.#opts.logger.debug(
      {
        service: call.service,
        operation: call.operation,
        method: call.method,
        path: call.path,
        status: outcome.status,
        requestId: outcome.requestId,
        durationMs: Math.round(seconds * 1000),
      },
      'openstack request',
    );
  }
}
