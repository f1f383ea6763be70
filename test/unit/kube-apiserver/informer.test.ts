import {
  CoordinationV1Api,
  CoreV1Api,
  makeInformer,
  type Informer,
  type ObjectCache,
  type V1Service,
} from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../../support/kube-apiserver/recorder.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/server.js';

let server: KubeApiServer;
let core: CoreV1Api;
let informer: (Informer<V1Service> & ObjectCache<V1Service>) | undefined;

beforeEach(async () => {
  server = await startKubeApiServer();
  core = server.kubeConfig().makeApiClient(CoreV1Api);
});
afterEach(async () => {
  await informer?.stop();
  informer = undefined;
  await server.stop();
});

function names(): string[] {
  return (informer?.list() ?? []).map((s) => s.metadata?.name ?? '').sort();
}

function serverNames(): string[] {
  return server.store
    .list({ plural: 'services' })
    .map((s) => s.metadata.name ?? '')
    .sort();
}

async function create(name: string): Promise<void> {
  await core.createNamespacedService({
    namespace: 'default',
    body: { metadata: { name }, spec: { ports: [{ port: 80 }] } },
  });
}

async function startInformer(): Promise<{ connects: number; errors: unknown[] }> {
  const seen = { connects: 0, errors: [] as unknown[] };
  const kc = server.kubeConfig();
  const created = makeInformer<V1Service>(kc, '/api/v1/services', () => core.listServiceForAllNamespaces());
  created.on('connect', () => seen.connects++);
  created.on('error', (err) => seen.errors.push(err));
  informer = created;
  await created.start();
  return seen;
}

describe('client-node informer against the simulated server', () => {
  it('re-watches from its last resourceVersion after closeWatches()', async () => {
    await create('a');
    const seen = await startInformer();
    await eventually(() => server.activeWatches === 1);
    server.closeWatches();
    await create('b');
    await eventually(() => seen.connects >= 2 && server.activeWatches === 1);
    await create('c');
    await eventually(() => names().join() === 'a,b,c');
    expect(seen.errors).toEqual([]);
  });

  it('re-lists after a 410 Gone on re-watch', async () => {
    await create('a');
    const seen = await startInformer();
    await eventually(() => server.activeWatches === 1);
    // Another resource moves the global resourceVersion past the informer's, then compaction.
    await server
      .kubeConfig()
      .makeApiClient(CoordinationV1Api)
      .createNamespacedLease({ namespace: 'default', body: { metadata: { name: 'bump' }, spec: {} } });
    server.compactHistory();
    server.closeWatches();
    await eventually(() => server.expiredWatches === 1 && server.activeWatches === 1);
    await create('b');
    await eventually(() => names().join() === 'a,b');
    expect(seen.connects).toBeGreaterThanOrEqual(3);
    expect(seen.errors).toEqual([]);
  });

  it('converges after a restart from a compacted resourceVersion (adds and deletes made meanwhile)', async () => {
    await create('a');
    await create('b');
    await startInformer();
    await eventually(() => server.activeWatches === 1);
    const deleted: string[] = [];
    informer?.on('delete', (s) => deleted.push(s.metadata?.name ?? ''));
    await informer?.stop();
    await eventually(() => server.activeWatches === 0);
    await core.deleteNamespacedService({ namespace: 'default', name: 'a' });
    await create('c');
    server.compactHistory();
    await informer?.start();
    await eventually(() => names().join() === 'b,c' && server.activeWatches === 1);
    expect(server.expiredWatches).toBe(1);
    expect(names()).toEqual(serverNames());
    expect(deleted).toEqual(['a']);
  });

  it('re-lists when a watch request itself answers HTTP 410', async () => {
    await create('a');
    const seen = await startInformer();
    await eventually(() => server.activeWatches === 1);
    server.failNext({ method: 'GET', pathRegex: /\/services\?.*watch=true/, status: 410 });
    server.closeWatches();
    await eventually(() => seen.connects >= 3 && server.activeWatches === 1);
    await create('b');
    await eventually(() => names().join() === 'a,b');
    expect(seen.errors).toEqual([]);
  });

  it('reports an abrupt connection drop as an error; a restart recovers', async () => {
    await create('a');
    const seen = await startInformer();
    await eventually(() => server.activeWatches === 1);
    server.closeWatches({ abrupt: true });
    await eventually(() => seen.errors.length === 1);
    await create('b');
    await informer?.start();
    await eventually(() => names().join() === 'a,b');
  });
});
