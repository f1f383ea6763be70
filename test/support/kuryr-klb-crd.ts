/**
 * Facts about kuryr-kubernetes' own KuryrLoadBalancer CRD (its last release, read from
 * kubernetes_crds/kuryr_crds/kuryrloadbalancer.yaml; restated here as data, not copied):
 * which keys each part holds, their types, which are required; no key is nullable, nothing
 * preserves unknown fields, and the version has no status subresource (kuryr writes status
 * with a JSON patch of the main object). `kuryrKlbCrd()` builds a CRD manifest with those
 * facts, so a test can install "kuryr's CRD" and then ours over it.
 */
import type { JsonMap } from './kube-apiserver/object.js';

type Kind = 'string' | 'integer' | 'boolean' | 'string[]' | 'object';

/** One object of the schema: its keys' kinds, and which of them are required. */
interface Part {
  readonly keys: Readonly<Record<string, Kind>>;
  readonly required: readonly string[];
}

const ID = 'string' as const;

/** status.* in kuryr's schema (lists are arrays of these objects). */
export const KURYR_STATUS_PARTS = {
  loadbalancer: {
    keys: {
      id: ID,
      ip: ID,
      name: ID,
      port_id: ID,
      project_id: ID,
      provider: ID,
      subnet_id: ID,
      security_groups: 'string[]',
    },
    required: ['id', 'ip', 'name', 'port_id', 'project_id', 'provider', 'security_groups', 'subnet_id'],
  },
  listeners: {
    keys: {
      id: ID,
      loadbalancer_id: ID,
      name: ID,
      port: 'integer',
      project_id: ID,
      protocol: ID,
      timeout_client_data: 'integer',
      timeout_member_data: 'integer',
    },
    required: ['id', 'loadbalancer_id', 'name', 'port', 'project_id', 'protocol'],
  },
  pools: {
    keys: { id: ID, listener_id: ID, loadbalancer_id: ID, name: ID, project_id: ID, protocol: ID },
    required: ['id', 'listener_id', 'loadbalancer_id', 'name', 'project_id', 'protocol'],
  },
  members: {
    keys: { id: ID, ip: ID, name: ID, pool_id: ID, port: 'integer', project_id: ID, subnet_id: ID },
    required: ['id', 'ip', 'name', 'pool_id', 'port', 'project_id', 'subnet_id'],
  },
  service_pub_ip_info: {
    keys: { ip_id: ID, ip_addr: ID, alloc_method: ID },
    required: ['ip_id', 'ip_addr', 'alloc_method'],
  },
} satisfies Record<string, Part>;

/** Which status parts are lists. */
const LISTS = new Set(['listeners', 'pools', 'members']);

const SLICE_ENDPOINT: Part = {
  keys: {
    addresses: 'string[]',
    hostname: ID,
    conditions: 'object',
    targetRef: 'object',
    topology: 'object',
  },
  required: [],
};

/** spec.* in kuryr's schema (endpointSlices: kuryr's copy of the Service's slices). */
export const KURYR_SPEC_KEYS: Readonly<Record<string, Kind>> = {
  ip: ID,
  lb_ip: ID,
  project_id: ID,
  subnet_id: ID,
  type: ID,
  provider: ID,
  timeout_client_data: 'integer',
  timeout_member_data: 'integer',
  security_groups_ids: 'string[]',
};

function node(kind: Kind): JsonMap {
  if (kind === 'string[]') return { type: 'array', items: { type: 'string' } };
  return { type: kind };
}

function objectSchema(part: Part): JsonMap {
  const properties = Object.fromEntries(Object.entries(part.keys).map(([k, v]) => [k, node(v)]));
  return {
    type: 'object',
    ...(part.required.length > 0 ? { required: [...part.required] } : {}),
    properties,
  };
}

const TARGET_REF = ['kind', 'name', 'namespace', 'resourceVersion', 'uid'];

function specSchema(): JsonMap {
  const endpoint = objectSchema(SLICE_ENDPOINT);
  const props = endpoint.properties as JsonMap;
  props.conditions = { type: 'object', properties: { ready: { type: 'boolean' } } };
  props.targetRef = { type: 'object', properties: Object.fromEntries(TARGET_REF.map((k) => [k, node(ID)])) };
  const port = objectSchema({ keys: { name: ID, port: 'integer', protocol: ID }, required: [] });
  const slice = {
    type: 'object',
    properties: { endpoints: { type: 'array', items: endpoint }, ports: { type: 'array', items: port } },
  };
  const ports = objectSchema({
    keys: { name: ID, port: 'integer', protocol: ID, targetPort: ID },
    required: ['port', 'protocol', 'targetPort'],
  });
  const base = objectSchema({ keys: KURYR_SPEC_KEYS, required: [] });
  (base.properties as JsonMap).ports = { type: 'array', items: ports };
  (base.properties as JsonMap).endpointSlices = { type: 'array', items: slice };
  return base;
}

/** kuryr's status schema (from KURYR_STATUS_PARTS). */
export function kuryrStatusSchema(): JsonMap {
  const properties = Object.fromEntries(
    Object.entries(KURYR_STATUS_PARTS).map(([k, part]) => [
      k,
      LISTS.has(k) ? { type: 'array', items: objectSchema(part) } : objectSchema(part),
    ]),
  );
  return { type: 'object', properties };
}

/** kuryr's CRD manifest (no status subresource, nothing preserved, PROJECT-ID column). */
export function kuryrKlbCrd(): JsonMap {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'kuryrloadbalancers.openstack.org' },
    spec: {
      group: 'openstack.org',
      scope: 'Namespaced',
      names: {
        plural: 'kuryrloadbalancers',
        singular: 'kuryrloadbalancer',
        kind: 'KuryrLoadBalancer',
        shortNames: ['klb'],
      },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          additionalPrinterColumns: [{ name: 'PROJECT-ID', type: 'string', jsonPath: '.spec.project_id' }],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: { spec: specSchema(), status: kuryrStatusSchema() },
            },
          },
        },
      ],
    },
  };
}
