/**
 * Failures that belong to the Service's owner. An OpenStack error the same request will
 * never get past (400 bad request, 403 quota or policy, 404 on a referenced subnet or
 * network, 501 not supported, 401 after re-authentication) is terminal for now: a Warning
 * Event on the Service, `Ready=False` with the fault on its record, and a slow retry (an
 * operator may raise the quota). A retryable one (5xx, timeouts, connection errors) is
 * thrown to the engine's jittered backoff. Kubernetes errors are always retried.
 */
import { NetworkError, OpenStackError } from '../openstack/errors.js';

/** How the reconciler treats a failure. */
export interface FailureClass {
  readonly terminal: boolean;
  /** The Event / condition reason. */
  readonly reason: string;
  readonly message: string;
}

/** Classifies `err` (see the module comment); null for anything that is not an OpenStack error. */
export function classifyFailure(err: unknown): FailureClass | null {
  if (!(err instanceof OpenStackError)) return null;
  // Our own stop aborted the call: nobody's fault, nothing to report.
  if (err instanceof NetworkError && err.kind === 'aborted') return null;
  const fault = err.faultString ?? err.message;
  const what = `${err.service} ${err.operation}${err.status === null ? '' : ` (HTTP ${err.status})`}: ${fault}`;
  return err.retryable
    ? { terminal: false, reason: 'KuryrOpenStackUnavailable', message: what }
    : { terminal: true, reason: 'KuryrEnsureLBError', message: what };
}
