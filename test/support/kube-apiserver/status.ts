/**
 * `kind: Status` failures as the real API server returns them (apimachinery `errors.go`):
 * every error carries `code`, `reason`, `message` and `details`.
 */
import type { ResourceDef } from './resources.js';

/** `details` of a Status. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: { reason: string; message: string; field?: string }[];
  retryAfterSeconds?: number;
}

/** A failure that the server answers as a `Status` object with HTTP `code`. */
export class StatusError extends Error {
  override readonly name = 'StatusError';

  readonly details: StatusDetails | undefined;

  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    extra: { details?: StatusDetails; cause?: unknown } = {},
  ) {
    super(message, { cause: extra.cause });
    this.details = extra.details;
  }

  /** The JSON body of this error. */
  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details === undefined ? {} : { details: this.details }),
      code: this.code,
    };
  }
}

/** `services` or `kuryrloadbalancers.openstack.org`, as errors name resources. */
export function qualified(def: ResourceDef): string {
  return def.group === '' ? def.plural : `${def.plural}.${def.group}`;
}

function details(def: ResourceDef, name: string, kind = def.plural): StatusDetails {
  return def.group === '' ? { name, kind } : { name, group: def.group, kind };
}

/** 404 NotFound for `name` of `def`. */
export function notFound(def: ResourceDef, name: string): StatusError {
  return new StatusError(404, 'NotFound', `${qualified(def)} "${name}" not found`, {
    details: details(def, name),
  });
}

/** 409 AlreadyExists for `name` of `def`. */
export function alreadyExists(def: ResourceDef, name: string): StatusError {
  const message = `${qualified(def)} "${name}" already exists`;
  return new StatusError(409, 'AlreadyExists', message, { details: details(def, name) });
}

/** 409 Conflict: the stale-resourceVersion message unless `why` is given. */
export function conflict(def: ResourceDef, name: string, why?: string): StatusError {
  const reason =
    why ?? 'the object has been modified; please apply your changes to the latest version and try again';
  const message = `Operation cannot be fulfilled on ${qualified(def)} "${name}": ${reason}`;
  return new StatusError(409, 'Conflict', message, { details: details(def, name) });
}

/** One field error of a 422: `detail` reads like `Invalid value: "x": why`. */
export interface FieldError {
  readonly field: string;
  readonly detail: string;
  /** FieldValueInvalid (default), FieldValueRequired, FieldValueForbidden, ... */
  readonly type?: string;
}

/** 422 Invalid with one field cause. */
export function invalid(def: ResourceDef, name: string, error: FieldError): StatusError {
  const { field, detail } = error;
  const causes = [{ reason: error.type ?? 'FieldValueInvalid', message: detail, field }];
  const message = `${def.kind} "${name}" is invalid: ${field}: ${detail}`;
  return new StatusError(422, 'Invalid', message, { details: { ...details(def, name, def.kind), causes } });
}

/** 400 BadRequest. */
export function badRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}

/** 410 Gone with reason Expired (compacted resourceVersion). */
export function expired(message: string): StatusError {
  return new StatusError(410, 'Expired', message);
}

/** 403 Forbidden. */
export function forbidden(def: ResourceDef, name: string, why: string): StatusError {
  const message = `${qualified(def)} "${name}" is forbidden: ${why}`;
  return new StatusError(403, 'Forbidden', message, { details: details(def, name) });
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Gone',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** A Status for an arbitrary HTTP code (used by fault injection and routing). */
export function statusFor(code: number, message: string): StatusError {
  return new StatusError(code, REASONS[code] ?? 'Unknown', message);
}
