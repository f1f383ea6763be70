/**
 * The rules of one write (update or patch) that do not need storage: which fields the
 * client may change on the main resource and on `/status`, generation bumps, and the
 * ban on new finalizers during deletion (apimachinery ValidateObjectMetaUpdate).
 */
import { clone, jsonEqual, specPart, type KubeObject } from './object.js';
import type { ResourceDef } from './resources.js';
import { invalid } from './status.js';

const SYSTEM_FIELDS = [
  'uid',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'generation',
  'name',
  'namespace',
];

/** PUT/PATCH of the main resource: system metadata from `current`; status kept under a status subresource. */
export function mainUpdate(def: ResourceDef, current: KubeObject, next: KubeObject): KubeObject {
  const merged = clone(next);
  for (const field of SYSTEM_FIELDS) {
    if (current.metadata[field] === undefined) Reflect.deleteProperty(merged.metadata, field);
    else merged.metadata[field] = current.metadata[field];
  }
  merged.metadata.resourceVersion = current.metadata.resourceVersion ?? '';
  if (def.statusSubresource) {
    if (current.status === undefined) delete merged.status;
    else merged.status = current.status;
  }
  return merged;
}

/** PUT/PATCH of `/status`: `current` with only `status` taken from `next`. */
export function statusOnly(current: KubeObject, next: KubeObject): KubeObject {
  const merged = clone(current);
  if (next.status === undefined) delete merged.status;
  else merged.status = clone(next.status);
  return merged;
}

/** Bumps `metadata.generation` when anything but metadata (and status, with a subresource) changed. */
export function bumpGeneration(def: ResourceDef, current: KubeObject, merged: KubeObject): void {
  if (!def.tracksGeneration) return;
  const changed = !jsonEqual(
    specPart(current, def.statusSubresource),
    specPart(merged, def.statusSubresource),
  );
  if (changed) merged.metadata.generation = (current.metadata.generation ?? 0) + 1;
}

/** 422 when finalizers are added to an object that is being deleted. */
export function checkFinalizers(
  t: { def: ResourceDef; name: string },
  current: KubeObject,
  merged: KubeObject,
): void {
  if (current.metadata.deletionTimestamp === undefined) return;
  const before = new Set(current.metadata.finalizers ?? []);
  const added = (merged.metadata.finalizers ?? []).filter((f) => !before.has(f));
  if (added.length > 0) {
    const list = added.map((f) => JSON.stringify(f)).join(', ');
    const detail = `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${list}}`;
    throw invalid(t.def, t.name, { field: 'metadata.finalizers', detail, type: 'FieldValueForbidden' });
  }
}
