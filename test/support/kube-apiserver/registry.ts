/**
 * API semantics over the Store (the generic registry of the real server): create, update,
 * patch and delete with optimistic concurrency, system-managed metadata, status subresource
 * isolation, generation, finalizers/deletionTimestamp, delete preconditions, per-resource
 * admission hooks, and garbage collection / namespace termination after a final removal.
 */
import { randomUUID } from 'node:crypto';
import { finalizeCrdIfEmpty, isCrdDef, terminateCrd } from './crds.js';
import { collectDependents, finalizeNamespaceIfEmpty, orphanDependents, terminateNamespace } from './gc.js';
import { clone, formatTime, isRecord, jsonEqual, type KubeObject } from './object.js';
import { bumpGeneration, checkFinalizers, mainUpdate, statusOnly } from './write-rules.js';
import { applyPatch, refuseStrategicMerge } from './patch.js';
import { pruneCustomObject } from './structural.js';
import { resourceKey, type ResourceDef } from './resources.js';
import {
  StatusError,
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  invalid,
  notFound,
  statusFor,
} from './status.js';
import type { Store } from './store.js';
import { decodeObject, generateName, validateName } from './validate.js';

/** Per-resource defaulting/validation; may throw a StatusError. */
export interface Admission {
  create?(obj: KubeObject): void;
  update?(current: KubeObject, next: KubeObject): void;
  /** Called once the object is gone from storage (release allocations). */
  removed?(obj: KubeObject): void;
}

/** The time source for timestamps (compatible with the engine Clock). */
export interface TimeSource {
  now(): number;
}

/** One object addressed by a request. */
export interface Target {
  readonly def: ResourceDef;
  readonly namespace: string | undefined;
  readonly name: string;
}

/** DELETE options the simulated server honours. */
export interface DeleteOptions {
  readonly gracePeriodSeconds?: number;
  readonly propagationPolicy?: string;
  /** Deprecated flag; `false` makes a not-yet-finished delete answer 202 like the real handler. */
  readonly orphanDependents?: boolean;
  readonly preconditions?: { uid?: string; resourceVersion?: string };
}

/** Construction options of a Registry. */
export interface RegistryOptions {
  readonly store: Store;
  readonly resources: readonly ResourceDef[];
  readonly admissions: ReadonlyMap<string, Admission>;
  readonly clock: TimeSource;
}

const NAMESPACES = '/v1/namespaces';

/** The object-level API of one simulated server. */
export class Registry {
  readonly store: Store;
  private table: readonly ResourceDef[];

  constructor(private readonly options: RegistryOptions) {
    this.store = options.store;
    this.table = [...options.resources];
  }

  /** The resources served now (built-in ones plus those of established CRDs). */
  get resources(): readonly ResourceDef[] {
    return this.table;
  }

  /** Starts serving `defs` (the versions of one CRD). */
  serve(defs: readonly ResourceDef[]): void {
    this.table = [...this.table, ...defs];
  }

  /** Stops serving the resources of the CRD `crdName`. */
  unserve(crdName: string): void {
    this.table = this.table.filter((d) => d.crd !== crdName);
  }

  /** Milliseconds since the epoch from the injected clock. */
  now(): number {
    return this.options.clock.now();
  }

  /** The resource served at group/version/plural, if any. */
  find(group: string, version: string, plural: string): ResourceDef | undefined {
    return this.resources.find((r) => r.group === group && r.version === version && r.plural === plural);
  }

  /** The object, or 404 NotFound. */
  get(t: Target): KubeObject {
    const found = this.store.get(resourceKey(t.def), keyOf(t));
    if (found === undefined) throw notFound(t.def, t.name);
    return found;
  }

  /** POST: stores a new object (201 semantics); 409 AlreadyExists, 422 Invalid, 404 for a missing namespace. */
  create(def: ResourceDef, namespace: string | undefined, body: unknown): KubeObject {
    const obj = decodeObject(body, def);
    const meta = obj.metadata;
    if (def.namespaced) this.checkNamespace(def, namespace, meta.namespace);
    if (meta.name === undefined || meta.name === '') {
      if (meta.generateName === undefined || meta.generateName === '') {
        const detail = 'Required value: name or generateName is required';
        throw invalid(def, '', { field: 'metadata.name', detail, type: 'FieldValueRequired' });
      }
      meta.name = generateName(meta.generateName);
    }
    validateName(def, meta.name);
    if (def.namespaced && namespace !== undefined) meta.namespace = namespace;
    else delete meta.namespace;
    const t = { def, namespace: meta.namespace, name: meta.name };
    if (this.store.get(resourceKey(def), keyOf(t)) !== undefined) throw alreadyExists(def, meta.name);
    if (meta.resourceVersion !== undefined && meta.resourceVersion !== '') {
      // The real storage layer refuses it with a plain error, which the handler answers as 500.
      throw statusFor(
        500,
        'Internal error occurred: resourceVersion should not be set on objects to be created',
      );
    }
    for (const field of [
      'uid',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'generation',
      'resourceVersion',
    ]) {
      Reflect.deleteProperty(meta, field);
    }
    meta.uid = randomUUID();
    meta.creationTimestamp = formatTime(new Date(this.now()));
    if (def.tracksGeneration) meta.generation = 1;
    if (def.statusSubresource) delete obj.status;
    this.admission(def).create?.(obj);
    return this.store.put(resourceKey(def), pruned(def, obj));
  }

  /** PUT (of the object or its `/status`); creates when the resource allows it. */
  update(t: Target, body: unknown, subresource?: string): { object: KubeObject; created: boolean } {
    const current = this.store.get(resourceKey(t.def), keyOf(t));
    if (current === undefined) {
      if (!t.def.createOnUpdate || subresource !== undefined) throw notFound(t.def, t.name);
      return { object: this.create(t.def, t.namespace, body), created: true };
    }
    const next = decodeObject(body, t.def);
    if (next.metadata.resourceVersion === undefined && !t.def.unconditionalUpdate) {
      const detail = 'Invalid value: 0x0: must be specified for an update';
      throw invalid(t.def, t.name, { field: 'metadata.resourceVersion', detail });
    }
    return { object: this.write(t, current, next, subresource), created: false };
  }

  /** PATCH (merge, JSON or strategic-as-merge) of the object or its `/status`; 415 for strategic on CRs. */
  patch(t: Target, patch: { contentType: string; body: unknown }, subresource?: string): KubeObject {
    const current = this.get(t);
    if (t.def.custom) refuseStrategicMerge(patch.contentType);
    const patched = applyPatch(current, patch.contentType, patch.body);
    if (!isRecord(patched) || !isRecord(patched.metadata)) {
      throw new StatusError(422, 'Invalid', `${t.def.kind} "${t.name}": patch removed the object's metadata`);
    }
    const next = decodeObject(patched, t.def);
    const rv = current.metadata.resourceVersion;
    if (next.metadata.resourceVersion === undefined && rv !== undefined) next.metadata.resourceVersion = rv;
    return this.write(t, current, next, subresource);
  }

  /** DELETE: removes at once, or marks for deletion while finalizers remain; returns the object. */
  delete(t: Target, options: DeleteOptions = {}): KubeObject {
    const current = this.get(t);
    const pre = options.preconditions ?? {};
    if (pre.uid !== undefined && pre.uid !== current.metadata.uid) {
      const why = `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid ?? ''}`;
      throw conflict(t.def, t.name, why);
    }
    if (pre.resourceVersion !== undefined && pre.resourceVersion !== current.metadata.resourceVersion) {
      const why = `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`;
      throw conflict(t.def, t.name, why);
    }
    if (options.propagationPolicy === 'Orphan') orphanDependents(this, current);
    if (isNamespaceDef(t.def)) return terminateNamespace(this, current);
    if (isCrdDef(t.def)) return terminateCrd(this, current, formatTime(new Date(this.now())));
    if ((current.metadata.finalizers ?? []).length === 0) return this.removeNow(t.def, current);
    if (current.metadata.deletionTimestamp !== undefined) return current;
    const marked = clone(current);
    marked.metadata.deletionTimestamp = formatTime(new Date(this.now()));
    marked.metadata.deletionGracePeriodSeconds = options.gracePeriodSeconds ?? 0;
    return this.store.put(resourceKey(t.def), marked);
  }

  /** DELETE that tolerates the object being gone already (garbage collectors, cleanups). */
  deleteIfPresent(t: Target): void {
    try {
      this.delete(t);
    } catch (error) {
      if (!(error instanceof StatusError && error.code === 404)) throw error;
    }
  }

  /** Removes from storage now (no finalizer check), then releases, collects and finalizes. */
  removeNow(def: ResourceDef, obj: KubeObject): KubeObject {
    const gone = this.store.remove(
      resourceKey(def),
      keyOf({ def, namespace: obj.metadata.namespace, name: obj.metadata.name ?? '' }),
    );
    if (gone === undefined) return obj;
    this.admission(def).removed?.(gone);
    if (gone.metadata.uid !== undefined) collectDependents(this, gone.metadata.uid);
    if (def.namespaced && gone.metadata.namespace !== undefined) {
      finalizeNamespaceIfEmpty(this, gone.metadata.namespace);
    }
    if (def.crd !== undefined) finalizeCrdIfEmpty(this, def.crd);
    return gone;
  }

  private write(t: Target, current: KubeObject, next: KubeObject, subresource?: string): KubeObject {
    if (next.metadata.name !== undefined && next.metadata.name !== t.name) {
      throw badRequest(
        `the name of the object (${next.metadata.name}) does not match the name on the URL (${t.name})`,
      );
    }
    if (
      next.metadata.namespace !== undefined &&
      t.def.namespaced &&
      next.metadata.namespace !== t.namespace
    ) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    const rv = next.metadata.resourceVersion;
    if (rv !== undefined && rv !== current.metadata.resourceVersion) throw conflict(t.def, t.name);
    const uid = next.metadata.uid;
    if (uid !== undefined && uid !== '' && uid !== current.metadata.uid) {
      throw conflict(
        t.def,
        t.name,
        `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid ?? ''}`,
      );
    }
    const written = subresource === 'status' ? statusOnly(current, next) : mainUpdate(t.def, current, next);
    const merged = pruned(t.def, written);
    checkFinalizers(t, current, merged);
    if (subresource !== 'status') this.admission(t.def).update?.(current, merged);
    bumpGeneration(t.def, current, merged);
    if (jsonEqual(merged, current)) return current;
    // Like the generic registry's shouldDeleteDuringUpdate: emptying the finalizers of an
    // object being deleted deletes it in place of the update (no MODIFIED event first).
    const deleting = current.metadata.deletionTimestamp !== undefined;
    if (deleting && (merged.metadata.finalizers ?? []).length === 0) return this.removeNow(t.def, current);
    return this.store.put(resourceKey(t.def), merged);
  }

  private checkNamespace(def: ResourceDef, namespace: string | undefined, inBody: string | undefined): void {
    if (namespace === undefined) throw badRequest('a namespace is required to create a namespaced object');
    if (inBody !== undefined && inBody !== '' && inBody !== namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    const ns = this.store.get(NAMESPACES, `/${namespace}`);
    const nsDef = this.find('', 'v1', 'namespaces');
    if (ns === undefined || nsDef === undefined) {
      throw new StatusError(404, 'NotFound', `namespaces "${namespace}" not found`, {
        details: { name: namespace, kind: 'namespaces' },
      });
    }
    if (ns.metadata.deletionTimestamp !== undefined) {
      throw forbidden(
        def,
        '',
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  private admission(def: ResourceDef): Admission {
    return this.options.admissions.get(resourceKey(def)) ?? {};
  }
}

/** `obj` pruned by its resource's schema (custom resources; others as they are). */
function pruned(def: ResourceDef, obj: KubeObject): KubeObject {
  return def.schema === undefined ? obj : pruneCustomObject(def.schema, obj);
}

/** Storage key of a target: `namespace/name`. */
export function keyOf(t: Target): string {
  return `${t.def.namespaced ? (t.namespace ?? '') : ''}/${t.name}`;
}

/** True for core/v1 namespaces. */
export function isNamespaceDef(def: ResourceDef): boolean {
  return def.group === '' && def.plural === 'namespaces';
}
