/**
 * Writes and live reads of the KuryrLoadBalancer record (types in klb-types.ts). It is a
 * record and a hint; Octavia itself is always observed. Every call goes through callKube
 * (signal, timeout, metrics); the caller passes the cached object, so nothing here reads
 * before writing.
 */
import { isDeepStrictEqual } from 'node:util';
import { PatchStrategy, setHeaderOptions, type V1Service } from '@kubernetes/client-node';
import { callKube } from './call.js';
import type { KubeClients } from './clients.js';
import { KubeApiError } from './errors.js';
import {
  KLB_GROUP,
  KLB_KIND,
  KLB_PLURAL,
  KLB_VERSION,
  KURYR_KLB_FINALIZER,
  OWNED_SPEC_KEYS,
  type KlbSpec,
  type KlbStatus,
  type KuryrLoadBalancer,
} from './klb-types.js';

export * from './klb-types.js';

const ref = (namespace: string, name: string) => ({
  group: KLB_GROUP,
  version: KLB_VERSION,
  plural: KLB_PLURAL,
  namespace,
  name,
});

const what = (namespace: string, name: string): string => `KuryrLoadBalancer ${namespace}/${name}`;

/** Reads the CR live from the API server, or null when it does not exist (404). */
export async function getKlb(
  clients: KubeClients,
  namespace: string,
  name: string,
  signal: AbortSignal,
): Promise<KuryrLoadBalancer | null> {
  try {
    return (await callKube(
      clients,
      { operation: 'klb.get', object: what(namespace, name), signal },
      (options) => clients.custom.getNamespacedCustomObject(ref(namespace, name), options),
    )) as KuryrLoadBalancer;
  } catch (err) {
    if (err instanceof KubeApiError && err.isNotFound) return null;
    throw err;
  }
}

/**
 * The JSON merge patch that brings `current`'s spec to `desired` for the keys we own
 * (OWNED_SPEC_KEYS plus any key `desired` sets): differing keys are set, owned keys no longer
 * wanted become null; every other key is left out, so it survives. Null when nothing differs.
 */
export function klbSpecPatch(current: object | undefined, desired: KlbSpec): Record<string, unknown> | null {
  const now = (current ?? {}) as Record<string, unknown>;
  const want = desired as unknown as Record<string, unknown>;
  const patch: Record<string, unknown> = {};
  const keys = new Set<string>([...OWNED_SPEC_KEYS, ...Object.keys(want)]);
  for (const key of keys) {
    const wanted = want[key];
    if (wanted === undefined) {
      // Only keys we own are removed; a key `desired` merely omits is someone else's.
      if (now[key] !== undefined && (OWNED_SPEC_KEYS as readonly string[]).includes(key)) patch[key] = null;
    } else if (!isDeepStrictEqual(now[key], wanted)) patch[key] = wanted;
  }
  return Object.keys(patch).length === 0 ? null : patch;
}

function createBody(svc: V1Service, spec: KlbSpec): object {
  const name = svc.metadata?.name ?? '';
  return {
    apiVersion: `${KLB_GROUP}/${KLB_VERSION}`,
    kind: KLB_KIND,
    metadata: {
      name,
      namespace: svc.metadata?.namespace ?? '',
      ownerReferences: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          name,
          uid: svc.metadata?.uid ?? '',
          controller: true,
          blockOwnerDeletion: false,
        },
      ],
    },
    spec,
  };
}

/**
 * Makes the CR of `svc` carry `spec` for the keys we own. `current` is the cached CR
 * (undefined: none cached). Absent: created owned by the Service (a 409 AlreadyExists — the
 * cache lagging — is answered by a live read and a patch). Present: a merge patch of only the
 * differing keys of ours (klbSpecPatch), never the whole spec. Returns the CR as written, or
 * `current` when nothing differed. Idempotent.
 */
// eslint-disable-next-line max-params -- the signature the reconciler codes against (agreed with the lead)
export async function ensureKlbSpec(
  clients: KubeClients,
  svc: V1Service,
  spec: KlbSpec,
  current: KuryrLoadBalancer | undefined,
  signal: AbortSignal,
): Promise<KuryrLoadBalancer> {
  const namespace = svc.metadata?.namespace ?? '';
  const name = svc.metadata?.name ?? '';
  let existing = current;
  if (existing === undefined) {
    try {
      return (await callKube(
        clients,
        { operation: 'klb.create', object: what(namespace, name), signal },
        (options) =>
          clients.custom.createNamespacedCustomObject(
            { ...ref(namespace, name), body: createBody(svc, spec) },
            options,
          ),
      )) as KuryrLoadBalancer;
    } catch (err) {
      if (!(err instanceof KubeApiError && err.isConflict)) throw err;
      const live = await getKlb(clients, namespace, name, signal);
      if (live === null) throw err;
      existing = live;
    }
  }
  const patch = klbSpecPatch(existing.spec, spec);
  if (patch === null) return existing;
  return (await callKube(
    clients,
    { operation: 'klb.patch', object: what(namespace, name), signal },
    (options) =>
      clients.custom.patchNamespacedCustomObject(
        { ...ref(namespace, name), body: { spec: patch } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch, options),
      ),
  )) as KuryrLoadBalancer;
}

/**
 * Replaces the CR's status (status subresource) with `status` unless equal to `current`'s
 * (key order ignored). Returns the CR as written, or `current` when nothing was written.
 */
export async function writeKlbStatus(
  clients: KubeClients,
  current: KuryrLoadBalancer,
  status: KlbStatus,
  signal: AbortSignal,
): Promise<KuryrLoadBalancer> {
  if (isDeepStrictEqual(current.status ?? {}, status)) return current;
  const namespace = current.metadata.namespace ?? '';
  const name = current.metadata.name ?? '';
  // `add` replaces an existing member too (RFC 6902), so a cache that lags behind a status does not fail.
  const body = [{ op: 'add', path: '/status', value: status }];
  return (await callKube(
    clients,
    { operation: 'klb.status.patch', object: what(namespace, name), signal },
    (options) =>
      clients.custom.patchNamespacedCustomObjectStatus(
        { ...ref(namespace, name), body },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch, options),
      ),
  )) as KuryrLoadBalancer;
}

/** True when kuryr's finalizer is on the record. */
export function hasKuryrFinalizer(klb: KuryrLoadBalancer): boolean {
  return (klb.metadata.finalizers ?? []).includes(KURYR_KLB_FINALIZER);
}

/**
 * Removes kuryr's finalizer from the record (no-op when absent), by a merge patch carrying the
 * record's resourceVersion (409 when it changed meanwhile: retried on a fresh read). A 404
 * (already gone) is fine. Returns the record as written, or `klb` itself.
 */
export async function removeKuryrFinalizer(
  clients: KubeClients,
  klb: KuryrLoadBalancer,
  signal: AbortSignal,
): Promise<KuryrLoadBalancer> {
  if (!hasKuryrFinalizer(klb)) return klb;
  const namespace = klb.metadata.namespace ?? '';
  const name = klb.metadata.name ?? '';
  const finalizers = (klb.metadata.finalizers ?? []).filter((f) => f !== KURYR_KLB_FINALIZER);
  const body = { metadata: { resourceVersion: klb.metadata.resourceVersion, finalizers } };
  try {
    return (await callKube(
      clients,
      { operation: 'klb.patch', object: `${what(namespace, name)} finalizers`, signal },
      (options) =>
        clients.custom.patchNamespacedCustomObject(
          { ...ref(namespace, name), body },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch, options),
        ),
    )) as KuryrLoadBalancer;
  } catch (err) {
    if (err instanceof KubeApiError && err.isNotFound) return klb;
    throw err;
  }
}

/** Deletes the CR; absent is fine. */
export async function deleteKlb(
  clients: KubeClients,
  namespace: string,
  name: string,
  signal: AbortSignal,
): Promise<void> {
  try {
    await callKube(clients, { operation: 'klb.delete', object: what(namespace, name), signal }, (options) =>
      clients.custom.deleteNamespacedCustomObject(ref(namespace, name), options),
    );
  } catch (err) {
    if (err instanceof KubeApiError && err.isNotFound) return;
    throw err;
  }
}
