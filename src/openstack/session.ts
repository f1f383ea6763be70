/**
 * The contract every OpenStack resource module calls: one authenticated request to one
 * service's endpoint from the catalog. Implemented by the Keystone session
 * (src/openstack/keystone/); resource modules depend on this interface only.
 */

/** Catalog service types we talk to. */
export type ServiceType = 'identity' | 'network' | 'load-balancer';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface OpenStackRequest {
  readonly service: ServiceType;
  readonly method: HttpMethod;
  /** Path below the service's versioned endpoint, e.g. `/v2/lbaas/loadbalancers` or `/v2.0/ports`. */
  readonly path: string;
  /** Query parameters; an array value repeats the key (Octavia/Neutron list filters). */
  readonly query?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  readonly body?: unknown;
  /** Metric/log label, e.g. `loadbalancer.create`. */
  readonly operation: string;
  readonly signal?: AbortSignal;
  /** Overrides the session default timeout for this call. */
  readonly timeoutMs?: number;
  /** Extra request headers (e.g. `OpenStack-API-Version`). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface OpenStackResponse<T> {
  readonly status: number;
  /** Parsed JSON body; `undefined` for 204 / empty bodies. */
  readonly body: T;
  /** `x-openstack-request-id` (or `x-compute-request-id`) when the server sent one. */
  readonly requestId: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

export interface OpenStackSession {
  /**
   * Sends one request with a token (re-authenticating once on 401), a timeout and the caller's
   * signal; counts and times it. Resolves for 2xx; rejects with a typed OpenStackError
   * (src/openstack/errors.ts) otherwise. Never retries anything but the one re-auth.
   */
  request<T>(req: OpenStackRequest): Promise<OpenStackResponse<T>>;
  /** The catalog endpoint URL for `service` (after authentication), e.g. for version discovery. */
  endpoint(service: ServiceType, signal?: AbortSignal): Promise<string>;
  /** The project id the session is scoped to. */
  projectId(signal?: AbortSignal): Promise<string>;
}
