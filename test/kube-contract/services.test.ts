/**
 * Contract: what the controller does to Services. Finalizers ("Finalizers" concept page):
 * DELETE of an object with finalizers sets deletionTimestamp and keeps it, new finalizers are
 * refused while it is deleting, removing the last one deletes it. Delete preconditions. The
 * status subresource (API conventions "Spec and Status"): status ignored on create and main
 * writes, spec ignored through /status. Merge patch (RFC 7386, null deletes), JSON patch
 * (RFC 6902), strategic merge patch on maps.
 */
import { PatchStrategy, setHeaderOptions, type V1Service } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WatchRecorder, apiFailure, edited } from '../support/kube-apiserver/recorder.js';
import { WAIT_MS, target, testNamespace } from './target.js';

const t = target();
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const FINALIZER = 'kuryr.openstack.org/service-finalizer';
let ns: Awaited<ReturnType<typeof testNamespace>>;

beforeAll(async () => {
  ns = await testNamespace(t, 'services');
});
afterAll(async () => {
  await ns.remove();
});

async function create(
  name: string,
  extra: Pick<V1Service, 'spec' | 'status'> = {},
  finalizers?: string[],
): Promise<V1Service> {
  const body: V1Service = {
    metadata: { name, ...(finalizers === undefined ? {} : { finalizers }) },
    spec: extra.spec ?? { ports: [{ port: 80 }] },
    ...(extra.status === undefined ? {} : { status: extra.status }),
  };
  return t.core.createNamespacedService({ namespace: ns.name, body });
}

async function exists(name: string): Promise<boolean> {
  try {
    await t.core.readNamespacedService({ namespace: ns.name, name });
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return false;
    throw error;
  }
}

describe('finalizers and deletionTimestamp', () => {
  it('DELETE keeps an object with finalizers, marked; removing the last finalizer deletes it', async () => {
    const created = await create('fin', {}, [FINALIZER]);
    const recorder = await WatchRecorder.start(t.kc, `/api/v1/namespaces/${ns.name}/services`, {
      resourceVersion: created.metadata?.resourceVersion ?? '',
    });
    try {
      const marked = await t.core.deleteNamespacedService({ namespace: ns.name, name: 'fin' });
      expect(marked.metadata?.deletionTimestamp).toBeInstanceOf(Date);
      expect(marked.metadata?.finalizers).toEqual([FINALIZER]);
      expect(await exists('fin')).toBe(true);
      const read = await t.core.readNamespacedService({ namespace: ns.name, name: 'fin' });
      expect(read.metadata?.deletionTimestamp).toEqual(marked.metadata?.deletionTimestamp);

      // The controller's removal: a merge patch carrying the observed resourceVersion.
      const body = { metadata: { resourceVersion: read.metadata?.resourceVersion, finalizers: [] } };
      await t.core.patchNamespacedService({ namespace: ns.name, name: 'fin', body }, merge);
      expect(await exists('fin')).toBe(false);
      await recorder.waitFor((r) => r.summary().includes('DELETED fin'), WAIT_MS);
      // Emptying the finalizers of a deleting object deletes it instead of storing the update.
      expect(recorder.summary()).toEqual(['MODIFIED fin', 'DELETED fin']);
      expect(recorder.events[0]?.object.metadata).toHaveProperty('deletionTimestamp');
    } finally {
      recorder.stop();
    }
  });

  it('refuses a new finalizer on an object being deleted (422), keeps removing allowed', async () => {
    await create('no-new', {}, ['a.example.com/one', 'a.example.com/two']);
    await t.core.deleteNamespacedService({ namespace: ns.name, name: 'no-new' });
    const add = { metadata: { finalizers: ['a.example.com/one', 'a.example.com/two', FINALIZER] } };
    const failure = await apiFailure(
      t.core.patchNamespacedService({ namespace: ns.name, name: 'no-new', body: add }, merge),
    );
    expect(failure.code).toBe(422);
    expect(failure.status).toMatchObject({ kind: 'Status', reason: 'Invalid' });
    const fewer = { metadata: { finalizers: ['a.example.com/two'] } };
    const kept = await t.core.patchNamespacedService(
      { namespace: ns.name, name: 'no-new', body: fewer },
      merge,
    );
    expect(kept.metadata?.finalizers).toEqual(['a.example.com/two']);
    await t.core.patchNamespacedService(
      { namespace: ns.name, name: 'no-new', body: { metadata: { finalizers: null } } },
      merge,
    );
    expect(await exists('no-new')).toBe(false);
  });

  it('deletes at once without finalizers, and honours uid and resourceVersion preconditions', async () => {
    const created = await create('pre');
    await t.core.patchNamespacedService(
      { namespace: ns.name, name: 'pre', body: { metadata: { labels: { x: 'y' } } } },
      merge,
    );
    const staleRv = await apiFailure(
      t.core.deleteNamespacedService({
        namespace: ns.name,
        name: 'pre',
        body: { preconditions: { resourceVersion: created.metadata?.resourceVersion ?? '' } },
      }),
    );
    expect(staleRv.code).toBe(409);
    expect(staleRv.status).toMatchObject({ reason: 'Conflict' });
    const wrongUid = await apiFailure(
      t.core.deleteNamespacedService({
        namespace: ns.name,
        name: 'pre',
        body: { preconditions: { uid: '00000000-0000-0000-0000-000000000000' } },
      }),
    );
    expect(wrongUid.code).toBe(409);
    await t.core.deleteNamespacedService({
      namespace: ns.name,
      name: 'pre',
      body: { preconditions: { uid: created.metadata?.uid ?? '' } },
    });
    expect(await exists('pre')).toBe(false);
  });
});

describe('status subresource', () => {
  it('drops status on create, ignores it on the main resource, and /status ignores spec', async () => {
    const created = await create('lb', {
      spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
      status: { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } },
    });
    expect(created.status?.loadBalancer?.ingress ?? []).toEqual([]);

    const withStatus = await t.core.replaceNamespacedServiceStatus({
      namespace: ns.name,
      name: 'lb',
      body: edited(created, (s) => {
        Object.assign((s.spec ??= {}), { sessionAffinity: 'ClientIP' });
        s.status = { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } };
      }),
    });
    expect(withStatus.status?.loadBalancer?.ingress).toEqual([{ ip: '192.0.2.10' }]);
    expect(withStatus.spec?.sessionAffinity).toBe('None');

    const main = await t.core.patchNamespacedService(
      {
        namespace: ns.name,
        name: 'lb',
        body: { metadata: { labels: { a: 'b' } }, status: { loadBalancer: { ingress: null } } },
      },
      merge,
    );
    expect(main.metadata?.labels).toEqual({ a: 'b' });
    expect(main.status?.loadBalancer?.ingress).toEqual([{ ip: '192.0.2.10' }]);

    // The controller's ingress write: a merge patch of /status; null clears.
    const ingress = { status: { loadBalancer: { ingress: [{ ip: '192.0.2.20' }] } } };
    const set = await t.core.patchNamespacedServiceStatus(
      { namespace: ns.name, name: 'lb', body: ingress },
      merge,
    );
    expect(set.status?.loadBalancer?.ingress).toEqual([{ ip: '192.0.2.20' }]);
    const cleared = await t.core.patchNamespacedServiceStatus(
      { namespace: ns.name, name: 'lb', body: { status: { loadBalancer: { ingress: null } } } },
      merge,
    );
    expect(cleared.status?.loadBalancer?.ingress ?? []).toEqual([]);
  });
});

describe('patch formats', () => {
  beforeAll(async () => {
    await t.core.createNamespacedService({
      namespace: ns.name,
      body: { metadata: { name: 'p', labels: { a: '1', b: '2' } }, spec: { ports: [{ port: 80 }] } },
    });
  });

  it('applies a JSON patch (client-node default) and a merge patch where null deletes', async () => {
    const json = await t.core.patchNamespacedService({
      namespace: ns.name,
      name: 'p',
      body: [
        { op: 'remove', path: '/metadata/labels/a' },
        { op: 'add', path: '/metadata/labels/c', value: '3' },
      ],
    });
    expect(json.metadata?.labels).toEqual({ b: '2', c: '3' });
    const merged = await t.core.patchNamespacedService(
      { namespace: ns.name, name: 'p', body: { metadata: { labels: { b: null, d: '4' } } } },
      merge,
    );
    expect(merged.metadata?.labels).toEqual({ c: '3', d: '4' });
  });

  it('applies a strategic merge patch to maps like a merge patch', async () => {
    const patched = await t.core.patchNamespacedService(
      { namespace: ns.name, name: 'p', body: { metadata: { annotations: { x: 'y' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(patched.metadata?.annotations).toEqual({ x: 'y' });
  });
});
