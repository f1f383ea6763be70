/**
 * Manifests → one input per Service: the Service, its EndpointSlices (or its Endpoints
 * converted to slices when no slice is given), and notes on everything left aside.
 */
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import { digestHex } from '../../core/digest.js';
import { SERVICE_NAME_LABEL, endpointsToSlices } from '../../core/endpoints-to-slices.js';
import { classifyDocument, DEFAULT_NAMESPACE, type ClassifiedDocument } from './classify.js';
import { ManifestError, formatSource, type ManifestSource } from './errors.js';
import { DEFAULT_INPUT_LIMITS, readManifestDocuments, type InputLimits } from './files.js';

/** One Service to plan, with the endpoints found for it. */
export interface ServiceManifest {
  readonly source: ManifestSource;
  readonly namespace: string;
  readonly name: string;
  /** The Service with `metadata.namespace` and `metadata.uid` always set. */
  readonly service: V1Service;
  /** True when the manifest had no uid and a placeholder was derived from namespace/name. */
  readonly placeholderUid: boolean;
  readonly slices: readonly V1EndpointSlice[];
  /** Where `slices` came from. */
  readonly endpointsFrom: 'EndpointSlice' | 'Endpoints' | 'none';
}

/** Everything the manifests hold for `plan`, in input order. */
export interface LoadedManifests {
  readonly services: readonly ServiceManifest[];
  readonly notes: readonly string[];
  readonly errors: readonly ManifestError[];
}

type Found<K extends string> = Extract<ClassifiedDocument, { kind: K }>;

/** A uuid-shaped uid derived from namespace/name, so plans are reproducible. */
export function placeholderUid(namespace: string, name: string): string {
  const h = digestHex(`placeholder-uid:${namespace}/${name}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function keyOf(meta: { namespace?: string; name?: string } | undefined): string {
  return `${meta?.namespace ?? DEFAULT_NAMESPACE}/${meta?.name ?? ''}`;
}

function sliceOwnerKey(slice: V1EndpointSlice): string | null {
  const owner = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
  return owner === undefined
    ? null
    : keyOf({ namespace: slice.metadata?.namespace ?? DEFAULT_NAMESPACE, name: owner });
}

function toServiceManifest(found: Found<'Service'>, endpoints: EndpointsIndex): ServiceManifest {
  const meta = found.object.metadata ?? {};
  const namespace = meta.namespace ?? DEFAULT_NAMESPACE;
  const name = meta.name ?? '';
  const key = `${namespace}/${name}`;
  const uid = meta.uid ?? placeholderUid(namespace, name);
  const service = structuredClone(found.object);
  service.metadata = Object.assign(structuredClone(meta), { namespace, uid });
  const slices = endpoints.slices.get(key) ?? [];
  const converted = endpoints.endpoints.get(key);
  const base = { source: found.source, namespace, name, service, placeholderUid: meta.uid === undefined };
  if (slices.length > 0) return { ...base, slices, endpointsFrom: 'EndpointSlice' };
  if (converted !== undefined)
    return { ...base, slices: endpointsToSlices(converted.object), endpointsFrom: 'Endpoints' };
  return { ...base, slices: [], endpointsFrom: 'none' };
}

interface EndpointsIndex {
  readonly slices: Map<string, V1EndpointSlice[]>;
  readonly endpoints: Map<string, Found<'Endpoints'>>;
}

function indexEndpoints(docs: readonly ClassifiedDocument[], notes: string[]): EndpointsIndex {
  const index: EndpointsIndex = { slices: new Map(), endpoints: new Map() };
  for (const doc of docs) {
    if (doc.kind === 'EndpointSlice') {
      const key = sliceOwnerKey(doc.object);
      if (key === null) {
        notes.push(`${formatSource(doc.source)}: ignored EndpointSlice without label ${SERVICE_NAME_LABEL}`);
        continue;
      }
      const slices = index.slices.get(key);
      if (slices === undefined) index.slices.set(key, [doc.object]);
      else slices.push(doc.object);
    } else if (doc.kind === 'Endpoints') {
      index.endpoints.set(keyOf(doc.object.metadata), doc);
    }
  }
  return index;
}

function noteUnused(index: EndpointsIndex, services: ReadonlySet<string>, notes: string[]): void {
  for (const [key, doc] of index.endpoints) {
    if (!services.has(key))
      notes.push(`${formatSource(doc.source)}: ignored Endpoints ${key}: no such Service`);
    else if (index.slices.has(key)) {
      notes.push(`${formatSource(doc.source)}: ignored Endpoints ${key}: EndpointSlices for it are given`);
    }
  }
  for (const key of index.slices.keys()) {
    if (!services.has(key)) notes.push(`ignored EndpointSlices of ${key}: no such Service`);
  }
}

/**
 * Groups classified documents by Service. A second Service with the same namespace/name is
 * an error (naming both places); Endpoints are used only when no EndpointSlice names the Service.
 */
export function groupManifests(docs: readonly ClassifiedDocument[]): LoadedManifests {
  const notes: string[] = [];
  const errors: ManifestError[] = [];
  const index = indexEndpoints(docs, notes);
  const services: ServiceManifest[] = [];
  const seen = new Map<string, ManifestSource>();
  for (const doc of docs) {
    if (doc.kind === 'error') for (const error of doc.errors) errors.push(error);
    if (doc.kind === 'ignored') notes.push(doc.note);
    if (doc.kind !== 'Service') continue;
    const key = keyOf(doc.object.metadata);
    const first = seen.get(key);
    if (first !== undefined) {
      const detail = `Service ${key} is already defined in ${formatSource(first)}`;
      errors.push(new ManifestError({ source: doc.source, field: 'metadata.name', detail }));
      continue;
    }
    seen.set(key, doc.source);
    services.push(toServiceManifest(doc, index));
  }
  noteUnused(index, new Set(seen.keys()), notes);
  return { services, notes, errors };
}

/** Reads (within `limits`), parses, checks and groups every manifest under `paths`. Never throws. */
export async function loadManifests(
  paths: readonly string[],
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): Promise<LoadedManifests> {
  const read = await readManifestDocuments(paths, limits);
  const grouped = groupManifests(read.documents.map(classifyDocument));
  return { ...grouped, errors: [...read.errors, ...grouped.errors] };
}
