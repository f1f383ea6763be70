import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { V1Service } from '@kubernetes/client-node';
import { makeKubeClients, type KubeClients } from '../../../src/kube/clients.js';
import { KubeApiError } from '../../../src/kube/errors.js';
import {
  addFinalizer,
  hasFinalizer,
  ingressIps,
  removeFinalizer,
  SERVICE_FINALIZER,
  setIngress,
} from '../../../src/kube/service-writes.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/index.js';

let server: KubeApiServer;
let clients: KubeClients;
let svc: V1Service;
const signal = new AbortController().signal;

beforeEach(async () => {
  server = await startKubeApiServer();
  clients = makeKubeClients(server.kubeConfig());
  svc = await clients.core.createNamespacedService({
    namespace: 'default',
    body: {
      metadata: { name: 'web', finalizers: ['example.com/other'] },
      spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
    },
  });
});
afterEach(async () => {
  await server.stop();
});

const stored = () => server.store.get({ plural: 'services', namespace: 'default', name: 'web' });

async function thrown(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => null,
    (e: unknown) => e,
  );
}

describe('finalizer writes', () => {
  it('adds ours next to the others, once', async () => {
    const added = await addFinalizer(clients, svc, signal);
    expect(hasFinalizer(added)).toBe(true);
    expect(stored()?.metadata.finalizers).toEqual(['example.com/other', SERVICE_FINALIZER]);
    const rv = server.store.resourceVersion;
    const again = await addFinalizer(clients, added, signal);
    expect(again).toBe(added);
    expect(server.store.resourceVersion).toBe(rv);
  });

  it('removes only ours, and is a no-op when it is absent', async () => {
    const added = await addFinalizer(clients, svc, signal);
    const removed = await removeFinalizer(clients, added, signal);
    expect(hasFinalizer(removed)).toBe(false);
    expect(stored()?.metadata.finalizers).toEqual(['example.com/other']);
    const rv = server.store.resourceVersion;
    await removeFinalizer(clients, removed, signal);
    expect(server.store.resourceVersion).toBe(rv);
  });

  it('a stale resourceVersion is a KubeApiError with isConflict, and nothing is overwritten', async () => {
    server.store.patch(
      { plural: 'services', namespace: 'default', name: 'web' },
      { metadata: { finalizers: ['example.com/other', 'example.com/third'] } },
    );
    const err = await thrown(addFinalizer(clients, svc, signal));
    expect(err).toBeInstanceOf(KubeApiError);
    expect((err as KubeApiError).isConflict).toBe(true);
    expect((err as KubeApiError).reason).toBe('Conflict');
    expect((err as KubeApiError).statusCode).toBe(409);
    expect((err as KubeApiError).message).toContain(
      'service.patch Service default/web finalizers failed (HTTP 409 Conflict)',
    );
    expect(stored()?.metadata.finalizers).toEqual(['example.com/other', 'example.com/third']);
  });

  it('removing ours lets a deleting Service go', async () => {
    const added = await addFinalizer(clients, svc, signal);
    await clients.core.deleteNamespacedService({ name: 'web', namespace: 'default' });
    server.store.patch(
      { plural: 'services', namespace: 'default', name: 'web' },
      { metadata: { finalizers: [SERVICE_FINALIZER] } },
    );
    const deleting = await clients.core.readNamespacedService({ name: 'web', namespace: 'default' });
    expect(deleting.metadata?.deletionTimestamp).toBeDefined();
    expect(hasFinalizer(added)).toBe(true);
    await removeFinalizer(clients, deleting, signal);
    expect(stored()).toBeUndefined();
  });

  it('removing ours from a Service already gone (a stale cache entry) is done, not an error', async () => {
    const added = await addFinalizer(clients, svc, signal);
    await clients.core.deleteNamespacedService({ name: 'web', namespace: 'default' });
    server.store.patch(
      { plural: 'services', namespace: 'default', name: 'web' },
      { metadata: { finalizers: [SERVICE_FINALIZER] } },
    );
    const deleting = await clients.core.readNamespacedService({ name: 'web', namespace: 'default' });
    await removeFinalizer(clients, deleting, signal);
    expect(stored()).toBeUndefined();
    // The same stale copy again, as a second pass on an outdated cache would hold it.
    expect(hasFinalizer(added)).toBe(true);
    await expect(removeFinalizer(clients, deleting, signal)).resolves.toBe(deleting);
  });

  it('other failures of the finalizer removal are still thrown', async () => {
    const added = await addFinalizer(clients, svc, signal);
    server.store.patch(
      { plural: 'services', namespace: 'default', name: 'web' },
      { metadata: { labels: { changed: 'yes' } } },
    );
    const err = await thrown(removeFinalizer(clients, added, signal));
    expect(err).toBeInstanceOf(KubeApiError);
    expect((err as KubeApiError).isConflict).toBe(true);
  });
});

describe('ingress writes', () => {
  it('sets, keeps and clears status.loadBalancer.ingress, returning the written Service', async () => {
    const set = await setIngress(clients, svc, ['203.0.113.5'], signal);
    expect(ingressIps(set)).toEqual(['203.0.113.5']);
    expect(stored()?.status).toMatchObject({ loadBalancer: { ingress: [{ ip: '203.0.113.5' }] } });

    const rv = server.store.resourceVersion;
    expect(await setIngress(clients, set, ['203.0.113.5'], signal)).toBe(set);
    expect(server.store.resourceVersion).toBe(rv);

    const cleared = await setIngress(clients, set, [], signal);
    expect(ingressIps(cleared)).toEqual([]);
    // The written Service carries the new resourceVersion a following finalizer patch needs.
    await expect(addFinalizer(clients, cleared, signal)).resolves.toBeDefined();
  });
});
