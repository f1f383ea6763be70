/**
 * Contract: list and watch with resourceVersion (API concepts "Efficient detection of
 * changes", "Resource versions", "Watch bookmarks"): a watch from a list's resourceVersion
 * sees every later change in order; without one it starts with synthetic ADDED events; an
 * expired resourceVersion answers 410 Gone (an ERROR event with code 410); selectors apply to
 * watches; BOOKMARK events carry only a resourceVersion; timeoutSeconds ends the stream;
 * exact lists from a recent resourceVersion; client-node's informer lists then follows.
 */
import { makeInformer, type V1Service } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WatchRecorder, apiFailure } from '../support/kube-apiserver/recorder.js';
import { WAIT_MS, target, testNamespace, until } from './target.js';

const t = target();
let ns: Awaited<ReturnType<typeof testNamespace>>;
const recorders: WatchRecorder[] = [];

beforeAll(async () => {
  ns = await testNamespace(t, 'watch');
});
afterEach(() => {
  for (const r of recorders.splice(0)) r.stop();
});
afterAll(async () => {
  await ns.remove();
});

const path = (): string => `/api/v1/namespaces/${ns.name}/services`;

async function watch(query: Record<string, string | number | boolean> = {}): Promise<WatchRecorder> {
  const recorder = await WatchRecorder.start(t.kc, path(), query);
  recorders.push(recorder);
  return recorder;
}

async function create(name: string, labels: Record<string, string> = {}): Promise<V1Service> {
  return t.core.createNamespacedService({
    namespace: ns.name,
    body: { metadata: { name, labels }, spec: { ports: [{ port: 80 }] } },
  });
}

async function clear(): Promise<void> {
  const list = await t.core.listNamespacedService({ namespace: ns.name });
  for (const s of list.items)
    await t.core.deleteNamespacedService({ namespace: ns.name, name: s.metadata?.name ?? '' });
}

describe('watch', () => {
  afterEach(clear);

  it('streams every change after the list resourceVersion, in order, without gaps', async () => {
    await create('before');
    const list = await t.core.listNamespacedService({ namespace: ns.name });
    // Changes made between the list and the watch must still be delivered.
    await create('a');
    await t.core.patchNamespacedService({
      namespace: ns.name,
      name: 'a',
      body: [{ op: 'add', path: '/metadata/labels', value: { x: '1' } }],
    });
    const recorder = await watch({ resourceVersion: list.metadata?.resourceVersion ?? '' });
    await t.core.deleteNamespacedService({ namespace: ns.name, name: 'before' });
    await recorder.waitForCount(3, WAIT_MS);
    expect(recorder.summary()).toEqual(['ADDED a', 'MODIFIED a', 'DELETED before']);
    const versions = recorder.events.map((e) => BigInt(e.object.metadata?.resourceVersion ?? '0'));
    expect(versions).toEqual([...versions].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    expect(new Set(versions).size).toBe(3);
  });

  it('starts with a synthetic ADDED per existing object when no resourceVersion is given', async () => {
    await create('x');
    await create('y');
    const recorder = await watch();
    await recorder.waitForCount(2, WAIT_MS);
    expect(recorder.summary().sort()).toEqual(['ADDED x', 'ADDED y']);
  });

  it('answers a too old resourceVersion with 410 Gone (an ERROR event with code 410), then ends', async () => {
    const recorder = await watch({ resourceVersion: '1' });
    await recorder.waitFor((r) => r.ended, WAIT_MS);
    const gone =
      recorder.events.some((e) => e.type === 'ERROR' && e.object.code === 410) ||
      (recorder.endError as { statusCode?: number } | null)?.statusCode === 410;
    expect(gone).toBe(true);
    const error = recorder.events.find((e) => e.type === 'ERROR');
    if (error !== undefined)
      expect(error.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
  });

  it('applies label selectors to both old and new state (leaving the selection is DELETED)', async () => {
    await create('in', { app: 'x' });
    const start = await create('out', { app: 'y' });
    const recorder = await watch({
      resourceVersion: start.metadata?.resourceVersion ?? '',
      labelSelector: 'app=x',
    });
    await t.core.patchNamespacedService({
      namespace: ns.name,
      name: 'out',
      body: [{ op: 'replace', path: '/metadata/labels/app', value: 'x' }],
    });
    await t.core.patchNamespacedService({
      namespace: ns.name,
      name: 'in',
      body: [{ op: 'replace', path: '/metadata/labels/app', value: 'z' }],
    });
    await recorder.waitForCount(2, WAIT_MS);
    expect(recorder.summary()).toEqual(['ADDED out', 'DELETED in']);
  });

  it('sends BOOKMARK events only with allowWatchBookmarks, carrying a usable resourceVersion', async () => {
    const start = await create('bm');
    const rv = start.metadata?.resourceVersion ?? '';
    const timeoutSeconds = t.real ? 10 : 2;
    const withBookmarks = await watch({ resourceVersion: rv, allowWatchBookmarks: true, timeoutSeconds });
    const without = await watch({ resourceVersion: rv, timeoutSeconds });
    await create('bm2');
    await withBookmarks.waitFor((r) => r.ended, WAIT_MS);
    await without.waitFor((r) => r.ended, WAIT_MS);
    expect(without.events.map((e) => e.type)).toEqual(['ADDED']);
    expect(withBookmarks.events.filter((e) => e.type !== 'BOOKMARK').map((e) => e.type)).toEqual(['ADDED']);
    const bookmarks = withBookmarks.events.filter((e) => e.type === 'BOOKMARK');
    // A real server may send none ("clients shouldn't assume bookmarks are returned"); the double does.
    if (!t.real) expect(bookmarks.length).toBeGreaterThan(0);
    for (const b of bookmarks) {
      expect(b.object).toMatchObject({ kind: 'Service', apiVersion: 'v1' });
      expect(b.object.metadata?.resourceVersion).toMatch(/^\d+$/);
      expect(b.object.metadata?.name).toBeUndefined();
    }
    const last = bookmarks[bookmarks.length - 1];
    if (last === undefined) return;
    const resumed = await watch({
      resourceVersion: last.object.metadata?.resourceVersion ?? '',
      timeoutSeconds: 1,
    });
    await resumed.waitFor((r) => r.ended, WAIT_MS);
    expect(resumed.events.filter((e) => e.type !== 'BOOKMARK')).toEqual([]);
  });

  it('ends the stream cleanly after timeoutSeconds', async () => {
    const recorder = await watch({ timeoutSeconds: 1 });
    await recorder.waitFor((r) => r.ended, WAIT_MS);
    expect(recorder.endError).toBeNull();
  });
});

describe('list resourceVersion semantics', () => {
  afterEach(clear);

  it('serves an exact recent resourceVersion (resourceVersionMatch=Exact) and the latest otherwise', async () => {
    const a = await create('a');
    await create('b');
    await t.core.deleteNamespacedService({ namespace: ns.name, name: 'a' });
    const rv = a.metadata?.resourceVersion ?? '';
    const past = await t.core.listNamespacedService({
      namespace: ns.name,
      resourceVersion: rv,
      resourceVersionMatch: 'Exact',
    });
    expect(past.items.map((s) => s.metadata?.name)).toEqual(['a']);
    expect(past.metadata?.resourceVersion).toBe(rv);
    const notOlder = await t.core.listNamespacedService({ namespace: ns.name, resourceVersion: rv });
    expect(notOlder.items.map((s) => s.metadata?.name)).toEqual(['b']);
  });

  it('answers an exact list from a too old resourceVersion with 410 Gone', async () => {
    const failure = await apiFailure(
      t.core.listNamespacedService({
        namespace: ns.name,
        resourceVersion: '1',
        resourceVersionMatch: 'Exact',
      }),
    );
    expect(failure.code).toBe(410);
    expect(failure.status).toMatchObject({ kind: 'Status', reason: 'Expired' });
  });
});

describe("client-node's informer", () => {
  it('lists, then follows adds, updates and deletes', async () => {
    await create('i1');
    const informer = makeInformer<V1Service>(t.kc, path(), () =>
      t.core.listNamespacedService({ namespace: ns.name }),
    );
    const names = () =>
      informer
        .list()
        .map((s) => s.metadata?.name ?? '')
        .sort()
        .join();
    try {
      await informer.start();
      expect(names()).toBe('i1');
      await create('i2');
      await t.core.patchNamespacedService({
        namespace: ns.name,
        name: 'i2',
        body: [{ op: 'add', path: '/metadata/labels', value: { seen: 'yes' } }],
      });
      await t.core.deleteNamespacedService({ namespace: ns.name, name: 'i1' });
      await until(
        () => names() === 'i2' && informer.get('i2', ns.name)?.metadata?.labels?.seen === 'yes',
        'informer convergence',
      );
    } finally {
      await informer.stop();
      await clear();
    }
  });
});
