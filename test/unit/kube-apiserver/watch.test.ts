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
  it('answers an exact list from a compacted resourceVersion with 410 Expired', async () => {
    const rv = await createService('a');
    await createService('b');
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
