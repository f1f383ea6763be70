/**
 * Small helpers shared by the part-A end-to-end scenarios (create, scale, ports, delete,
 * restart): reading the controller's counters, finding one Service's load balancer in
 * Octavia, and waiting until that tree is settled the way a test expects.
 */
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import type { ObservedLoadBalancer, ObservedPool } from '../../src/core/model.js';
import { NotFoundError } from '../../src/openstack/errors.js';
import * as floatingips from '../../src/openstack/neutron/floatingips.js';
import { KLB_GROUP, KLB_PLURAL, KLB_VERSION, type KuryrLoadBalancer } from '../../src/kube/klb.js';
import { serviceManifest, waitFor, type Harness } from '../support/e2e-harness.js';

/**
 * Generous wait for Octavia on a loaded, shared machine: ACTIVE_STANDBY creates take
 * 20-60 s alone, and the two worker conductors run one job each, so creates queue behind
 * other testers' work.
 */
export const SETTLE_MS = 600_000;

/** Timeout of one scenario or hook (several settles in a row). */
export const STEP_MS = 1_800_000;

/** The value of counter `name` with exactly `labels` on the running controller's registry (0 when absent). */
export async function counterValue(
  h: Harness,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = h.registry().getSingleMetric(name);
  if (metric === undefined) return 0;
  const data = await metric.get();
  const wanted = Object.entries(labels);
  return data.values
    .filter((v) => wanted.every(([k, val]) => String(v.labels[k]) === val))
    .reduce((sum, v) => sum + v.value, 0);
}

/** `kuryr_openstack_actions_total{kind}` of the running controller. */
export function actions(h: Harness, kind: string): Promise<number> {
  return counterValue(h, 'kuryr_openstack_actions_total', { kind });
}

/** Every owned load balancer named after `default/<name>`. */
export async function lbsOf(
  h: Harness,
  name: string,
  namespace = 'default',
): Promise<ObservedLoadBalancer[]> {
  return (await h.ownedLoadBalancers()).filter((lb) => lb.name === `${namespace}/${name}`);
}

/** True when the load balancer and every listener, pool and member is ACTIVE. */
export function treeActive(lb: ObservedLoadBalancer): boolean {
  return (
    lb.provisioningStatus === 'ACTIVE' &&
    lb.listeners.every((l) => l.provisioningStatus === 'ACTIVE') &&
    lb.pools.every(
      (p) => p.provisioningStatus === 'ACTIVE' && p.members.every((m) => m.provisioningStatus === 'ACTIVE'),
    )
  );
}

/** `address:port` of every member of `pool`, sorted. */
export function memberTargets(pool: ObservedPool | undefined): string[] {
  return (pool?.members ?? []).map((m) => `${m.address}:${m.protocolPort}`).sort();
}

/** `PROTOCOL:port` of every listener, sorted. */
export function listenerKeys(lb: ObservedLoadBalancer): string[] {
  return lb.listeners.map((l) => `${l.protocol}:${l.protocolPort}`).sort();
}

/** The default pool of the listener on `protocol:port`. */
export function poolOf(lb: ObservedLoadBalancer, protocol: string, port: number): ObservedPool | undefined {
  const listener = lb.listeners.find((l) => l.protocol === protocol && l.protocolPort === port);
  if (listener === undefined) return undefined;
  return lb.pools.find((p) => p.id === listener.defaultPoolId);
}

/**
 * Waits until the Service has exactly one load balancer, its whole tree is ACTIVE and
 * `check` holds; returns that tree.
 */
export async function waitForTree(
  h: Harness,
  name: string,
  what: string,
  check: (lb: ObservedLoadBalancer) => boolean = () => true,
): Promise<ObservedLoadBalancer> {
  let found: ObservedLoadBalancer | undefined;
  await waitFor(`${name}: ${what}`, SETTLE_MS, async () => {
    const lbs = await lbsOf(h, name);
    found = lbs[0];
    if (lbs.length !== 1 || found === undefined) return false;
    return treeActive(found) && check(found);
  });
  if (found === undefined) throw new Error(`${name}: no load balancer after waiting for ${what}`);
  return found;
}

/** The Service's KuryrLoadBalancer record, or null when absent. */
export function klbOf(h: Harness, name: string, namespace = 'default'): KuryrLoadBalancer | null {
  const obj = h.api.store.get({
    apiVersion: `${KLB_GROUP}/${KLB_VERSION}`,
    plural: KLB_PLURAL,
    namespace,
    name,
  });
  return obj === undefined ? null : (obj as unknown as KuryrLoadBalancer);
}

/** The Service as the API server holds it, or null. */
export function serviceOf(h: Harness, name: string, namespace = 'default'): V1Service | null {
  const obj = h.api.store.get({ plural: 'services', namespace, name });
  return obj === undefined ? null : (obj as unknown as V1Service);
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

/** Resolves true once Neutron answers 404 for the floating IP. */
export async function floatingIpGone(h: Harness, id: string): Promise<boolean> {
  try {
    await floatingips.get(h.cloud.session, id);
    return false;
  } catch (err) {
    if (err instanceof NotFoundError) return true;
    throw err;
  }
}

/** Waits until the Service's load balancer, its record and the Service itself (finalizer removed) are gone. */
export async function waitReleased(h: Harness, name: string): Promise<void> {
  await waitFor(`${name}: load balancer, record and Service gone`, SETTLE_MS, async () => {
    return (await lbsOf(h, name)).length === 0 && klbOf(h, name) === null && serviceOf(h, name) === null;
  });
}
