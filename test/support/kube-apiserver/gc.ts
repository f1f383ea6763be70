/**
 * Garbage collection and namespace termination, run synchronously after the change that
 * triggers them (the real controllers are asynchronous; tests wait on watch events anyway):
 * - background propagation: once an owner is removed from storage, every dependent whose
 *   ownerReferences all point at uids that no longer exist is deleted (honouring its own
 *   finalizers), recursively. References that were dangling from creation are not collected.
 *   `Foreground` is treated as background.
 * - `Orphan`: the owner's references are removed from its dependents before it is deleted.
 * - namespaces: DELETE marks the namespace Terminating, deletes its content, and removes it
 *   once nothing is left in it (the `kubernetes` finalizer of the namespace controller).
 */
import { clone, formatTime, type KubeObject } from './object.js';
import type { Registry } from './registry.js';
import { resourceKey, type ResourceDef } from './resources.js';

function each(registry: Registry, visit: (def: ResourceDef, obj: KubeObject) => void): void {
  for (const def of registry.resources) {
    for (const obj of registry.store.list(resourceKey(def))) visit(def, obj);
  }
}

function target(
  def: ResourceDef,
  obj: KubeObject,
): { def: ResourceDef; namespace: string | undefined; name: string } {
  return { def, namespace: obj.metadata.namespace, name: obj.metadata.name ?? '' };
}

/** Deletes the dependents of the removed object `uid` that have no remaining owner. */
export function collectDependents(registry: Registry, uid: string): void {
  const orphans: [ResourceDef, KubeObject][] = [];
  each(registry, (def, obj) => {
    const refs = obj.metadata.ownerReferences ?? [];
    if (!refs.some((r) => r.uid === uid)) return;
    if (refs.every((r) => registry.store.locate(r.uid) === undefined)) orphans.push([def, obj]);
  });
  for (const [def, obj] of orphans) registry.deleteIfPresent(target(def, obj));
}

/** Removes references to `owner` from all its dependents (Orphan propagation). */
export function orphanDependents(registry: Registry, owner: KubeObject): void {
  const uid = owner.metadata.uid;
  each(registry, (def, obj) => {
    const refs = obj.metadata.ownerReferences ?? [];
    const kept = refs.filter((r) => r.uid !== uid);
    if (kept.length === refs.length) return;
    const body = { metadata: { ownerReferences: kept.length === 0 ? null : kept } };
    registry.patch(target(def, obj), { contentType: 'application/merge-patch+json', body });
  });
}

/** DELETE of a namespace: Terminating, content deleted, removed when empty; returns its state. */
export function terminateNamespace(registry: Registry, ns: KubeObject): KubeObject {
  const nsDef = registry.find('', 'v1', 'namespaces');
  const name = ns.metadata.name ?? '';
  if (nsDef === undefined || ns.metadata.deletionTimestamp !== undefined) return ns;
  const marked = clone(ns);
  marked.metadata.deletionTimestamp = formatTime(new Date(registry.now()));
  marked.metadata.deletionGracePeriodSeconds = 0;
  marked.status = { phase: 'Terminating' };
  let latest = registry.store.put(resourceKey(nsDef), marked);
  const content: [ResourceDef, KubeObject][] = [];
  each(registry, (def, obj) => {
    if (def.namespaced && obj.metadata.namespace === name) content.push([def, obj]);
  });
  for (const [def, obj] of content) registry.deleteIfPresent(target(def, obj));
  finalizeNamespaceIfEmpty(registry, name);
  latest = registry.store.get(resourceKey(nsDef), `/${name}`) ?? latest;
  return latest;
}

/** Removes the Terminating namespace `name` once no namespaced object is left in it. */
export function finalizeNamespaceIfEmpty(registry: Registry, name: string): void {
  const nsDef = registry.find('', 'v1', 'namespaces');
  if (nsDef === undefined) return;
  const ns = registry.store.get(resourceKey(nsDef), `/${name}`);
  if (ns?.metadata.deletionTimestamp === undefined) return;
  const hasContent = registry.resources.some(
    (def) =>
      def.namespaced && registry.store.list(resourceKey(def)).some((o) => o.metadata.namespace === name),
  );
  if (!hasContent) registry.removeNow(nsDef, ns);
}
