/**
 * Direct access to a simulated server's objects for tests, with the same semantics as the
 * HTTP API (events, resourceVersions, admission, finalizers, GC): as if another client
 * made the call. Resources are named by `apiVersion` (default `v1`) and `plural`.
 */
import type { KubeObject } from './object.js';
import type { DeleteOptions, Registry, Target } from './registry.js';
import { resourceKey, type ResourceDef } from './resources.js';

/** Names one resource, optionally one namespace and one object of it. */
export interface ObjectRef {
  readonly apiVersion?: string;
  readonly plural: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** Test-side access to the objects of one simulated server. */
export interface StoreAccess {
  /** The current global resourceVersion. */
  readonly resourceVersion: number;
  /** The object, or undefined when absent. */
  get(ref: ObjectRef): KubeObject | undefined;
  /** All objects of the resource (of `ref.namespace` when given). */
  list(ref: ObjectRef): KubeObject[];
  /** POST semantics; throws StatusError. */
  create(ref: ObjectRef, body: unknown): KubeObject;
  /** PUT semantics (`status` for the subresource); throws StatusError. */
  update(ref: ObjectRef, body: unknown, subresource?: 'status'): KubeObject;
  /** Merge-patch semantics; throws StatusError. */
  patch(ref: ObjectRef, mergePatch: unknown, subresource?: 'status'): KubeObject;
  /** DELETE semantics; throws StatusError. */
  delete(ref: ObjectRef, options?: DeleteOptions): KubeObject;
}

function definition(registry: Registry, ref: ObjectRef): ResourceDef {
  const [group, version] = (ref.apiVersion ?? 'v1').includes('/')
    ? (ref.apiVersion ?? '').split('/')
    : ['', ref.apiVersion ?? 'v1'];
  const def = registry.find(group ?? '', version ?? '', ref.plural);
  if (def === undefined)
    throw new Error(`simulated kube-apiserver: no resource ${ref.apiVersion ?? 'v1'} ${ref.plural}`);
  return def;
}

function target(registry: Registry, ref: ObjectRef): Target {
  if (ref.name === undefined) throw new Error(`simulated kube-apiserver: ${ref.plural} needs a name here`);
  return { def: definition(registry, ref), namespace: ref.namespace, name: ref.name };
}

/** A StoreAccess over `registry`. */
export function storeAccess(registry: Registry): StoreAccess {
  return {
    get resourceVersion() {
      return registry.store.resourceVersion;
    },
    get: (ref) => {
      const t = target(registry, ref);
      return registry.store
        .list(resourceKey(t.def))
        .find(
          (o) => o.metadata.name === t.name && (!t.def.namespaced || o.metadata.namespace === t.namespace),
        );
    },
    list: (ref) =>
      registry.store
        .list(resourceKey(definition(registry, ref)))
        .filter((o) => ref.namespace === undefined || o.metadata.namespace === ref.namespace),
    create: (ref, body) => registry.create(definition(registry, ref), ref.namespace, body),
    update: (ref, body, sub) => registry.update(target(registry, ref), body, sub).object,
    patch: (ref, body, sub) =>
      registry.patch(target(registry, ref), { contentType: 'application/merge-patch+json', body }, sub),
    delete: (ref, options) => registry.delete(target(registry, ref), options),
  };
}
