/**
 * Error answers as each real service sends them (bodies captured from the test cloud):
 * Octavia `{faultcode, faultstring, debuginfo}`, Neutron `{NeutronError: {type, message,
 * detail}}`, Keystone `{error: {code, title, message}}`. Handlers throw `FakeApiError`; the
 * router turns it into the response.
 */

/** A non-2xx answer of the fake, with the body the real service would send. */
export class FakeApiError extends Error {
  override name = 'FakeApiError';
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}) {
    super(`fake OpenStack answers ${status}: ${JSON.stringify(body)}`);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/** Octavia's wsme fault; `faultcode` is `Client` below 500, else `Server`. */
export function octaviaFault(status: number, faultstring: string): FakeApiError {
  return new FakeApiError(status, {
    faultcode: status < 500 ? 'Client' : 'Server',
    faultstring,
    debuginfo: null,
  });
}

/** Octavia's 404 for a missing object, e.g. `Load Balancer <id> not found.` */
export function octaviaNotFound(resource: string, id: string): FakeApiError {
  return octaviaFault(404, `${resource} ${id} not found.`);
}

/** Octavia's 400 `Validation failure: <detail>`. */
export function octaviaValidation(detail: string): FakeApiError {
  return octaviaFault(400, `Validation failure: ${detail}`);
}

/** Octavia's (pecan's) answer for a path it has no controller for, or a pagination limit it cannot parse. */
export function pecanError(status: 400 | 404, description = ''): FakeApiError {
  const title = status === 404 ? 'Not Found' : 'Bad Request';
  return new FakeApiError(status, { code: status, title, description });
}

/** Neutron's fault envelope. */
export function neutronFault(status: number, type: string, message: string): FakeApiError {
  return new FakeApiError(status, { NeutronError: { type, message, detail: '' } });
}

/** Neutron's 404 for a missing object, e.g. `Port <id> could not be found.` */
export function neutronNotFound(type: string, message: string): FakeApiError {
  return neutronFault(404, type, message);
}

/** Neutron's 400 for a request body it refuses. */
export function neutronBadRequest(message: string, type = 'HTTPBadRequest'): FakeApiError {
  return neutronFault(400, type, message);
}

/** Keystone's error envelope. */
export function keystoneFault(status: number, title: string, message: string): FakeApiError {
  return new FakeApiError(status, { error: { code: status, title, message } });
}

/** The 401 every service sends for a missing, unknown or expired token. */
export function unauthorized(authUrl: string): FakeApiError {
  return new FakeApiError(
    401,
    {
      error: {
        code: 401,
        title: 'Unauthorized',
        message: 'The request you have made requires authentication.',
      },
    },
    { 'www-authenticate': `Keystone uri="${authUrl}"` },
  );
}
