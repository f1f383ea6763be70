/**
 * Small helpers for the part-B e2e scenarios (ClusterIP change, type change, floating IP
 * change, drift, bad Service, crash safety): read what Octavia, Neutron and the simulated
 * API server hold for one Service, and write Services the way a user would.
 */
import { afterAll, beforeAll } from 'vitest';
import type { CoreV1Event, V1Service } from '@kubernetes/client-node';
import type { ObservedFloatingIp } from '../../src/core/model.js';
import * as floatingips from '../../src/openstack/neutron/floatingips.js';
import {
  serviceManifest,
  startHarness,
  sliceManifest,
  waitFor,
  type Harness,
  type HarnessOptions,
  type OwnedTree,
} from '../support/e2e-harness.js';

/**
 * Generous bound for anything Octavia must do (create, cascade delete, a few updates). On a
 * loaded two-core machine an amphora-less create was seen to take a minute and a FIP
 * delete 20 s, so this is far above the usual 3-20 s.
 */
export const CONVERGE_MS = 300_000;

/** vitest timeout of one scenario (several convergences in a row). */
export const SCENARIO_MS = 900_000;

/** vitest timeout of beforeAll/afterAll (dispose waits for every release). */
export const HOOK_MS = 400_000;

/** The namespace every part-B scenario uses. */
export const NS = 'default';

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

/** The owned load balancer trees named after Service `name` (any incarnation, any VIP). */
export async function treesFor(h: Harness, name: string): Promise<OwnedTree[]> {
  return (await h.ownedLoadBalancers()).filter((lb) => lb.name === `${NS}/${name}`);
}

/** True when the tree and all its children are ACTIVE, with `members` members in its one pool. */
export function settled(lb: OwnedTree | undefined, members: number): lb is OwnedTree {
  if (lb?.provisioningStatus !== 'ACTIVE') return false;
  const children = [...lb.listeners, ...lb.pools, ...lb.pools.flatMap((p) => p.members)];
  return (
    children.every((c) => c.provisioningStatus === 'ACTIVE') &&
    lb.listeners.length === 1 &&
    lb.pools.length === 1 &&
    lb.pools[0]?.members.length === members
  );
}

/** Waits until Service `name` has exactly one owned LB, settled on `vip` with `members` members; returns it. */
export async function waitSettled(
  h: Harness,
  name: string,
  vip: string,
  members: number,
): Promise<OwnedTree> {
  return waitForValue(`${name}: one ACTIVE LB on ${vip} with ${members} member(s)`, async () => {
    const trees = await treesFor(h, name);
    const [only] = trees;
    return trees.length === 1 && only?.vipAddress === vip && settled(only, members) ? only : null;
  });
}

/** Polls `probe` (within CONVERGE_MS) until it returns a value other than null, and returns it. */
export async function waitForValue<T>(what: string, probe: () => Promise<T | null>): Promise<T> {
  const box: { value: T | null } = { value: null };
  await waitFor(what, CONVERGE_MS, async () => {
    box.value = await probe();
    return box.value !== null;
  });
  if (box.value === null) throw new Error(`${what}: no value`);
  return box.value;
}

/** The ingress IPs in the Service's status (empty when none or when the Service is gone). */
export async function ingressOf(h: Harness, name: string): Promise<string[]> {
  const svc = await h.core.readNamespacedService({ name, namespace: NS });
  return (svc.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip === undefined ? [] : [i.ip]));
}

/** Waits until the Service's ingress equals `ips`. */
export async function waitIngress(h: Harness, name: string, ips: readonly string[]): Promise<void> {
  await waitFor(`${name}: ingress = [${ips.join(', ')}]`, CONVERGE_MS, async () => {
    const now = await ingressOf(h, name);
    return now.length === ips.length && now.every((ip, i) => ip === ips[i]);
  });
}

/** Owned floating IPs of this harness, fresh from Neutron. */
export async function ownedFips(h: Harness): Promise<ObservedFloatingIp[]> {
  return h.ownedFloatingIps();
}

/** A floating IP as Neutron holds it now, or null when it no longer exists. */
export async function fipById(h: Harness, id: string): Promise<floatingips.FloatingIpRecord | null> {
  const all = await floatingips.listAll(h.cloud.session, {});
  return all.find((f) => f.id === id) ?? null;
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

/** A KuryrLoadBalancer condition of Service `name`, or null (no record or no such condition). */
export async function klbCondition(
  h: Harness,
  name: string,
  type: string,
): Promise<{ status: string; reason?: string; message?: string } | null> {
  try {
    const klb = (await h.custom.getNamespacedCustomObject({
      group: 'openstack.org',
      version: 'v1',
      namespace: NS,
      plural: 'kuryrloadbalancers',
      name,
    })) as {
      status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
    };
    return klb.status?.conditions?.find((c) => c.type === type) ?? null;
  } catch {
    return null;
  }
}

/** The Events recorded for Service `name`. */
export async function eventsFor(h: Harness, name: string): Promise<CoreV1Event[]> {
  const list = await h.core.listNamespacedEvent({
    namespace: NS,
    fieldSelector: `involvedObject.name=${name}`,
  });
  return list.items;
}

/** Sum of `count` over Events of Service `name` with `reason` (a repeat bumps count). */
export async function eventCount(h: Harness, name: string, reason: string): Promise<number> {
  return (await eventsFor(h, name))
    .filter((e) => e.reason === reason)
    .reduce((sum, e) => sum + (e.count ?? 1), 0);
}

/** Deletes Service `name` (its finalizer keeps it until the controller released it). */
export async function deleteService(h: Harness, name: string): Promise<void> {
  await h.core.deleteNamespacedService({ name, namespace: NS });
}

/** Waits until Service `name` is gone from the API server. */
export async function waitServiceGone(h: Harness, name: string): Promise<void> {
  await waitFor(`${name}: Service gone`, CONVERGE_MS, async () => {
    const list = await h.core.listNamespacedService({ namespace: NS });
    return !list.items.some((s) => s.metadata?.name === name);
  });
}

/**
 * Registers the hooks of a describe block: a harness (with `options`) and a running controller, handed to
 * `use`; at the end the floating IPs the test made by hand (`handMade`, filled as it goes)
 * are deleted, then the harness is disposed (dispose only sees tagged objects).
 */
export function useHarness(
  use: (h: Harness) => void,
  handMade: string[] = [],
  options: HarnessOptions = {},
): void {
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await startHarness(options);
    use(harness);
    await harness.startController();
  }, HOOK_MS);
  afterAll(async () => {
    if (harness === undefined) return;
    try {
      await deleteUserFips(harness, handMade);
    } finally {
      await harness.dispose();
    }
  }, HOOK_MS);
}
