import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyJsonPatch, applyMergePatch } from '../../support/kube-apiserver/patch.js';
import { StatusError } from '../../support/kube-apiserver/status.js';
import { apiFailure } from '../../support/kube-apiserver/recorder.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/server.js';

describe('RFC 7386 merge patch', () => {
  // The examples of RFC 7386 appendix A.
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });
});

describe('RFC 6902 JSON patch', () => {
  it('adds, removes, replaces, moves, copies and tests', () => {
    const doc = { a: { b: [1, 2] }, c: 'x' };
    const result = applyJsonPatch(doc, [
      { op: 'add', path: '/a/b/1', value: 9 },
      { op: 'add', path: '/a/b/-', value: 3 },
      { op: 'remove', path: '/c' },
      { op: 'replace', path: '/a/b/0', value: 0 },
      { op: 'copy', from: '/a/b', path: '/d' },
      { op: 'move', from: '/d', path: '/e' },
      { op: 'test', path: '/e', value: [0, 9, 2, 3] },
      { op: 'add', path: '/f~1g', value: { 'h~i': true } },
      { op: 'test', path: '/f~1g/h~0i', value: true },
    ]);
    expect(result).toEqual({ a: { b: [0, 9, 2, 3] }, e: [0, 9, 2, 3], 'f/g': { 'h~i': true } });
    expect(doc).toEqual({ a: { b: [1, 2] }, c: 'x' });
  });

  it.each([
    [[{ op: 'test', path: '/a', value: 2 }]],
    [[{ op: 'remove', path: '/missing' }]],
    [[{ op: 'replace', path: '/missing', value: 1 }]],
    [[{ op: 'add', path: '/x/y', value: 1 }]],
    [[{ op: 'add', path: '/list/5', value: 1 }]],
    [[{ op: 'move', from: '/obj', path: '/obj/inner' }]],
  ])('fails as a whole on %j', (ops) => {
    expect(() => applyJsonPatch({ a: 1, list: [], obj: {} }, ops)).toThrow(StatusError);
  });
});

describe('PATCH through client-node', () => {
  let server: KubeApiServer;
  let core: CoreV1Api;
  beforeEach(async () => {
    server = await startKubeApiServer();
    core = server.kubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespacedService({
      namespace: 'default',
      body: { metadata: { name: 'web', labels: { a: '1', b: '2' } }, spec: { ports: [{ port: 80 }] } },
    });
  });
  afterEach(async () => {
    await server.stop();
  });
  it('answers a failed JSON patch test with 422 and leaves the object unchanged', async () => {
    const before = server.store.get({ plural: 'services', namespace: 'default', name: 'web' });
    const failure = await apiFailure(
      core.patchNamespacedService({
        namespace: 'default',
        name: 'web',
        body: [
          { op: 'add', path: '/metadata/labels/z', value: '9' },
          { op: 'test', path: '/metadata/labels/a', value: 'other' },
        ],
      }),
    );
    expect(failure.code).toBe(422);
    expect(server.store.get({ plural: 'services', namespace: 'default', name: 'web' })).toEqual(before);
  });

  it('refuses server-side apply with 415', async () => {
    const failure = await apiFailure(
      core.patchNamespacedService(
        { namespace: 'default', name: 'web', body: { metadata: { labels: { q: 'r' } } } },
        setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
      ),
    );
    expect(failure.code).toBe(415);
  });
});
