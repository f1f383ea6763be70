import { describe, expect, it } from 'vitest';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { silentLogger } from '../../../src/engine/observability.js';
import { ReflectedStore } from '../../../src/kube/reflected-store.js';
import { ObjectStore, storeKeyOf } from '../../../src/kube/store.js';

const obj = (name: string, rv: string, data: Record<string, string> = {}): V1ConfigMap => ({
  metadata: { namespace: 'ns', name, resourceVersion: rv },
  data,
});

function recording() {
  const calls: string[] = [];
  const store = new ReflectedStore<V1ConfigMap>({
    resource: 'configmaps',
    logger: silentLogger(),
    handlers: {
      add: (o) => calls.push(`add ${o.metadata?.name ?? ''}@${o.metadata?.resourceVersion ?? ''}`),
      update: (a, b) =>
        calls.push(
          `update ${a.metadata?.name ?? ''}@${a.metadata?.resourceVersion ?? ''}->${b.metadata?.resourceVersion ?? ''}`,
        ),
      delete: (o) => calls.push(`delete ${o.metadata?.name ?? ''}`),
    },
  });
  return { store, calls, rv: (name: string) => store.objects.get(`ns/${name}`)?.metadata?.resourceVersion };
}

describe('ReflectedStore', () => {
  it('a list applied page by page stores each page at once and deletes what it lacked only when finished', () => {
    const { store, calls, rv } = recording();
    store.replace([obj('a', '1'), obj('b', '2'), obj('c', '3')], '3');
    calls.length = 0;
    const list = store.beginList();
    list.page([obj('a', '4')]);
    // The newer copy is served before the list ends; b and c are still there.
    expect(rv('a')).toBe('4');
    expect(rv('b')).toBe('2');
    list.page([obj('c', '3')]);
    expect(calls).toEqual(['update a@1->4']);
    list.finish('5');
    expect(calls).toEqual(['update a@1->4', 'delete b']);
    expect([...store.objects.keys()].sort()).toEqual(['a', 'c'].map((n) => `ns/${n}`));
  });

  it('a paged list that fails or restarts part-way deletes nothing; after a restart only the last attempt counts', () => {
    const { store, calls } = recording();
    store.replace([obj('a', '1'), obj('b', '2')], '2');
    calls.length = 0;
    const failed = store.beginList();
    failed.page([obj('a', '3')]);
    // Never finished (the next page failed): b stays.
    expect([...store.objects.keys()].sort()).toEqual(['ns/a', 'ns/b']);

    const restarted = store.beginList();
    restarted.page([obj('a', '3'), obj('b', '2')]);
    restarted.restart();
    restarted.page([obj('a', '3')]);
    restarted.finish('6');
    expect(calls).toEqual(['update a@1->3', 'delete b']);
  });

  it('stores objects without managedFields, whether listed, watched or noted, and keeps every other field', () => {
    const { store } = recording();
    const managed = (name: string, rv: string): V1ConfigMap => ({
      data: { k: 'v' },
      metadata: {
        namespace: 'ns',
        name,
        resourceVersion: rv,
        labels: { app: 'x' },
        managedFields: [
          { manager: 'kubectl', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } },
        ],
      },
    });
    store.replace([managed('a', '1')], '1');
    store.applyEvent('ADDED', managed('b', '2'));
    store.note(managed('c', '3'));
    for (const name of ['a', 'b', 'c']) {
      const held = store.objects.get(`ns/${name}`);
      expect(held?.metadata?.managedFields).toBeUndefined();
      expect(held?.metadata?.labels).toEqual({ app: 'x' });
      expect(held?.data).toEqual({ k: 'v' });
    }
  });

  it('a list replaces the content: adds, updates only when the resourceVersion moved, deletes what is missing', () => {
    const { store, calls } = recording();
    store.replace([obj('a', '1'), obj('b', '2')], '2');
    store.replace([obj('a', '1'), obj('b', '3'), obj('c', '4')], '4');
    store.replace([obj('c', '4')], '5');
    expect(calls).toEqual(['add a@1', 'add b@2', 'update b@2->3', 'add c@4', 'delete a', 'delete b']);
  });

  it('watch events: add, update with old and new, delete of a known object only', () => {
    const { store, calls } = recording();
    store.applyEvent('ADDED', obj('a', '1'));
    store.applyEvent('MODIFIED', obj('a', '2'));
    store.applyEvent('DELETED', obj('a', '3'));
    store.applyEvent('DELETED', obj('never-seen', '4'));
    expect(calls).toEqual(['add a@1', 'update a@1->2', 'delete a']);
  });

  it('a noted write is served at once, and older events and lists do not replace it', () => {
    const { store, calls, rv } = recording();
    store.applyEvent('ADDED', obj('a', '10'));
    store.note(obj('a', '12', { ours: 'yes' }));
    expect(rv('a')).toBe('12');
    store.applyEvent('MODIFIED', obj('a', '11'));
    store.replace([obj('a', '11')], '11');
    store.applyEvent('DELETED', obj('a', '11'));
    expect(rv('a')).toBe('12');
    expect(calls).toEqual(['add a@10']);
    // The server's own event for our write replaces the note (old = our copy: same content).
    store.applyEvent('MODIFIED', obj('a', '12', { ours: 'yes' }));
    expect(calls).toEqual(['add a@10', 'update a@12->12']);
    // From then on the note is gone: events apply as usual.
    store.applyEvent('MODIFIED', obj('a', '13'));
    expect(rv('a')).toBe('13');
  });

  it('a noted create newer than a list snapshot is not deleted by that list', () => {
    const { store, rv } = recording();
    store.note(obj('new', '20'));
    store.replace([], '19');
    expect(rv('new')).toBe('20');
    store.replace([], '21');
    expect(rv('new')).toBeUndefined();
  });

  it('a note older than what is stored is ignored', () => {
    const { store, rv } = recording();
    store.applyEvent('ADDED', obj('a', '30'));
    store.note(obj('a', '29'));
    expect(rv('a')).toBe('30');
  });

  it('a throwing callback is contained', () => {
    const store = new ReflectedStore<V1ConfigMap>({
      resource: 'configmaps',
      logger: silentLogger(),
      handlers: {
        add: () => {
          throw new Error('boom');
        },
      },
    });
    store.applyEvent('ADDED', obj('a', '1'));
    expect(store.objects.get('ns/a')).toBeDefined();
  });
});

describe('ObjectStore index', () => {
  it('files objects under their index keys and moves them when the keys change', () => {
    const store = new ObjectStore<V1ConfigMap>({
      owner: (o) => (o.data?.owner === undefined ? [] : [o.data.owner]),
    });
    store.set('ns/a', obj('a', '1', { owner: 'x' }));
    store.set('ns/b', obj('b', '1', { owner: 'x' }));
    store.set('ns/c', obj('c', '1'));
    expect(
      store
        .byIndex('owner', 'x')
        .map((o) => o.metadata?.name)
        .sort(),
    ).toEqual(['a', 'b']);
    store.set('ns/a', obj('a', '2', { owner: 'y' }));
    expect(store.byIndex('owner', 'x').map((o) => o.metadata?.name)).toEqual(['b']);
    expect(store.byIndex('owner', 'y').map((o) => o.metadata?.name)).toEqual(['a']);
    store.delete('ns/b');
    expect(store.byIndex('owner', 'x')).toEqual([]);
    expect(() => store.byIndex('nope', 'x')).toThrow('no indexer "nope"');
  });

  it('keys are namespace/name, or name for cluster-scoped objects', () => {
    expect(storeKeyOf({ metadata: { namespace: 'a', name: 'b' } })).toBe('a/b');
    expect(storeKeyOf({ metadata: { name: 'kube-system' } })).toBe('kube-system');
    expect(storeKeyOf({ metadata: {} })).toBeNull();
  });
});
