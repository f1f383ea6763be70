/**
 * Writes the scenarios make the way a user (or the EndpointSlice controller) would: create,
 * edit and delete Services, create and replace EndpointSlices, and allocate or delete
 * floating IPs by hand in Neutron.
 */
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import * as floatingips from '../../../src/openstack/neutron/floatingips.js';
import { serviceManifest, sliceManifest, type Harness } from '../../support/e2e-harness.js';
import { NS } from './kube-reads.js';

/** A TCP port 80 → 8080 Service spec on `clusterIP`, optionally of type LoadBalancer. */
export function webSpec(
  clusterIP: string,
  extra: Partial<NonNullable<V1Service['spec']>> = {},
): NonNullable<V1Service['spec']> {
  return { clusterIP, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], ...extra };
}

/** Creates Service `name` (with `annotations`) and a ready EndpointSlice naming `podIps` on 8080. */
export async function createWeb(
  h: Harness,
  name: string,
  spec: NonNullable<V1Service['spec']>,
  options: { podIps?: readonly string[]; annotations?: Record<string, string> } = {},
): Promise<V1Service> {
  const body = serviceManifest(name, spec, NS);
  if (options.annotations !== undefined && body.metadata !== undefined)
    body.metadata.annotations = options.annotations;
  // Slice first, so the load balancer is created with its members (one Octavia write fewer).
  const ips = options.podIps ?? [];
  if (ips.length > 0) await ensureSlice(h, name, ips);
  return h.core.createNamespacedService({ namespace: NS, body });
}

/** Creates the Service's EndpointSlice unless it exists (slices outlive a Service re-creation here). */
export async function ensureSlice(h: Harness, name: string, ips: readonly string[]): Promise<void> {
  const existing = await h.discovery.listNamespacedEndpointSlice({
    namespace: NS,
    labelSelector: `kubernetes.io/service-name=${name}`,
  });
  if (existing.items.length > 0) return;
  await h.discovery.createNamespacedEndpointSlice({
    namespace: NS,
    body: sliceManifest(name, ips, [{ name: 'http', port: 8080 }]),
  });
}

/**
 * Creates the slices first, lets the controller's slice cache see them, then the Service,
 * so the very first reconcile of the Service already has its endpoints.
 */
export async function createWithSlices(
  h: Harness,
  name: string,
  spec: NonNullable<V1Service['spec']>,
  slices: readonly V1EndpointSlice[],
): Promise<void> {
  for (const body of slices) await h.discovery.createNamespacedEndpointSlice({ namespace: 'default', body });
  await new Promise((r) => setTimeout(r, 500));
  await h.core.createNamespacedService({ namespace: 'default', body: serviceManifest(name, spec) });
}

/** Replaces the slice `slice.metadata.name` with `slice` (a full PUT, as the EndpointSlice controller does). */
export async function replaceSlice(h: Harness, slice: V1EndpointSlice): Promise<void> {
  const name = slice.metadata?.name ?? '';
  const current = await h.discovery.readNamespacedEndpointSlice({ name, namespace: 'default' });
  const resourceVersion = current.metadata?.resourceVersion ?? '';
  const body = structuredClone(slice);
  body.metadata = Object.assign(body.metadata ?? {}, { resourceVersion });
  await h.discovery.replaceNamespacedEndpointSlice({ name, namespace: 'default', body });
}

/** Replaces the Service's spec.ports (read, modify, PUT). */
export async function setPorts(
  h: Harness,
  name: string,
  ports: NonNullable<NonNullable<V1Service['spec']>['ports']>,
): Promise<void> {
  const svc = await h.core.readNamespacedService({ name, namespace: 'default' });
  if (svc.spec === undefined) throw new Error(`Service default/${name} has no spec`);
  svc.spec.ports = ports;
  await h.core.replaceNamespacedService({ name, namespace: 'default', body: svc });
}

/** Read-modify-write of Service `name` (retries on 409 conflicts). */
export async function updateService(
  h: Harness,
  name: string,
  mutate: (svc: V1Service) => void,
): Promise<V1Service> {
  for (let attempt = 0; ; attempt++) {
    const svc = await h.core.readNamespacedService({ name, namespace: NS });
    mutate(svc);
    try {
      return await h.core.replaceNamespacedService({ name, namespace: NS, body: svc });
    } catch (err) {
      if (attempt >= 5 || !isConflict(err)) throw err;
    }
  }
}

function isConflict(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 409;
}

/** What `kubectl apply` of a ClusterIP manifest does to a LoadBalancer Service (an edit for `updateService`). */
export function toClusterIp(svc: V1Service): void {
  if (svc.spec === undefined) return;
  svc.spec.type = 'ClusterIP';
  delete svc.spec.loadBalancerIP;
  delete svc.spec.externalTrafficPolicy;
  for (const port of svc.spec.ports ?? []) delete port.nodePort;
}

/** A Service edit (for `updateService`) setting `spec.loadBalancerIP` to `address`. */
export function withLoadBalancerIp(address: string): (svc: V1Service) => void {
  return (svc) => {
    if (svc.spec !== undefined) svc.spec.loadBalancerIP = address;
  };
}

/** Deletes Service `name` (its finalizer keeps it until the controller released it). */
export async function deleteService(h: Harness, name: string): Promise<void> {
  await h.core.deleteNamespacedService({ name, namespace: NS });
}

/** Allocates an untagged floating IP on the public network, as a user would (the "User" method). */
export async function createUserFip(h: Harness, label: string): Promise<floatingips.FloatingIpRecord> {
  return floatingips.create(h.cloud.session, {
    networkId: h.info.public_net_id,
    subnetId: h.info.public_subnet_id,
    description: `e2e user floating IP ${label} (${h.clusterId})`,
  });
}

/** Deletes user floating IPs created by the test (already gone is fine). */
export async function deleteUserFips(h: Harness, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    try {
      await floatingips.delete(h.cloud.session, id);
    } catch (err) {
      if (!(err instanceof Error && err.name === 'NotFoundError')) throw err;
    }
  }
}
