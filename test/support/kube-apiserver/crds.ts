/**
 * apiextensions.k8s.io/v1 CustomResourceDefinitions ("Extend the Kubernetes API with
 * CustomResourceDefinitions"): a CRD named `<plural>.<group>` is validated, gets
 * `status.conditions` NamesAccepted and Established, `acceptedNames` and `storedVersions`,
 * and from then on each served version is a resource of this server (CR semantics:
 * generation, resourceVersion required on PUT, items keep apiVersion/kind, `/status` when
 * declared). Simplifications: Established is set synchronously at create (the real
 * establishing controller takes a moment: clients wait for the condition either way); each
 * version has its own storage (no conversion); schemas are not validated, and objects are pruned
 * by their version's schema on every write (structural.ts) but not on read: an object stored
 * before its CRD changed reads back unpruned until written (the real server prunes on read).
 * DELETE marks the CRD Terminating, deletes every custom resource it serves (honouring their
 * finalizers) and removes the CRD, and its endpoints, once none is left.
 */
import { clone, isRecord, type JsonMap, type KubeObject } from './object.js';
import type { Admission, Registry } from './registry.js';
import { CRD_RESOURCE, resourceKey, row, type ResourceDef } from './resources.js';

export { CRD_RESOURCE };
import { invalid } from './status.js';

/** The finalizer the real server puts on a CRD being deleted until its objects are gone. */
export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

/** True for the CRD resource. */
export function isCrdDef(def: ResourceDef): boolean {
  return resourceKey(def) === resourceKey(CRD_RESOURCE);
}

interface Names {
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly shortNames: string[];
}

function fail(name: string, field: string, detail: string): never {
  throw invalid(CRD_RESOURCE, name, { field, detail });
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function namesOf(spec: JsonMap, name: string): Names {
  const names = isRecord(spec.names) ? spec.names : {};
  const plural = text(names.plural);
  const kind = text(names.kind);
  if (plural === '') fail(name, 'spec.names.plural', 'Required value');
  if (kind === '') fail(name, 'spec.names.kind', 'Required value');
  const shortNames = Array.isArray(names.shortNames) ? names.shortNames.map(text) : [];
  return { plural, kind, singular: text(names.singular) || kind.toLowerCase(), shortNames };
}

function versionsOf(spec: JsonMap, name: string): JsonMap[] {
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isRecord) : [];
  if (versions.length === 0)
    fail(name, 'spec.versions', 'Invalid value: must have exactly one version marked as storage version');
  if (versions.filter((v) => v.storage === true).length !== 1) {
    fail(name, 'spec.versions', 'Invalid value: must have exactly one version marked as storage version');
  }
  return versions;
}

/** Checks the CRD's spec as the real validation does for the fields we use; 422 otherwise. */
function validate(obj: KubeObject): { spec: JsonMap; names: Names; versions: JsonMap[] } {
  const name = obj.metadata.name ?? '';
  const spec = isRecord(obj.spec) ? obj.spec : fail(name, 'spec', 'Required value');
  const group = text(spec.group);
  if (group === '' || !group.includes('.'))
    fail(name, 'spec.group', `Invalid value: "${group}": should be a domain with at least one dot`);
  const names = namesOf(spec, name);
  if (name !== `${names.plural}.${group}`) {
    fail(name, 'metadata.name', `Invalid value: "${name}": must be spec.names.plural+"."+spec.group`);
  }
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    fail(
      name,
      'spec.scope',
      `Unsupported value: ${JSON.stringify(spec.scope ?? '')}: supported values: "Cluster", "Namespaced"`,
    );
  }
  return { spec, names, versions: versionsOf(spec, name) };
}

function condition(type: string, reason: string, message: string, at: string): JsonMap {
  return { type, status: 'True', lastTransitionTime: at, reason, message };
}

/** Admission for CRDs: validation and the status the real controllers write. */
export function crdAdmission(): Admission {
  return {
    create(obj) {
      const { names, versions } = validate(obj);
      const at = obj.metadata.creationTimestamp ?? '';
      const storage = versions.find((v) => v.storage === true);
      obj.status = {
        conditions: [
          condition('NamesAccepted', 'NoConflicts', 'no conflicts found', at),
          condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted', at),
        ],
        acceptedNames: { ...names, listKind: `${names.kind}List` },
        storedVersions: [text(storage?.name)],
      };
    },
    update(_current, next) {
      validate(next);
    },
  };
}

/** The resources a stored CRD serves: one per served version. */
export function servedResources(crd: KubeObject): ResourceDef[] {
  const spec = isRecord(crd.spec) ? crd.spec : {};
  const names = namesOf(spec, crd.metadata.name ?? '');
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isRecord) : [];
  return versions
    .filter((v) => v.served === true)
    .map((v) =>
      row({
        group: text(spec.group),
        version: text(v.name),
        plural: names.plural,
        singular: names.singular,
        kind: names.kind,
        namespaced: spec.scope === 'Namespaced',
        statusSubresource: isRecord(v.subresources) && isRecord(v.subresources.status),
        tracksGeneration: true,
        unconditionalUpdate: false,
        custom: true,
        deleteReturnsObject: true,
        shortNames: names.shortNames,
        crd: crd.metadata.name ?? '',
        ...(isRecord(v.schema) && isRecord(v.schema.openAPIV3Schema)
          ? { schema: v.schema.openAPIV3Schema }
          : {}),
      }),
    );
}

function objectsOf(registry: Registry, crdName: string): [ResourceDef, KubeObject][] {
  return registry.resources
    .filter((d) => d.crd === crdName)
    .flatMap((d) => registry.store.list(resourceKey(d)).map((o): [ResourceDef, KubeObject] => [d, o]));
}

/** Removes the Terminating CRD `name` (and its endpoints) once it serves no object any more. */
export function finalizeCrdIfEmpty(registry: Registry, name: string): void {
  const crd = registry.store.get(resourceKey(CRD_RESOURCE), `/${name}`);
  if (crd?.metadata.deletionTimestamp === undefined || objectsOf(registry, name).length > 0) return;
  crd.metadata.finalizers = (crd.metadata.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER);
  if (crd.metadata.finalizers.length > 0) return;
  registry.removeNow(CRD_RESOURCE, registry.store.put(resourceKey(CRD_RESOURCE), crd));
}

/** DELETE of a CRD: Terminating, its objects deleted, removed when none is left; returns its state. */
export function terminateCrd(registry: Registry, crd: KubeObject, deletedAt: string): KubeObject {
  const name = crd.metadata.name ?? '';
  if (crd.metadata.deletionTimestamp !== undefined) return crd;
  const marked = clone(crd);
  marked.metadata.deletionTimestamp = deletedAt;
  marked.metadata.deletionGracePeriodSeconds = 0;
  marked.metadata.finalizers = [...(marked.metadata.finalizers ?? []), CLEANUP_FINALIZER];
  const status = isRecord(marked.status) ? marked.status : {};
  const conditions: unknown[] = Array.isArray(status.conditions) ? status.conditions : [];
  marked.status = {
    ...status,
    conditions: [
      ...conditions,
      condition(
        'Terminating',
        'InstanceDeletionInProgress',
        'CustomResource deletion is in progress',
        deletedAt,
      ),
    ],
  };
  const latest = registry.store.put(resourceKey(CRD_RESOURCE), marked);
  for (const [def, obj] of objectsOf(registry, name)) {
    registry.deleteIfPresent({ def, namespace: obj.metadata.namespace, name: obj.metadata.name ?? '' });
  }
  finalizeCrdIfEmpty(registry, name);
  return (
    registry.store.get(resourceKey(CRD_RESOURCE), `/${name}`) ?? {
      ...latest,
      metadata: { ...latest.metadata },
    }
  );
}

/** Keeps `registry`'s served resources in step with the stored CRDs; returns the unsubscribe function. */
export function serveCrds(registry: Registry): () => void {
  const key = resourceKey(CRD_RESOURCE);
  return registry.store.subscribe((event) => {
    if (event.resource !== key) return;
    const name = event.object.metadata.name ?? '';
    registry.unserve(name);
    if (event.type !== 'DELETED') registry.serve(servedResources(event.object));
  });
}
