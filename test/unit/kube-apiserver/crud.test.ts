import {
  ApisApi,
  CoordinationV1Api,
  CoreApi,
  CoreV1Api,
  DiscoveryV1Api,
  EventsV1Api,
  VersionApi,
} from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiFailure } from '../../support/kube-apiserver/recorder.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/server.js';

let server: KubeApiServer;
let core: CoreV1Api;

beforeEach(async () => {
  server = await startKubeApiServer();
  core = server.kubeConfig().makeApiClient(CoreV1Api);
});
afterEach(async () => {
  await server.stop();
});

describe('namespaces', () => {
  it('deleting a namespace deletes its content, then the namespace', async () => {
    await core.createNamespace({ body: { metadata: { name: 'gone' } } });
    await core.createNamespacedService({
      namespace: 'gone',
      body: { metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } },
    });
    await core.deleteNamespace({ name: 'gone' });
    expect(server.store.get({ plural: 'namespaces', name: 'gone' })).toBeUndefined();
    expect(server.store.list({ plural: 'services', namespace: 'gone' })).toEqual([]);
  });
});

describe('namespace termination and collections', () => {
  it('keeps a namespace Terminating while content with finalizers remains, refusing new content', async () => {
    await core.createNamespace({ body: { metadata: { name: 'busy' } } });
    await core.createNamespacedService({
      namespace: 'busy',
      body: { metadata: { name: 's', finalizers: ['hold'] }, spec: { ports: [{ port: 80 }] } },
    });
    const terminating = await core.deleteNamespace({ name: 'busy' });
    expect((terminating as { status?: { phase?: string } }).status?.phase).toBe('Terminating');
    const refused = await apiFailure(
      core.createNamespacedService({
        namespace: 'busy',
        body: { metadata: { name: 't' }, spec: { ports: [{ port: 80 }] } },
      }),
    );
    expect(refused.code).toBe(403);
    server.store.patch(
      { plural: 'services', namespace: 'busy', name: 's' },
      { metadata: { finalizers: null } },
    );
    expect(server.store.get({ plural: 'namespaces', name: 'busy' })).toBeUndefined();
  });

  it('answers 405 to deletecollection of Services (the real resource has no such verb)', async () => {
    const failure = await apiFailure(core.deleteCollectionNamespacedService({ namespace: 'default' }));
    expect(failure.code).toBe(405);
    expect(failure.status).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed' });
  });
});

describe('CRUD of a Service', () => {
  it('creates on PUT of a missing Service (the service strategy allows it)', async () => {
    const created = await core.replaceNamespacedService({
      namespace: 'default',
      name: 'put',
      body: { metadata: { name: 'put' }, spec: { ports: [{ port: 80 }] } },
    });
    expect(created.spec?.clusterIP).toMatch(/^10\.2\./);
  });

  it('refuses a create carrying a resourceVersion like the storage layer (500)', async () => {
    const failure = await apiFailure(
      core.createNamespacedService({
        namespace: 'default',
        body: { metadata: { name: 'rv', resourceVersion: '5' }, spec: { ports: [{ port: 80 }] } },
      }),
    );
    expect(failure.code).toBe(500);
    expect(String(failure.status.message)).toContain(
      'resourceVersion should not be set on objects to be created',
    );
  });
});

describe('other resources', () => {
  it('serves leases, endpointslices, endpoints and both event APIs', async () => {
    const kc = server.kubeConfig();
    const lease = await kc.makeApiClient(CoordinationV1Api).createNamespacedLease({
      namespace: 'kube-system',
      body: { metadata: { name: 'leader' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15 } },
    });
    expect(lease.spec?.holderIdentity).toBe('a');
    const slice = await kc.makeApiClient(DiscoveryV1Api).createNamespacedEndpointSlice({
      namespace: 'default',
      body: {
        metadata: { name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        endpoints: [],
      },
    });
    expect(slice.metadata?.generation).toBe(1);
    await core.createNamespacedEndpoints({
      namespace: 'default',
      body: { metadata: { name: 'web' }, subsets: [] },
    });
    await core.createNamespacedEvent({
      namespace: 'default',
      body: { metadata: { name: 'e1' }, involvedObject: { kind: 'Service', name: 'web' }, reason: 'Synced' },
    });
    const ev = await kc.makeApiClient(EventsV1Api).createNamespacedEvent({
      namespace: 'default',
      body: {
        metadata: { name: 'e2' },
        eventTime: new Date(),
        reason: 'Synced',
        action: 'Reconcile',
        reportingController: 'x',
        reportingInstance: 'y',
        type: 'Normal',
      },
    });
    expect(ev.reason).toBe('Synced');
    const events = await core.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: 'involvedObject.name=web',
    });
    expect(events.items.map((e) => e.metadata.name)).toEqual(['e1']);
  });

  it('answers DELETE with a success Status for resources that do not return the object', async () => {
    const leases = server.kubeConfig().makeApiClient(CoordinationV1Api);
    const lease = await leases.createNamespacedLease({
      namespace: 'default',
      body: { metadata: { name: 'l' }, spec: {} },
    });
    const status = await leases.deleteNamespacedLease({ namespace: 'default', name: 'l' });
    expect(status).toMatchObject({
      kind: 'Status',
      status: 'Success',
      details: { name: 'l', group: 'coordination.k8s.io', kind: 'leases', uid: lease.metadata?.uid },
    });
  });

  it('validates events like the real server', async () => {
    await core.createNamespace({ body: { metadata: { name: 'team' } } });
    const mismatch = await apiFailure(
      core.createNamespacedEvent({
        namespace: 'team',
        body: {
          metadata: { name: 'e' },
          involvedObject: { kind: 'Service', name: 'web', namespace: 'default' },
        },
      }),
    );
    expect(mismatch.code).toBe(422);
    expect(String(mismatch.status.message)).toContain('involvedObject.namespace');
    const incomplete = await apiFailure(
      server
        .kubeConfig()
        .makeApiClient(EventsV1Api)
        .createNamespacedEvent({
          namespace: 'team',
          body: { metadata: { name: 'e' }, eventTime: new Date() },
        }),
    );
    expect(incomplete.code).toBe(422);
  });
  it('answers a no-op update without a new resourceVersion', async () => {
    const created = await core.createNamespacedService({
      namespace: 'default',
      body: { metadata: { name: 'same' }, spec: { ports: [{ port: 80 }] } },
    });
    const again = await core.replaceNamespacedService({ namespace: 'default', name: 'same', body: created });
    expect(again.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
  });
});

describe('discovery', () => {
  it('answers /version, /api, /apis and resource lists', async () => {
    const kc = server.kubeConfig();
    expect((await kc.makeApiClient(VersionApi).getCode()).major).toBe('1');
    expect((await kc.makeApiClient(CoreApi).getAPIVersions()).versions).toEqual(['v1']);
    const groups = await kc.makeApiClient(ApisApi).getAPIVersions();
    expect(groups.groups.map((g) => g.name)).toEqual(
      expect.arrayContaining(['openstack.org', 'coordination.k8s.io', 'discovery.k8s.io', 'events.k8s.io']),
    );
    const resources = await core.getAPIResources();
    expect(resources.resources.map((r) => r.name)).toEqual(
      expect.arrayContaining(['services', 'services/status']),
    );
  });
});
