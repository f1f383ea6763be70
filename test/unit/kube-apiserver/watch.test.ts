import { CoordinationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WatchRecorder, apiFailure } from '../../support/kube-apiserver/recorder.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/server.js';

let server: KubeApiServer;
let core: CoreV1Api;
const recorders: WatchRecorder[] = [];

beforeEach(async () => {
  server = await startKubeApiServer({ historyLimit: 50 });
  core = server.kubeConfig().makeApiClient(CoreV1Api);
});
afterEach(async () => {
  for (const r of recorders.splice(0)) r.stop();
  await server.stop();
});

async function watch(
  path: string,
  query: Record<string, string | number | boolean> = {},
): Promise<WatchRecorder> {
  const recorder = await WatchRecorder.start(server.kubeConfig(), path, query);
  recorders.push(recorder);
  return recorder;
}

async function createService(name: string, labels: Record<string, string> = {}): Promise<string> {
  const created = await core.createNamespacedService({
    namespace: 'default',
    body: { metadata: { name, labels }, spec: { ports: [{ port: 80 }] } },
  });
  return created.metadata?.resourceVersion ?? '';
}

describe('watch', () => {
  it('streams every change after the list resourceVersion, in order, without gaps', async () => {
    await createService('before');
    const list = await core.listNamespacedService({ namespace: 'default' });
    // Changes made between the list and the watch must still be delivered.
    await createService('a');
    await core.patchNamespacedService({
      namespace: 'default',
      name: 'a',
      body: [{ op: 'add', path: '/metadata/labels', value: { x: '1' } }],
    });
    const recorder = await watch('/api/v1/namespaces/default/services', {
      resourceVersion: list.metadata?.resourceVersion ?? '',
    });
    await core.deleteNamespacedService({ namespace: 'default', name: 'before' });
    await recorder.waitForCount(3);
    expect(recorder.summary()).toEqual(['ADDED a', 'MODIFIED a', 'DELETED before']);
    const versions = recorder.events.map((e) => Number(e.object.metadata?.resourceVersion));
    expect(versions).toEqual([...versions].sort((x, y) => x - y));
    expect(versions[0]).toBeGreaterThan(Number(list.metadata?.resourceVersion));
  });

  it('starts with synthetic ADDED events when no resourceVersion is given, cluster-wide', async () => {
    await core.createNamespace({ body: { metadata: { name: 'other' } } });
    await createService('a');
    await core.createNamespacedService({
      namespace: 'other',
      body: { metadata: { name: 'b' }, spec: { ports: [{ port: 80 }] } },
    });
    const recorder = await watch('/api/v1/services');
    await recorder.waitForCount(2);
    expect(recorder.summary()).toEqual(['ADDED a', 'ADDED b']);
  });

  it('answers a compacted resourceVersion with an ERROR event carrying 410 Expired, then ends', async () => {
    const rv = await createService('a');
    await createService('b');
    server.compactHistory();
    const recorder = await watch('/api/v1/namespaces/default/services', { resourceVersion: rv });
    await recorder.waitFor((r) => r.ended);
    expect(recorder.events).toHaveLength(1);
    expect(recorder.events[0]?.type).toBe('ERROR');
    expect(recorder.events[0]?.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    expect(String(recorder.events[0]?.object.message)).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('expires versions that fell out of the bounded history', async () => {
    const rv = await createService('first');
    const leases = server.kubeConfig().makeApiClient(CoordinationV1Api);
    for (let i = 0; i < 60; i++) {
      await leases.createNamespacedLease({
        namespace: 'default',
        body: { metadata: { name: `l${i}` }, spec: {} },
      });
    }
    const recorder = await watch('/api/v1/namespaces/default/services', { resourceVersion: rv });
    await recorder.waitFor((r) => r.ended);
    expect(recorder.events[0]?.object).toMatchObject({ code: 410 });
  });

  it('applies label and field selectors to old and new state', async () => {
    await createService('a', { app: 'x' });
    const rv = await createService('b', { app: 'y' });
    const byLabel = await watch('/api/v1/namespaces/default/services', {
      resourceVersion: rv,
      labelSelector: 'app=x',
    });
    const byName = await watch('/api/v1/namespaces/default/services', {
      resourceVersion: rv,
      fieldSelector: 'metadata.name=b',
    });
    await core.patchNamespacedService({
      namespace: 'default',
      name: 'b',
      body: [{ op: 'replace', path: '/metadata/labels/app', value: 'x' }],
    });
    await core.patchNamespacedService({
      namespace: 'default',
      name: 'a',
      body: [{ op: 'replace', path: '/metadata/labels/app', value: 'z' }],
    });
    await byLabel.waitForCount(2);
    await byName.waitForCount(1);
    expect(byLabel.summary()).toEqual(['ADDED b', 'DELETED a']);
    expect(byName.summary()).toEqual(['MODIFIED b']);
  });

  it('sends bookmarks only when allowed', async () => {
    const rv = await createService('a');
    const withBookmarks = await watch('/api/v1/namespaces/default/services', {
      resourceVersion: rv,
      allowWatchBookmarks: true,
    });
    const without = await watch('/api/v1/namespaces/default/services', { resourceVersion: rv });
    await createService('b');
    await withBookmarks.waitForCount(1);
    await without.waitForCount(1);
    server.bookmark();
    await withBookmarks.waitForCount(2);
    expect(withBookmarks.events[1]).toMatchObject({
      type: 'BOOKMARK',
      object: {
        kind: 'Service',
        apiVersion: 'v1',
        metadata: { resourceVersion: String(server.store.resourceVersion) },
      },
    });
    await createService('c');
    await without.waitForCount(2);
    expect(without.summary()).toEqual(['ADDED b', 'ADDED c']);
  });

  it('ends the stream after timeoutSeconds', async () => {
    const recorder = await watch('/api/v1/namespaces/default/services', { timeoutSeconds: 1 });
    await recorder.waitFor((r) => r.ended, 3000);
    expect(recorder.endError).toBeNull();
    expect(server.activeWatches).toBe(0);
  });

  it('accepts watch=1 and rejects bad selectors with 400 before streaming', async () => {
    const response = await fetch(
      `${server.url}/api/v1/namespaces/default/services?watch=1&labelSelector=a%20in%20(`,
      {
        headers: { authorization: `Bearer ${server.token}` },
      },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
  });
});

describe('list resourceVersion semantics', () => {
  it('serves an exact past version from history, and 410 once compacted', async () => {
    const rv = await createService('a');
    await createService('b');
    await core.deleteNamespacedService({ namespace: 'default', name: 'a' });
    const past = await core.listNamespacedService({
      namespace: 'default',
      resourceVersion: rv,
      resourceVersionMatch: 'Exact',
    });
    expect(past.items.map((s) => s.metadata?.name)).toEqual(['a']);
    expect(past.metadata?.resourceVersion).toBe(rv);
    const notOlder = await core.listNamespacedService({ namespace: 'default', resourceVersion: rv });
    expect(notOlder.items.map((s) => s.metadata?.name)).toEqual(['b']);
    server.compactHistory();
    const gone = await apiFailure(
      core.listNamespacedService({
        namespace: 'default',
        resourceVersion: rv,
        resourceVersionMatch: 'Exact',
      }),
    );
    expect(gone.code).toBe(410);
    expect(gone.status).toMatchObject({ reason: 'Expired' });
  });

  it('answers 504 for a resourceVersion from the future', async () => {
    const failure = await apiFailure(
      core.listNamespacedService({ namespace: 'default', resourceVersion: '999999' }),
    );
    expect(failure.code).toBe(504);
    expect(failure.status).toMatchObject({ reason: 'Timeout' });
  });

  it('pages with limit/continue over one consistent snapshot', async () => {
    for (const name of ['a', 'b', 'c']) await createService(name);
    const first = await core.listNamespacedService({ namespace: 'default', limit: 2 });
    expect(first.items.map((s) => s.metadata?.name)).toEqual(['a', 'b']);
    expect(first.metadata?.remainingItemCount).toBe(1);
    await createService('d');
    const rest = await core.listNamespacedService({
      namespace: 'default',
      limit: 2,
      _continue: first.metadata?._continue ?? '',
    });
    expect(rest.items.map((s) => s.metadata?.name)).toEqual(['c']);
    expect(rest.metadata?._continue).toBeUndefined();
  });
});
