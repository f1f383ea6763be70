/**
 * Contract: namespaces, object CRUD and the documented error shapes (API concepts; API
 * conventions "Response Status Kind"; "Object Names and IDs"): Status bodies with reason
 * NotFound / AlreadyExists / Conflict / Invalid, optimistic concurrency on resourceVersion,
 * label and field selectors, paginated lists, generateName.
 */
import { PatchStrategy, setHeaderOptions, type V1Service } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFailure, edited } from '../support/kube-apiserver/recorder.js';
import { target, testNamespace } from './target.js';

const t = target();
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
let ns: Awaited<ReturnType<typeof testNamespace>>;

beforeAll(async () => {
  ns = await testNamespace(t, 'objects');
});
afterAll(async () => {
  await ns.remove();
});

function service(name: string, labels: Record<string, string> = {}): { namespace: string; body: V1Service } {
  return { namespace: ns.name, body: { metadata: { name, labels }, spec: { ports: [{ port: 80 }] } } };
}

describe('namespaces', () => {
  it('kube-system exists and has a uid (a stable cluster identity)', async () => {
    const kubeSystem = await t.core.readNamespace({ name: 'kube-system' });
    expect(kubeSystem.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(kubeSystem.status?.phase).toBe('Active');
    const again = await t.core.readNamespace({ name: 'kube-system' });
    expect(again.metadata?.uid).toBe(kubeSystem.metadata?.uid);
  });

  it('a created namespace is Active; objects in a missing namespace are 404 NotFound', async () => {
    const mine = await t.core.readNamespace({ name: ns.name });
    expect(mine.status?.phase).toBe('Active');
    const failure = await apiFailure(
      t.core.createNamespacedService({ ...service('a'), namespace: `${ns.name}-missing` }),
    );
    expect(failure.code).toBe(404);
    expect(failure.status).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
    });
  });
});

describe('CRUD and error shapes', () => {
  it('creates with system metadata, reads, replaces (new resourceVersion), deletes; then 404 NotFound', async () => {
    const created = await t.core.createNamespacedService(service('web', { app: 'web' }));
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.metadata?.resourceVersion).toMatch(/^\d+$/);
    expect(created.spec?.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(created.spec?.ports?.[0]).toMatchObject({ port: 80, protocol: 'TCP' });
    const read = await t.core.readNamespacedService({ namespace: ns.name, name: 'web' });
    expect(read.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
    const replaced = await t.core.replaceNamespacedService({
      namespace: ns.name,
      name: 'web',
      body: edited(read, (s) => {
        Object.assign((s.metadata ??= {}), { labels: { app: 'web', tier: 'front' } });
      }),
    });
    expect(replaced.metadata?.labels).toEqual({ app: 'web', tier: 'front' });
    expect(replaced.metadata?.uid).toBe(created.metadata?.uid);
    expect(replaced.metadata?.resourceVersion).not.toBe(read.metadata?.resourceVersion);

    await t.core.deleteNamespacedService({ namespace: ns.name, name: 'web' });
    const failure = await apiFailure(t.core.readNamespacedService({ namespace: ns.name, name: 'web' }));
    expect(failure.code).toBe(404);
    expect(failure.status).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'services "web" not found',
      details: { name: 'web', kind: 'services' },
    });
  });

  it('answers 409 AlreadyExists to a create of an existing name', async () => {
    await t.core.createNamespacedService(service('dup'));
    const failure = await apiFailure(t.core.createNamespacedService(service('dup')));
    expect(failure.code).toBe(409);
    expect(failure.status).toMatchObject({
      reason: 'AlreadyExists',
      message: 'services "dup" already exists',
      details: { name: 'dup', kind: 'services' },
    });
  });

  it('answers 409 Conflict to a PUT with a stale resourceVersion and keeps the first write', async () => {
    const stale = await t.core.createNamespacedService(service('cas'));
    await t.core.replaceNamespacedService({
      namespace: ns.name,
      name: 'cas',
      body: edited(stale, (s) => {
        Object.assign((s.metadata ??= {}), { labels: { writer: 'first' } });
      }),
    });
    const failure = await apiFailure(
      t.core.replaceNamespacedService({
        namespace: ns.name,
        name: 'cas',
        body: edited(stale, (s) => {
          Object.assign((s.metadata ??= {}), { labels: { writer: 'second' } });
        }),
      }),
    );
    expect(failure.code).toBe(409);
    expect(failure.status).toMatchObject({ reason: 'Conflict', details: { name: 'cas', kind: 'services' } });
    expect(String(failure.status.message)).toContain('the object has been modified');
    const current = await t.core.readNamespacedService({ namespace: ns.name, name: 'cas' });
    expect(current.metadata?.labels).toEqual({ writer: 'first' });
  });

  it('answers 409 to a merge patch carrying a stale resourceVersion, applies one without', async () => {
    const created = await t.core.createNamespacedService(service('patch-cas'));
    const rv = created.metadata?.resourceVersion ?? '';
    const body = { metadata: { labels: { a: '1' } } };
    await t.core.patchNamespacedService({ namespace: ns.name, name: 'patch-cas', body }, merge);
    const stale = { metadata: { resourceVersion: rv, labels: { b: '2' } } };
    const failure = await apiFailure(
      t.core.patchNamespacedService({ namespace: ns.name, name: 'patch-cas', body: stale }, merge),
    );
    expect(failure.code).toBe(409);
    expect(failure.status).toMatchObject({ reason: 'Conflict' });
    const plain = { metadata: { labels: { b: '2' } } };
    const patched = await t.core.patchNamespacedService(
      { namespace: ns.name, name: 'patch-cas', body: plain },
      merge,
    );
    expect(patched.metadata?.labels).toEqual({ a: '1', b: '2' });
  });

  it('refuses a Service name that is not a DNS-1035 label with 422 Invalid', async () => {
    const failure = await apiFailure(t.core.createNamespacedService(service('1-Bad')));
    expect(failure.code).toBe(422);
    expect(failure.status).toMatchObject({ reason: 'Invalid', details: { kind: 'Service', name: '1-Bad' } });
  });

  it('refuses a change of spec.clusterIP with 422 Invalid', async () => {
    const created = await t.core.createNamespacedService(service('fixed-ip'));
    const failure = await apiFailure(
      t.core.patchNamespacedService(
        { namespace: ns.name, name: 'fixed-ip', body: { spec: { clusterIP: '10.255.255.254' } } },
        merge,
      ),
    );
    expect(failure.code).toBe(422);
    const read = await t.core.readNamespacedService({ namespace: ns.name, name: 'fixed-ip' });
    expect(read.spec?.clusterIP).toBe(created.spec?.clusterIP);
  });

  it('generates a unique name from generateName', async () => {
    const body = { metadata: { generateName: 'gen-' }, spec: { ports: [{ port: 80 }] } };
    const a = await t.core.createNamespacedService({ namespace: ns.name, body });
    const b = await t.core.createNamespacedService({ namespace: ns.name, body });
    expect(a.metadata?.name).toMatch(/^gen-[a-z0-9]+$/);
    expect(b.metadata?.name).toMatch(/^gen-[a-z0-9]+$/);
    expect(a.metadata?.name).not.toBe(b.metadata?.name);
  });
});

describe('lists', () => {
  let other: Awaited<ReturnType<typeof testNamespace>>;
  const run = `sel-${Date.now()}`;
  beforeAll(async () => {
    other = await testNamespace(t, 'objects-other');
    for (const [namespace, name, tier] of [
      [ns.name, 'sel-a', 'front'],
      [ns.name, 'sel-b', 'back'],
      [other.name, 'sel-c', 'front'],
    ] as const) {
      const body = { metadata: { name, labels: { tier, run } }, spec: { ports: [{ port: 80 }] } };
      await t.core.createNamespacedService({ namespace, body });
    }
  });
  afterAll(async () => {
    await other.remove();
  });

  const names = (items: V1Service[]) => items.map((s) => s.metadata?.name).sort();

  it('filters by label and field selectors, namespaced and across namespaces', async () => {
    const front = await t.core.listServiceForAllNamespaces({ labelSelector: `run=${run},tier=front` });
    expect(names(front.items)).toEqual(['sel-a', 'sel-c']);
    expect(front.metadata?.resourceVersion).toMatch(/^\d+$/);
    const set = await t.core.listServiceForAllNamespaces({ labelSelector: `run=${run},tier in (back)` });
    expect(names(set.items)).toEqual(['sel-b']);
    const notOther = await t.core.listServiceForAllNamespaces({
      labelSelector: `run=${run}`,
      fieldSelector: `metadata.namespace!=${other.name}`,
    });
    expect(names(notOther.items)).toEqual(['sel-a', 'sel-b']);
    const one = await t.core.listNamespacedService({
      namespace: ns.name,
      fieldSelector: 'metadata.name=sel-b',
    });
    expect(names(one.items)).toEqual(['sel-b']);
  });

  it('answers 400 BadRequest for a field selector the resource does not support', async () => {
    const failure = await apiFailure(
      t.core.listNamespacedService({ namespace: ns.name, fieldSelector: 'spec.nonexistent=1' }),
    );
    expect(failure.code).toBe(400);
    expect(failure.status).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
  });

  it('pages with limit and continue', async () => {
    const first = await t.core.listServiceForAllNamespaces({ labelSelector: `run=${run}`, limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.metadata?._continue).toBeTruthy();
    const rest = await t.core.listServiceForAllNamespaces({
      labelSelector: `run=${run}`,
      limit: 2,
      _continue: first.metadata?._continue ?? '',
    });
    expect(names([...first.items, ...rest.items])).toEqual(['sel-a', 'sel-b', 'sel-c']);
    expect(rest.metadata?._continue).toBeFalsy();
  });

  it('lists EndpointSlices of one Service by label across namespaces; deletes a collection of them (Services have none)', async () => {
    for (const [name, svc] of [
      ['dc-a', 'x'],
      ['dc-b', 'x'],
      ['dc-c', 'y'],
    ] as const) {
      const labels = { 'kubernetes.io/service-name': svc, run };
      await t.discovery.createNamespacedEndpointSlice({
        namespace: ns.name,
        body: { metadata: { name, labels }, addressType: 'IPv4', endpoints: [] },
      });
    }
    const forX = await t.discovery.listEndpointSliceForAllNamespaces({
      labelSelector: `kubernetes.io/service-name=x,run=${run}`,
    });
    expect(forX.items.map((s) => `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`).sort()).toEqual([
      `${ns.name}/dc-a`,
      `${ns.name}/dc-b`,
    ]);
    await t.discovery.deleteCollectionNamespacedEndpointSlice({
      namespace: ns.name,
      labelSelector: `run=${run},kubernetes.io/service-name=x`,
    });
    const left = await t.discovery.listNamespacedEndpointSlice({ namespace: ns.name });
    expect(left.items.map((s) => s.metadata?.name)).toEqual(['dc-c']);
    const svcResources = await t.core.getAPIResources();
    const services = svcResources.resources.find((r) => r.name === 'services');
    expect(services?.verbs).not.toContain('deletecollection');
  });
});
