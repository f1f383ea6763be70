/**
 * Writes to Services: our finalizer and `status.loadBalancer`. Finalizer changes are merge
 * patches carrying the observed resourceVersion, so a concurrent change yields 409 Conflict
 * (the reconcile is retried on a fresh read) instead of overwriting someone's finalizer list.
 * Every call goes through callKube (signal, timeout, metrics).
 */
import {
  PatchStrategy,
  setHeaderOptions,
  type ConfigurationOptions,
  type V1Service,
} from '@kubernetes/client-node';
import { callKube } from './call.js';
import type { KubeClients } from './clients.js';
import { KubeApiError } from './errors.js';

export const SERVICE_FINALIZER = 'kuryr.openstack.org/service-finalizer';

const mergePatch = (options: ConfigurationOptions): ConfigurationOptions =>
  setHeaderOptions('Content-Type', PatchStrategy.MergePatch, options);

function ids(svc: V1Service): { namespace: string; name: string; resourceVersion: string } {
  const { namespace, name, resourceVersion } = svc.metadata ?? {};
  if (namespace === undefined || name === undefined || resourceVersion === undefined) {
    throw new Error('Service without namespace, name or resourceVersion');
  }
  return { namespace, name, resourceVersion };
}

/** True when our finalizer is on the Service. */
export function hasFinalizer(svc: V1Service): boolean {
  return (svc.metadata?.finalizers ?? []).includes(SERVICE_FINALIZER);
}

async function setFinalizers(
  clients: KubeClients,
  svc: V1Service,
  finalizers: string[],
  signal: AbortSignal,
): Promise<V1Service> {
  const { namespace, name, resourceVersion } = ids(svc);
  const body = { metadata: { resourceVersion, finalizers } };
  return callKube(
    clients,
    { operation: 'service.patch', object: `Service ${namespace}/${name} finalizers`, signal },
    (o) => clients.core.patchNamespacedService({ name, namespace, body }, mergePatch(o)),
  );
}

/** Adds our finalizer (no-op when present). Throws KubeApiError 409 when the Service changed meanwhile. */
export async function addFinalizer(
  clients: KubeClients,
  svc: V1Service,
  signal: AbortSignal,
): Promise<V1Service> {
  if (hasFinalizer(svc)) return svc;
  return setFinalizers(clients, svc, [...(svc.metadata?.finalizers ?? []), SERVICE_FINALIZER], signal);
}

/**
 * Removes our finalizer (no-op when absent). Throws KubeApiError 409 when the Service changed
 * meanwhile. A 404 means the Service is already gone (a pass on a stale cache entry, after an
 * earlier pass removed the finalizer): what removing it was for, so `svc` is returned as is.
 */
export async function removeFinalizer(
  clients: KubeClients,
  svc: V1Service,
  signal: AbortSignal,
): Promise<V1Service> {
  if (!hasFinalizer(svc)) return svc;
  const rest = (svc.metadata?.finalizers ?? []).filter((f) => f !== SERVICE_FINALIZER);
  try {
    return await setFinalizers(clients, svc, rest, signal);
  } catch (error) {
    if (error instanceof KubeApiError && error.isNotFound) return svc;
    throw error;
  }
}

/** Current `status.loadBalancer.ingress` IPs. */
export function ingressIps(svc: V1Service): string[] {
  return (svc.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip === undefined ? [] : [i.ip]));
}

/**
 * Sets `status.loadBalancer.ingress` to exactly `ips` (empty clears it); no-op when already so.
 * Unconditional (status is ours). Returns the Service as written (its new resourceVersion), or
 * `svc` itself after a no-op.
 */
export async function setIngress(
  clients: KubeClients,
  svc: V1Service,
  ips: readonly string[],
  signal: AbortSignal,
): Promise<V1Service> {
  const current = ingressIps(svc);
  if (current.length === ips.length && current.every((ip, i) => ip === ips[i])) return svc;
  const { namespace, name } = ids(svc);
  const body = { status: { loadBalancer: { ingress: ips.length === 0 ? null : ips.map((ip) => ({ ip })) } } };
  return callKube(
    clients,
    { operation: 'service.status.patch', object: `Service ${namespace}/${name}`, signal },
    (o) => clients.core.patchNamespacedServiceStatus({ name, namespace, body }, mergePatch(o)),
  );
}
