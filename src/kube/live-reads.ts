/**
 * Live reads from the API server, never from a cache: the evidence the controller needs
 * before it destroys anything (a Service really gone) and the cluster's stable identity.
 */
import type { V1Service } from '@kubernetes/client-node';
import { callKube } from './call.js';
import type { KubeClients } from './clients.js';
import { KubeApiError } from './errors.js';

/**
 * GETs the Service from the API server. Null ONLY on a 404 NotFound Status naming it (positive
 * evidence that it is gone); any other answer — 403, 5xx, a 404 without such a Status (a
 * proxy, a wrong path), a timeout, a network error — throws KubeApiError.
 */
export async function readServiceLive(
  clients: KubeClients,
  namespace: string,
  name: string,
  signal: AbortSignal,
): Promise<V1Service | null> {
  try {
    return await callKube(
      clients,
      { operation: 'service.get', object: `Service ${namespace}/${name}`, signal },
      (o) => clients.core.readNamespacedService({ name, namespace }, o),
    );
  } catch (err) {
    if (
      err instanceof KubeApiError &&
      err.isNotFound &&
      err.reason === 'NotFound' &&
      (err.detailsName === undefined || err.detailsName === name)
    ) {
      return null;
    }
    throw err;
  }
}

/** The cluster identity could not be read. */
export class ClusterIdentityError extends Error {
  override readonly name = 'ClusterIdentityError';
}

/** The namespace whose uid identifies the cluster (it exists in every cluster and is never deleted). */
export const IDENTITY_NAMESPACE = 'kube-system';

/**
 * The uid of the `kube-system` namespace: stable for the cluster's lifetime, distinct between
 * clusters. Throws ClusterIdentityError (cause: the KubeApiError) when it cannot be read; on a
 * 403 the message names the RBAC rule needed.
 */
export async function readClusterIdentity(clients: KubeClients, signal: AbortSignal): Promise<string> {
  let uid: string | undefined;
  try {
    const ns = await callKube(
      clients,
      { operation: 'namespace.get', object: `Namespace ${IDENTITY_NAMESPACE}`, signal },
      (o) => clients.core.readNamespace({ name: IDENTITY_NAMESPACE }, o),
    );
    uid = ns.metadata?.uid;
  } catch (err) {
    const forbidden = err instanceof KubeApiError && err.status === 403;
    const hint = forbidden
      ? `: the controller's ServiceAccount needs RBAC "get" on namespaces/${IDENTITY_NAMESPACE} ` +
        `(a ClusterRole rule: apiGroups [""], resources ["namespaces"], resourceNames ["${IDENTITY_NAMESPACE}"], verbs ["get"]), ` +
        'or set [kuryr_services] cluster_id explicitly'
      : '';
    const detail = err instanceof Error ? err.message : String(err);
    throw new ClusterIdentityError(
      `cannot read the cluster identity (uid of namespace ${IDENTITY_NAMESPACE})${hint}: ${detail}`,
      {
        cause: err,
      },
    );
  }
  if (uid === undefined || uid === '') {
    throw new ClusterIdentityError(
      `namespace ${IDENTITY_NAMESPACE} has no uid: cannot derive the cluster identity`,
    );
  }
  return uid;
}
