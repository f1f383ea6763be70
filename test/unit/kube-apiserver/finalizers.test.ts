import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WatchRecorder } from '../../support/kube-apiserver/recorder.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/server.js';

const KLB = { group: 'openstack.org', version: 'v1', plural: 'kuryrloadbalancers', namespace: 'default' };
const KLB_REF = { apiVersion: 'openstack.org/v1', plural: 'kuryrloadbalancers', namespace: 'default' };

let server: KubeApiServer;
let core: CoreV1Api;
let custom: CustomObjectsApi;
let recorder: WatchRecorder | undefined;

beforeEach(async () => {
  server = await startKubeApiServer({ clock: { now: () => Date.parse('2026-01-02T03:04:05Z') } });
  core = server.kubeConfig().makeApiClient(CoreV1Api);
  custom = server.kubeConfig().makeApiClient(CustomObjectsApi);
});
afterEach(async () => {
  recorder?.stop();
  recorder = undefined;
  await server.stop();
});

async function createService(name: string, finalizers?: string[]): Promise<{ uid: string; rv: string }> {
  const created = await core.createNamespacedService({
    namespace: 'default',
    body: {
      metadata: { name, ...(finalizers === undefined ? {} : { finalizers }) },
      spec: { ports: [{ port: 80 }] },
    },
  });
  return { uid: created.metadata?.uid ?? '', rv: created.metadata?.resourceVersion ?? '' };
}

async function createKlb(
  name: string,
  owner: { name: string; uid: string },
  finalizers: string[] = [],
): Promise<void> {
  const ownerReferences = [
    { apiVersion: 'v1', kind: 'Service', name: owner.name, uid: owner.uid, controller: true },
  ];
  await custom.createNamespacedCustomObject({
    ...KLB,
    body: {
      apiVersion: 'openstack.org/v1',
      kind: 'KuryrLoadBalancer',
      metadata: { name, ownerReferences, finalizers },
      spec: {},
    },
  });
}

describe('finalizers', () => {
  it('stamps deletionTimestamp from the injected clock with grace 0; a repeated DELETE changes nothing', async () => {
    await createService('web', ['kuryr.openstack.org/service-finalizer']);
    const marked = await core.deleteNamespacedService({ namespace: 'default', name: 'web' });
    expect(marked.metadata?.deletionTimestamp).toEqual(new Date('2026-01-02T03:04:05Z'));
    expect(marked.metadata?.deletionGracePeriodSeconds).toBe(0);
    const again = await core.deleteNamespacedService({ namespace: 'default', name: 'web' });
    expect(again.metadata?.resourceVersion).toBe(marked.metadata?.resourceVersion);
  });

  it('answers 202 for a pending delete only with orphanDependents=false', async () => {
    await createService('web', ['hold']);
    const response = await fetch(`${server.url}/api/v1/namespaces/default/services/web`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ orphanDependents: false }),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ kind: 'Service', metadata: { name: 'web' } });
  });
  it('does not store empty metadata lists and maps (omitempty)', async () => {
    await core.createNamespacedService({
      namespace: 'default',
      body: { metadata: { name: 'web', labels: {}, finalizers: [] }, spec: { ports: [{ port: 80 }] } },
    });
    const stored = server.store.get({ plural: 'services', namespace: 'default', name: 'web' });
    expect(stored?.metadata).not.toHaveProperty('labels');
    expect(stored?.metadata).not.toHaveProperty('finalizers');
  });
});

describe('ownerReference garbage collection', () => {
  it('waits for the owner to be really gone, and keeps dependents with a live owner', async () => {
    const a = await createService('a', ['hold']);
    const b = await createService('b');
    const refs = [
      { apiVersion: 'v1', kind: 'Service', name: 'a', uid: a.uid },
      { apiVersion: 'v1', kind: 'Service', name: 'b', uid: b.uid },
    ];
    server.store.create({ ...KLB_REF }, { metadata: { name: 'shared', ownerReferences: refs } });
    server.store.create({ ...KLB_REF }, { metadata: { name: 'only-a', ownerReferences: refs.slice(0, 1) } });

    await core.deleteNamespacedService({ namespace: 'default', name: 'a' });
    expect(server.store.get({ ...KLB_REF, name: 'only-a' })).toBeDefined();
    server.store.patch(
      { plural: 'services', namespace: 'default', name: 'a' },
      { metadata: { finalizers: null } },
    );
    expect(server.store.get({ ...KLB_REF, name: 'only-a' })).toBeUndefined();
    expect(server.store.get({ ...KLB_REF, name: 'shared' })).toBeDefined();
    await core.deleteNamespacedService({ namespace: 'default', name: 'b' });
    expect(server.store.get({ ...KLB_REF, name: 'shared' })).toBeUndefined();
  });

  it('orphans dependents with propagationPolicy=Orphan', async () => {
    const owner = await createService('web');
    await createKlb('web', { name: 'web', ...owner });
    await core.deleteNamespacedService({ namespace: 'default', name: 'web', propagationPolicy: 'Orphan' });
    const kept = server.store.get({ ...KLB_REF, name: 'web' });
    expect(kept?.metadata.ownerReferences).toBeUndefined();
  });
});
