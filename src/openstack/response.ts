/**
 * Validation of OpenStack response bodies: every resource module parses what Octavia and
 * Neutron send with a zod schema, so a surprise (an unknown status, a missing field) becomes
 * one typed error naming the operation instead of an `undefined` deep inside the planner.
 */
import { z } from 'zod';
import { OpenStackError } from './errors.js';
import type { HttpMethod, OpenStackRequest, OpenStackSession, ServiceType } from './session.js';

/** Which call a response belongs to (for error messages and metrics labels). */
export interface CallLabel {
  readonly service: string;
  readonly operation: string;
}

/**
 * A 2xx response whose body does not have the shape we rely on (an unknown status or
 * protocol, a missing field). Terminal: the same call will answer the same way.
 */
export class UnexpectedResponseError extends OpenStackError {
  override name = 'UnexpectedResponseError';

  constructor(label: CallLabel, detail: string, options: { status?: number; cause?: unknown } = {}) {
    super(
      { ...label, status: options.status ?? null, faultString: detail, cause: options.cause },
      'returned an unexpected response',
    );
  }
}

/** Parses `body` with `schema`; throws UnexpectedResponseError (with the zod issues) when it does not fit. */
export function parseResponse<S extends z.ZodType>(schema: S, body: unknown, label: CallLabel): z.output<S> {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new UnexpectedResponseError(label, z.prettifyError(result.error), { cause: result.error });
  }
  return result.data;
}

/** Tags as Octavia and Neutron send them (absent or null on old API versions means none). */
export const tagsSchema = z
  .array(z.string())
  .nullish()
  .transform((tags) => tags ?? []);

/** A name or description that Octavia may send as null. */
export const textSchema = z
  .string()
  .nullish()
  .transform((text) => text ?? '');

/** A `{id}` reference inside another object (`listeners: [{id}]`). */
export const idRefSchema = z.object({ id: z.string() });

/** One call as resource modules describe it (`signal` may be undefined). */
export interface Call {
  readonly service: ServiceType;
  readonly method: HttpMethod;
  readonly path: string;
  readonly operation: string;
  readonly query?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  readonly body?: unknown;
  readonly signal?: AbortSignal | undefined;
}

function toRequest(call: Call): OpenStackRequest {
  const { signal, ...rest } = call;
  return signal === undefined ? rest : { ...rest, signal };
}

/** Sends `call` and parses its body with `schema`. Throws the session's typed errors or UnexpectedResponseError. */
export async function send<S extends z.ZodType>(
  session: OpenStackSession,
  call: Call,
  schema: S,
): Promise<z.output<S>> {
  const response = await session.request<unknown>(toRequest(call));
  const label = { service: call.service, operation: call.operation };
  const result = schema.safeParse(response.body);
  if (result.success) return result.data;
  const detail = z.prettifyError(result.error);
  throw new UnexpectedResponseError(label, detail, { status: response.status, cause: result.error });
}

/** Sends `call` and ignores its body (DELETE, 202/204 answers). Throws the session's typed errors. */
export async function sendNoContent(session: OpenStackSession, call: Call): Promise<void> {
  await session.request<unknown>(toRequest(call));
}
