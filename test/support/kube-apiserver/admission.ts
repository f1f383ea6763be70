/**
 * Resource-specific defaulting and validation (what the real server's strategies and
 * allocators do for our resources):
 * - Services: defaults (type, sessionAffinity, ipFamilies, port protocol/targetPort), cluster
 *   IP allocation from the service CIDR (`""`/unset allocates, `None` is headless, an explicit
 *   IP must be in range and free, else 422), `clusterIPs` mirrored, immutable clusterIP,
 *   node ports for NodePort/LoadBalancer, release on removal, `status.loadBalancer` default.
 * - Namespaces: `spec.finalizers: [kubernetes]`, `status.phase: Active`.
 * `defaultAdmissions` wires these, the event, lease and CRD admissions to their resources.
 */
import {
  AllocationError,
  clusterIpAllocator,
  formatIPv4,
  nodePortAllocator,
  parseIPv4,
  type RangeAllocator,
} from './clusterip.js';
import { crdAdmission } from './crds.js';
import { coreEventAdmission, eventsV1Admission } from './events.js';
import { leaseAdmission } from './leases.js';
import { isRecord, type JsonMap, type KubeObject } from './object.js';
import type { Admission } from './registry.js';
import { CRD_RESOURCE, resourceKey, type ResourceDef } from './resources.js';
import { StatusError, invalid } from './status.js';
import { assignPorts, servicePorts } from './ports.js';

/** The allocators a Service admission uses. */
export interface ServiceAllocators {
  readonly clusterIps: RangeAllocator;
  readonly nodePorts: RangeAllocator;
}

const TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];

function specOf(def: ResourceDef, obj: KubeObject): JsonMap {
  if (obj.spec === undefined) obj.spec = {};
  if (!isRecord(obj.spec)) {
    throw invalid(def, obj.metadata.name ?? '', {
      field: 'spec',
      detail: 'Invalid value: spec must be an object',
    });
  }
  return obj.spec;
}

function applyDefaults(def: ResourceDef, spec: JsonMap, name: string): void {
  spec.type ??= 'ClusterIP';
  if (typeof spec.type !== 'string' || !TYPES.includes(spec.type)) {
    const detail = `Unsupported value: ${JSON.stringify(spec.type)}: supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`;
    throw invalid(def, name, { field: 'spec.type', detail, type: 'FieldValueNotSupported' });
  }
  spec.sessionAffinity ??= 'None';
  if (spec.type === 'ExternalName') return;
  spec.ipFamilies ??= ['IPv4'];
  spec.ipFamilyPolicy ??= 'SingleStack';
  spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type !== 'ClusterIP') spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
}

function allocateClusterIp(def: ResourceDef, spec: JsonMap, name: string, allocator: RangeAllocator): void {
  const ips = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [];
  const requested: unknown = spec.clusterIP ?? ips[0] ?? '';
  if (spec.type === 'ExternalName') return;
  if (requested === 'None') {
    spec.clusterIP = 'None';
    spec.clusterIPs = ['None'];
    return;
  }
  if (requested === '') {
    const ip = formatIPv4(allocateNext(allocator));
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
    return;
  }
  const value = typeof requested === 'string' ? parseIPv4(requested) : undefined;
  const shown = JSON.stringify(requested);
  if (value === undefined) {
    const detail = `Invalid value: ${shown}: must be empty, 'None', or a valid IP address`;
    throw invalid(def, name, { field: 'spec.clusterIPs[0]', detail });
  }
  try {
    allocator.allocate(value);
  } catch (error) {
    if (!(error instanceof AllocationError)) throw error;
    const detail = `Invalid value: []string{${shown}}: failed to allocated ip:${String(requested)} with error:${error.message}`;
    throw invalid(def, name, { field: 'spec.clusterIPs', detail });
  }
  spec.clusterIP = requested;
  spec.clusterIPs = [requested];
}

function allocateNext(allocator: RangeAllocator): number {
  try {
    return allocator.allocateNext();
  } catch (error) {
    const message = 'Internal error occurred: failed to allocate a serviceIP: range is full';
    throw new StatusError(500, 'InternalError', message, { cause: error });
  }
}

function releaseService(obj: KubeObject, allocators: ServiceAllocators): void {
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const ip = typeof spec.clusterIP === 'string' ? parseIPv4(spec.clusterIP) : undefined;
  if (ip !== undefined) allocators.clusterIps.release(ip);
  for (const port of servicePorts(spec)) {
    if (typeof port.nodePort === 'number') allocators.nodePorts.release(port.nodePort);
  }
}

/** Admission for core/v1 services using `allocators`. */
export function serviceAdmission(def: ResourceDef, allocators: ServiceAllocators): Admission {
  return {
    create(obj) {
      const name = obj.metadata.name ?? '';
      const spec = specOf(def, obj);
      applyDefaults(def, spec, name);
      allocateClusterIp(def, spec, name, allocators.clusterIps);
      try {
        assignPorts(def, { spec, name, previous: [], allocator: allocators.nodePorts });
      } catch (error) {
        releaseService(obj, allocators);
        throw error;
      }
      obj.status = { loadBalancer: {} };
    },
    update(current, next) {
      const name = next.metadata.name ?? '';
      const spec = specOf(def, next);
      const old = isRecord(current.spec) ? current.spec : {};
      if (spec.clusterIP === undefined || spec.clusterIP === '') {
        if (old.clusterIP !== undefined) spec.clusterIP = old.clusterIP;
        if (old.clusterIPs !== undefined) spec.clusterIPs = old.clusterIPs;
      }
      if (spec.clusterIP !== old.clusterIP) {
        const detail = `Invalid value: []string{${JSON.stringify(spec.clusterIP)}}: may not change once set`;
        throw invalid(def, name, { field: 'spec.clusterIPs[0]', detail });
      }
      applyDefaults(def, spec, name);
      assignPorts(def, { spec, name, previous: servicePorts(old), allocator: allocators.nodePorts });
    },
    removed(obj) {
      releaseService(obj, allocators);
    },
  };
}

/** Admission for core/v1 namespaces. */
export function namespaceAdmission(): Admission {
  return {
    create(obj) {
      obj.spec = { finalizers: ['kubernetes'] };
      obj.status = { phase: 'Active' };
    },
  };
}

/** Allocation settings of `defaultAdmissions`. */
export interface AdmissionSettings {
  /** IPv4 service CIDR for cluster IPs. */
  readonly serviceCidr: string;
  readonly nodePortRange: string | undefined;
}

/** The admission of each resource in `resources` that has one, keyed by resourceKey. */
export function defaultAdmissions(
  resources: readonly ResourceDef[],
  settings: AdmissionSettings,
): Map<string, Admission> {
  const map = new Map<string, Admission>();
  const find = (group: string, plural: string) =>
    resources.find((r) => r.group === group && r.plural === plural);
  const services = find('', 'services');
  if (services !== undefined) {
    const allocators = {
      clusterIps: clusterIpAllocator(settings.serviceCidr),
      nodePorts: nodePortAllocator(settings.nodePortRange),
    };
    map.set(resourceKey(services), serviceAdmission(services, allocators));
  }
  const namespaces = find('', 'namespaces');
  if (namespaces !== undefined) map.set(resourceKey(namespaces), namespaceAdmission());
  for (const def of resources.filter((r) => r.plural === 'events')) {
    if (def.group === '') map.set(resourceKey(def), coreEventAdmission(def));
    if (def.group === 'events.k8s.io') map.set(resourceKey(def), eventsV1Admission(def));
  }
  const leases = find('coordination.k8s.io', 'leases');
  if (leases !== undefined) map.set(resourceKey(leases), leaseAdmission(leases));
  if (find(CRD_RESOURCE.group, CRD_RESOURCE.plural) !== undefined) {
    map.set(resourceKey(CRD_RESOURCE), crdAdmission());
  }
  return map;
}
