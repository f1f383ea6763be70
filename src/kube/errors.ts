/**
 * Typed errors for Kubernetes API calls. client-node throws `ApiException` (numeric `code`,
 * the Status body as text), node-fetch a `FetchError` for network failures, and the Watch
 * class a plain Error with `statusCode`; all become one `KubeApiError`.
 */
import { ApiException } from '@kubernetes/client-node';

/** What is known about a failure beyond its HTTP status. */
export interface KubeFailureInfo {
  /** The underlying error. */
  readonly cause?: unknown;
  /** The Status object's `reason` (`NotFound`, `Conflict`, `Expired`, `Forbidden`...). */
  readonly reason?: string | undefined;
  /** The object the call was about, e.g. `Service default/web`. */
  readonly object?: string | undefined;
  /** The call was given up after its timeout (status 0). */
  readonly timedOut?: boolean;
  /** The caller's signal aborted the call (status 0). */
  readonly aborted?: boolean;
  /** `details.name` of the Status, when the server named the object. */
  readonly detailsName?: string | undefined;
}

function describe(status: number, info: KubeFailureInfo): string {
  if (info.timedOut === true) return 'timeout';
  if (info.aborted === true) return 'aborted';
  if (status === 0) return 'network';
  return info.reason === undefined ? `HTTP ${status}` : `HTTP ${status} ${info.reason}`;
}

/** A Kubernetes API call failed; `status` is the HTTP status (0: no answer — network, timeout, abort). */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  readonly status: number;
  readonly operation: string;
  readonly reason: string | undefined;
  readonly object: string | undefined;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  readonly detailsName: string | undefined;

  constructor(operation: string, status: number, detail: string, info: KubeFailureInfo | null = null) {
    const known = info ?? {};
    const what = known.object === undefined ? operation : `${operation} ${known.object}`;
    super(`Kubernetes ${what} failed (${describe(status, known)}): ${detail}`, { cause: known.cause });
    this.status = status;
    this.operation = operation;
    this.reason = known.reason;
    this.object = known.object;
    this.timedOut = known.timedOut ?? false;
    this.aborted = known.aborted ?? false;
    this.detailsName = known.detailsName;
  }

  /** The HTTP status code (same as `status`; 0 when there was no answer). */
  get statusCode(): number {
    return this.status;
  }

  /** 409: stale resourceVersion or already exists; retry after re-reading. */
  get isConflict(): boolean {
    return this.status === 409;
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }

  /** 410 Gone / Expired: a resourceVersion or continue token is too old. */
  get isGone(): boolean {
    return this.status === 410;
  }

  /** The metrics label: the HTTP status, or `timeout` / `aborted` / `error`. */
  get codeLabel(): string {
    if (this.timedOut) return 'timeout';
    if (this.aborted) return 'aborted';
    return this.status === 0 ? 'error' : String(this.status);
  }
}

/** The fields of a `kind: Status` body that we read. */
interface StatusBody {
  readonly message?: string;
  readonly reason?: string;
  readonly detailsName?: string;
}

function parseStatus(value: unknown): StatusBody {
  if (typeof value === 'string') {
    try {
      return parseStatus(JSON.parse(value));
    } catch {
      return { message: value.slice(0, 300) };
    }
  }
  if (typeof value !== 'object' || value === null) return {};
  const { message, reason, details } = value as { message?: unknown; reason?: unknown; details?: unknown };
  const name =
    typeof details === 'object' && details !== null ? (details as { name?: unknown }).name : undefined;
  return {
    ...(typeof message === 'string' ? { message } : {}),
    ...(typeof reason === 'string' ? { reason } : {}),
    ...(typeof name === 'string' ? { detailsName: name } : {}),
  };
}

/** The HTTP status of an error thrown by client-node (or its Watch), or 0 when it is not an API answer. */
export function statusOf(err: unknown): number {
  if (err instanceof ApiException) return (err as ApiException<unknown>).code;
  if (err instanceof KubeApiError) return err.status;
  if (typeof err === 'object' && err !== null && 'statusCode' in err && typeof err.statusCode === 'number') {
    return err.statusCode;
  }
  return 0;
}

/** Converts any failure of a kube call into a KubeApiError naming `operation` (KubeApiErrors pass through). */
export function toKubeApiError(operation: string, err: unknown, info: KubeFailureInfo = {}): KubeApiError {
  if (err instanceof KubeApiError) return err;
  const body = err instanceof ApiException ? parseStatus((err as ApiException<unknown>).body) : {};
  const detail = body.message ?? (err instanceof Error ? err.message : String(err));
  return new KubeApiError(operation, statusOf(err), detail, {
    cause: err,
    reason: body.reason,
    detailsName: body.detailsName,
    ...info,
  });
}

/**
 * Runs `call`, converting client-node failures into KubeApiError naming `operation`. Only
 * translates errors: no signal, timeout or metrics (the leader's Lease calls bring their own
 * signal and time budget). Every other call goes through `callKube` (call.ts).
 */
export async function kubeCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toKubeApiError(operation, err);
  }
}
