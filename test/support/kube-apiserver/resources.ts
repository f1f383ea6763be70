/**
 * The resource table: adding a resource to the simulated API server is one row here.
 * Flags mirror the real registry strategies (status subresource, generation tracking,
 * unconditional update, create-on-update).
 */

/** One served resource. */
export interface ResourceDef {
  /** API group, '' for core. */
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** Has `/status`: main-resource writes keep status, `/status` writes change only status. */
  readonly statusSubresource: boolean;
  /** `metadata.generation` starts at 1 and is bumped when anything but metadata/status changes. */
  readonly tracksGeneration: boolean;
  /** PUT without `metadata.resourceVersion` is allowed (false for custom resources). */
  readonly unconditionalUpdate: boolean;
  /** PUT of a missing object creates it. */
  readonly createOnUpdate: boolean;
  /** Served by a CRD: list items keep `apiVersion`/`kind`. */
  readonly custom: boolean;
  /** Field selector labels beyond metadata.name/metadata.namespace. */
  readonly fieldLabels: readonly string[];
  readonly shortNames: readonly string[];
  /** DELETE answers the deleted object (true) or a `Status` of success (generic registry default). */
  readonly deleteReturnsObject: boolean;
  /** Name rule: DNS-1123 subdomain (most), DNS-1123 label (namespaces), DNS-1035 label (services). */
  readonly nameFormat: 'subdomain' | 'label1123' | 'label1035';
  /** DELETE on the collection is served (false for services and namespaces, as on the real server). */
  readonly deleteCollection: boolean;
  /** Name of the CustomResourceDefinition that serves this resource, if any. */
  readonly crd?: string;
  /** The version's openAPIV3Schema (custom resources): objects are pruned by it on every write. */
  readonly schema?: Readonly<Record<string, unknown>>;
}

/** The fields of a row that have no default. */
export type Row = Pick<ResourceDef, 'group' | 'version' | 'plural' | 'kind'> & Partial<ResourceDef>;

/** A ResourceDef with the generic registry's defaults for whatever `r` leaves out. */
export function row(r: Row): ResourceDef {
  return {
    singular: r.kind.toLowerCase(),
    namespaced: true,
    statusSubresource: false,
    tracksGeneration: false,
    unconditionalUpdate: true,
    createOnUpdate: false,
    custom: false,
    fieldLabels: [],
    shortNames: [],
    nameFormat: 'subdomain',
    deleteReturnsObject: false,
    deleteCollection: true,
    ...r,
  };
}

const EVENT_FIELDS = [
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'type',
  'source',
];

/** The CustomResourceDefinition resource (apiextensions.k8s.io/v1; behaviour in crds.ts). */
export const CRD_RESOURCE: ResourceDef = row({
  group: 'apiextensions.k8s.io',
  version: 'v1',
  plural: 'customresourcedefinitions',
  kind: 'CustomResourceDefinition',
  namespaced: false,
  statusSubresource: true,
  deleteReturnsObject: true,
  shortNames: ['crd', 'crds'],
});

/** The built-in resources served by default (custom resources come from CRDs: crds.ts). */
export const DEFAULT_RESOURCES: readonly ResourceDef[] = [
  row({
    group: '',
    version: 'v1',
    plural: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    nameFormat: 'label1123',
    deleteReturnsObject: true,
    deleteCollection: false,
    statusSubresource: true,
  }),
  row({
    group: '',
    version: 'v1',
    plural: 'services',
    createOnUpdate: true,
    kind: 'Service',
    statusSubresource: true,
    nameFormat: 'label1035',
    deleteReturnsObject: true,
    deleteCollection: false,
    shortNames: ['svc'],
  }),
  row({
    group: '',
    version: 'v1',
    plural: 'endpoints',
    kind: 'Endpoints',
    singular: 'endpoints',
    createOnUpdate: true,
  }),
  row({
    group: '',
    version: 'v1',
    plural: 'events',
    kind: 'Event',
    fieldLabels: EVENT_FIELDS,
    createOnUpdate: true,
  }),
  // Simplification: the real server stores both event APIs in one table; here they are separate.
  row({ group: 'events.k8s.io', version: 'v1', plural: 'events', kind: 'Event', createOnUpdate: true }),
  row({ group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', createOnUpdate: true }),
  row({
    group: 'discovery.k8s.io',
    version: 'v1',
    plural: 'endpointslices',
    kind: 'EndpointSlice',
    tracksGeneration: true,
  }),
  CRD_RESOURCE,
];

/** `v1` or `group/version`. */
export function apiVersionOf(def: ResourceDef): string {
  return def.group === '' ? def.version : `${def.group}/${def.version}`;
}

/** Unique key of a resource: `group/version/plural`. */
export function resourceKey(def: ResourceDef): string {
  return `${def.group}/${def.version}/${def.plural}`;
}
