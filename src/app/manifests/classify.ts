/**
 * Document → typed Kubernetes object: Services, discovery.k8s.io/v1 EndpointSlices and core
 * v1 Endpoints are checked against their schemas; other kinds are ignored with a note.
 */
import type { V1Endpoints, V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import type { z } from 'zod';
import { ManifestError, formatSource, type ManifestSource } from './errors.js';
import type { RawDocument } from './parse.js';
import { endpointSliceSchema, endpointsSchema, formatPath, serviceSchema } from './schemas.js';

/** The namespace an object without `metadata.namespace` lands in (as with `kubectl apply`). */
export const DEFAULT_NAMESPACE = 'default';
/** Stop listing a document's problems after this many. */
const MAX_ISSUES_PER_DOCUMENT = 5;

/** One document, sorted by what the plan does with it. */
export type ClassifiedDocument =
  | { readonly kind: 'Service'; readonly source: ManifestSource; readonly object: V1Service }
  | { readonly kind: 'EndpointSlice'; readonly source: ManifestSource; readonly object: V1EndpointSlice }
  | { readonly kind: 'Endpoints'; readonly source: ManifestSource; readonly object: V1Endpoints }
  | { readonly kind: 'ignored'; readonly source: ManifestSource; readonly note: string }
  | { readonly kind: 'error'; readonly errors: readonly ManifestError[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectLabel(kind: string, value: Record<string, unknown>): string {
  const meta = value.metadata;
  const name = isRecord(meta) && typeof meta.name === 'string' ? meta.name : '<no name>';
  const namespace = isRecord(meta) && typeof meta.namespace === 'string' ? meta.namespace : null;
  return `${kind} ${namespace === null ? '' : `${namespace}/`}${name}`;
}

/** Runs `schema` over the document; on success returns it with a defaulted namespace. */
function check(
  schema: z.ZodType,
  kind: string,
  doc: { source: ManifestSource; value: Record<string, unknown> },
): { errors: ManifestError[] } | { value: unknown } {
  const result = schema.safeParse(doc.value);
  if (!result.success) {
    const object = objectLabel(kind, doc.value);
    const errors = result.error.issues.slice(0, MAX_ISSUES_PER_DOCUMENT).map(
      (issue) =>
        new ManifestError({
          source: doc.source,
          object,
          detail: issue.message,
          ...(issue.path.length > 0 ? { field: formatPath(issue.path) } : {}),
        }),
    );
    return { errors };
  }
  const meta = isRecord(doc.value.metadata) ? doc.value.metadata : {};
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : DEFAULT_NAMESPACE;
  return { value: { ...doc.value, metadata: { ...meta, namespace } } };
}

function classifyKind(
  kind: string,
  apiVersion: unknown,
  doc: { source: ManifestSource; value: Record<string, unknown> },
): ClassifiedDocument {
  const { source } = doc;
  const key = `${String(apiVersion)} ${kind}`;
  // The casts below are sound: `check` has just verified every field the core reads.
  if (key === 'v1 Service') {
    const r = check(serviceSchema, kind, doc);
    return 'errors' in r
      ? { kind: 'error', ...r }
      : { kind: 'Service', source, object: r.value as V1Service };
  }
  if (key === 'discovery.k8s.io/v1 EndpointSlice') {
    const r = check(endpointSliceSchema, kind, doc);
    return 'errors' in r
      ? { kind: 'error', ...r }
      : { kind: 'EndpointSlice', source, object: r.value as V1EndpointSlice };
  }
  if (key === 'v1 Endpoints') {
    const r = check(endpointsSchema, kind, doc);
    return 'errors' in r
      ? { kind: 'error', ...r }
      : { kind: 'Endpoints', source, object: r.value as V1Endpoints };
  }
  const note = `${formatSource(source)}: ignored ${objectLabel(`${String(apiVersion)} ${kind}`, doc.value)} (plan reads v1 Service, v1 Endpoints and discovery.k8s.io/v1 EndpointSlice)`;
  return { kind: 'ignored', source, note };
}

/**
 * Classifies one parsed document. Never throws: a document that is not a Kubernetes object
 * or fails its kind's schema yields errors naming the file, document and field.
 */
export function classifyDocument(doc: RawDocument): ClassifiedDocument {
  const { source, value } = doc;
  if (!isRecord(value)) {
    return {
      kind: 'error',
      errors: [new ManifestError({ source, detail: 'not a Kubernetes object (a mapping)' })],
    };
  }
  const kind = value.kind;
  if (typeof kind !== 'string' || kind === '') {
    return {
      kind: 'error',
      errors: [
        new ManifestError({ source, field: 'kind', detail: 'required (a Kubernetes object has a kind)' }),
      ],
    };
  }
  return classifyKind(kind, value.apiVersion, { source, value });
}
