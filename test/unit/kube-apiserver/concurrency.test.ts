import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiFailure, edited } from '../../support/kube-apiserver/recorder.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/server.js';

const KLB = { group: 'openstack.org', version: 'v1', plural: 'kuryrloadbalancers', namespace: 'default' };

let server: KubeApiServer;
let core: CoreV1Api;

beforeEach(async () => {
  server = await startKubeApiServer();
  core = server.kubeConfig().makeApiClient(CoreV1Api);
});
afterEach(async () => {
  await server.stop();
});

async function createService(): Promise<string> {
  const created = await core.createNamespacedService({
    namespace: 'default',
    body: { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } },
  });
  return created.metadata?.resourceVersion ?? '';
}

describe('optimistic concurrency', () => {
  it('answers 409 Conflict to a PUT with a stale resourceVersion', async () => {
    await createService();
    const stale = await core.readNamespacedService({ namespace: 'default', name: 'web' });
    await core.replaceNamespacedService({
      namespace: 'default',
      name: 'web',
      body: edited(stale, (s) => {
        Object.assign((s.metadata ??= {}), { labels: { first: 'writer' } });
      }),
    });
    const failure = await apiFailure(
      core.replaceNamespacedService({
        namespace: 'default',
        name: 'web',
        body: edited(stale, (s) => {
          Object.assign((s.metadata ??= {}), { labels: { second: 'writer' } });
        }),
      }),
    );
    expect(failure.code).toBe(409);
    expect(failure.status).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on services "web": the object has been modified; please apply your changes to the latest version and try again',
      details: { name: 'web', kind: 'services' },
    });
    const current = server.store.get({ plural: 'services', namespace: 'default', name: 'web' });
    expect(current?.metadata.labels).toEqual({ first: 'writer' });
  });

  it('answers 409 to a patch carrying a stale resourceVersion, and applies one without it', async () => {
    const rv = await createService();
    await core.patchNamespacedService(
      { namespace: 'default', name: 'web', body: { metadata: { labels: { a: '1' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const failure = await apiFailure(
      core.patchNamespacedService(
        {
          namespace: 'default',
          name: 'web',
          body: { metadata: { resourceVersion: rv, labels: { b: '2' } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    expect(failure.code).toBe(409);
    const unconditional = await core.patchNamespacedService(
      { namespace: 'default', name: 'web', body: { metadata: { labels: { b: '2' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(unconditional.metadata?.labels).toEqual({ a: '1', b: '2' });
  });

  it('accepts an unconditional PUT for Services but requires a resourceVersion for custom resources', async () => {
    await createService();
    const svc = await core.readNamespacedService({ namespace: 'default', name: 'web' });
    delete svc.metadata?.resourceVersion;
    const replaced = await core.replaceNamespacedService({
      namespace: 'default',
      name: 'web',
      body: edited(svc, (s) => {
        Object.assign((s.metadata ??= {}), { labels: { u: '1' } });
      }),
    });
    expect(replaced.metadata?.labels).toEqual({ u: '1' });

    const custom = server.kubeConfig().makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({
      ...KLB,
      body: {
        apiVersion: 'openstack.org/v1',
        kind: 'KuryrLoadBalancer',
        metadata: { name: 'web' },
        spec: {},
      },
    });
    const failure = await apiFailure(
      custom.replaceNamespacedCustomObject({
        ...KLB,
        name: 'web',
        body: {
          apiVersion: 'openstack.org/v1',
          kind: 'KuryrLoadBalancer',
          metadata: { name: 'web' },
          spec: { x: 1 },
        },
      }),
    );
    expect(failure.code).toBe(422);
    expect(String(failure.status.message)).toContain('metadata.resourceVersion');
  });

  it('honours delete preconditions', async () => {
    const rv = await createService();
    await core.patchNamespacedService({
      namespace: 'default',
      name: 'web',
      body: [{ op: 'add', path: '/metadata/labels', value: { x: 'y' } }],
    });
    const staleRv = await apiFailure(
      core.deleteNamespacedService({
        namespace: 'default',
        name: 'web',
        body: { preconditions: { resourceVersion: rv } },
      }),
    );
    expect(staleRv.code).toBe(409);
    expect(String(staleRv.status.message)).toContain('Precondition failed: ResourceVersion in precondition');
    const wrongUid = await apiFailure(
      core.deleteNamespacedService({
        namespace: 'default',
        name: 'web',
        body: { preconditions: { uid: 'not-it' } },
      }),
    );
    expect(wrongUid.code).toBe(409);
    const uid =
      server.store.get({ plural: 'services', namespace: 'default', name: 'web' })?.metadata.uid ?? '';
    await core.deleteNamespacedService({
      namespace: 'default',
      name: 'web',
      body: { preconditions: { uid } },
    });
    expect(server.store.get({ plural: 'services', namespace: 'default', name: 'web' })).toBeUndefined();
  });

  it('refuses a name in the body that differs from the URL', async () => {
    await createService();
    const svc = await core.readNamespacedService({ namespace: 'default', name: 'web' });
    const failure = await apiFailure(
      core.replaceNamespacedService({
        namespace: 'default',
        name: 'web',
        body: edited(svc, (s) => {
          Object.assign((s.metadata ??= {}), { name: 'other' });
        }),
      }),
    );
    expect(failure.code).toBe(400);
  });
});
