/** Typed errors for Kubernetes API calls (client-node throws ApiException with a numeric code). */
import { ApiException } from '@kubernetes/client-node';

/** A Kubernetes API call failed; `status` is the HTTP status (0 for network errors). */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  readonly status: number;
  readonly operation: string;

  constructor(operation: string, status: number, detail: string, cause: unknown) {
    super(`Kubernetes ${operation} failed (${status === 0 ? 'network' : `HTTP ${status}`}): ${detail}`, {
      cause,
    });
    this.status = status;
    this.operation = operation;
  }

  /** 409: stale resourceVersion or already exists; retry after re-reading. */
  get isConflict(): boolean {
    return this.status === 409;
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }
}

/** The HTTP status of an error thrown by client-node, or 0 when it is not an API answer. */
export function statusOf(err: unknown): number {
  return err instanceof ApiException ? (err as ApiException<unknown>).code : 0;
}

function detailOf(err: unknown): string {
  if (err instanceof ApiException) {
    const body: unknown = (err as ApiException<unknown>).body;
    if (typeof body === 'string') {
      try {
        const parsed = JSON.parse(body) as { message?: unknown };
        if (typeof parsed.message === 'string') return parsed.message;
      } catch {
        return body.slice(0, 300);
      }
    }
    if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') {
      return body.message;
    }
  }
  return err instanceof Error ? err.message : String(err);
}

/** Runs `call`, converting client-node failures into KubeApiError naming `operation`. */
export async function kubeCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new KubeApiError(operation, statusOf(err), detailOf(err), err);
  }
}
