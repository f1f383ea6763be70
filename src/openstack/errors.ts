/**
 * Typed errors for every OpenStack call. One class per way a call can fail, so callers
 * branch on `instanceof` (or `retryable`) and never on status numbers or message text.
 * The message always names the service, the operation, the status and the server's own
 * fault text (Octavia `faultstring`, Neutron `NeutronError.message`, Keystone `error.message`).
 */

/** What every OpenStack error carries besides the message. */
export interface OpenStackErrorInit {
  readonly service: string;
  readonly operation: string;
  /** HTTP status; `null` when no response arrived (network errors) or for client-side checks. */
  readonly status: number | null;
  readonly requestId?: string | null;
  /** The server's fault text, already extracted from its JSON envelope. */
  readonly faultString?: string | null;
  /** Machine-readable fault kind when the server gave one (Neutron `type`, Octavia `faultcode`, Keystone `title`). */
  readonly faultType?: string | null;
  readonly cause?: unknown;
  /** Overrides the class default. */
  readonly retryable?: boolean;
}

function describe(init: OpenStackErrorInit, what: string): string {
  const status = init.status === null ? '' : ` (HTTP ${init.status})`;
  const fault = init.faultString ? `: ${init.faultString}` : '';
  const req = init.requestId ? ` [request ${init.requestId}]` : '';
  return `${init.service} ${init.operation} ${what}${status}${fault}${req}`;
}

/** Base class: any failed OpenStack call. `retryable` says whether the same call may later succeed. */
export class OpenStackError extends Error {
  override name = 'OpenStackError';
  readonly service: string;
  readonly operation: string;
  readonly status: number | null;
  readonly requestId: string | null;
  readonly faultString: string | null;
  readonly faultType: string | null;
  readonly retryable: boolean;

  constructor(init: OpenStackErrorInit, what = 'failed', defaultRetryable = false) {
    super(describe(init, what), init.cause === undefined ? undefined : { cause: init.cause });
    this.service = init.service;
    this.operation = init.operation;
    this.status = init.status;
    this.requestId = init.requestId ?? null;
    this.faultString = init.faultString ?? null;
    this.faultType = init.faultType ?? null;
    this.retryable = init.retryable ?? defaultRetryable;
  }
}

/** The init fields of `err`, to re-raise it as another class (with `err` as cause). */
export function initOf(err: OpenStackError): OpenStackErrorInit {
  return {
    service: err.service,
    operation: err.operation,
    status: err.status,
    requestId: err.requestId,
    faultString: err.faultString,
    faultType: err.faultType,
    cause: err,
  };
}

/** 404: the resource (or the URL) does not exist. Terminal for this request. */
export class NotFoundError extends OpenStackError {
  override name = 'NotFoundError';
  constructor(init: OpenStackErrorInit) {
    super(init, 'not found');
  }
}

/** 409: the resource is busy (Octavia PENDING_* / "immutable") or in a conflicting state. Retryable. */
export class ConflictError extends OpenStackError {
  override name = 'ConflictError';
  constructor(init: OpenStackErrorInit) {
    super(init, 'conflict', true);
  }
}

/** 400/422 and other client-side rejections: the input will never work. Terminal. */
export class BadRequestError extends OpenStackError {
  override name = 'BadRequestError';
  constructor(init: OpenStackErrorInit) {
    super(init, 'rejected');
  }
}

/** 401 that survived the one re-authentication, or failed authentication itself. Terminal. */
export class UnauthorizedError extends OpenStackError {
  override name = 'UnauthorizedError';
  constructor(init: OpenStackErrorInit) {
    super(init, 'unauthorized');
  }
}

/** 403: policy or quota forbids it. Terminal. */
export class ForbiddenError extends OpenStackError {
  override name = 'ForbiddenError';
  constructor(init: OpenStackErrorInit) {
    super(init, 'forbidden');
  }
}

/** 501: the provider/driver does not support this (e.g. SOURCE_IP_PORT on amphora). Terminal. */
export class NotImplementedError extends OpenStackError {
  override name = 'NotImplementedError';
  constructor(init: OpenStackErrorInit) {
    super(init, 'not implemented');
  }
}

/** 5xx (and 408/429): the server failed or is overloaded. Retryable. */
export class ServerError extends OpenStackError {
  override name = 'ServerError';
  constructor(init: OpenStackErrorInit) {
    super(init, 'server error', true);
  }
}

/** How a request failed before any response arrived. */
export type NetworkFailure = 'timeout' | 'aborted' | 'connection';

/**
 * No response: connection refused/reset, DNS, TLS, our timeout (`kind: 'timeout'`) or the
 * caller's signal (`kind: 'aborted'`). Retryable, except a caller abort (nobody wants the answer).
 */
export class NetworkError extends OpenStackError {
  override name = 'NetworkError';
  readonly kind: NetworkFailure;
  constructor(init: Omit<OpenStackErrorInit, 'status'> & { readonly kind: NetworkFailure }) {
    const what = init.kind === 'timeout' ? 'timed out' : init.kind === 'aborted' ? 'aborted' : 'failed';
    const fault = init.faultString ?? (init.cause instanceof Error ? init.cause.message : null);
    super({ ...init, status: null, faultString: fault }, what, init.kind !== 'aborted');
    this.kind = init.kind;
  }
}

/** A server fault extracted from a response body. */
export interface Fault {
  readonly message: string | null;
  readonly type: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function faultFromJson(json: unknown): Fault | null {
  if (!isRecord(json)) return null;
  // Octavia (wsme/pecan): {faultcode, faultstring, debuginfo}
  if ('faultstring' in json) return { message: str(json.faultstring), type: str(json.faultcode) };
  // Neutron: {NeutronError: {type, message, detail}}
  const neutron = json.NeutronError;
  if (isRecord(neutron)) return { message: str(neutron.message), type: str(neutron.type) };
  // Keystone: {error: {code, title, message}}
  const keystone = json.error;
  if (isRecord(keystone)) return { message: str(keystone.message), type: str(keystone.title) };
  if (typeof keystone === 'string') return { message: str(keystone), type: null };
  // Some WSGI middlewares: {"message": "...", "code": ...} or {"badRequest": {"message": ...}}
  if ('message' in json) return { message: str(json.message), type: null };
  const values = Object.values(json);
  const only = values.length === 1 ? values[0] : undefined;
  if (isRecord(only) && 'message' in only) return { message: str(only.message), type: null };
  return null;
}

const MAX_PLAIN_FAULT = 500;

/** Extracts the server's fault text from a response body (Octavia, Neutron, Keystone JSON, or plain text/HTML). */
export function parseFault(body: string): Fault {
  const text = body.trim();
  if (text === '') return { message: null, type: null };
  if (text.startsWith('{')) {
    try {
      const fault = faultFromJson(JSON.parse(text) as unknown);
      if (fault) return fault;
    } catch {
      // not JSON after all: fall through to plain text
    }
  }
  const plain = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return { message: plain === '' ? null : plain.slice(0, MAX_PLAIN_FAULT), type: null };
}

/** What `errorFromResponse` needs to know about a non-2xx response. */
export interface ErrorResponse {
  readonly service: string;
  readonly operation: string;
  readonly status: number;
  readonly body: string;
  readonly requestId: string | null;
}

/** Maps a non-2xx response to the matching typed error (never throws itself). */
export function errorFromResponse(res: ErrorResponse): OpenStackError {
  const fault = parseFault(res.body);
  const init: OpenStackErrorInit = {
    service: res.service,
    operation: res.operation,
    status: res.status,
    requestId: res.requestId,
    faultString: fault.message,
    faultType: fault.type,
  };
  const s = res.status;
  if (s === 401) return new UnauthorizedError(init);
  if (s === 403) return new ForbiddenError(init);
  if (s === 404) return new NotFoundError(init);
  if (s === 409) return new ConflictError(init);
  if (s === 501) return new NotImplementedError(init);
  if (s === 408 || s === 429 || s >= 500) return new ServerError(init);
  if (s >= 400) return new BadRequestError(init);
  // 1xx/3xx never reach callers as success: report them as a generic terminal failure.
  return new OpenStackError(init, 'unexpected status');
}
