import {
  ApisApi,
  CoordinationV1Api,
  CoreApi,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  EventsV1Api,
  VersionApi,
} from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiFailure, edited } from '../../support/kube-apiserver/recorder.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/server.js';

const KLB = { group: 'openstack.org', version: 'v1', plural: 'kuryrloadbalancers' };

let server: KubeApiServer;
let core: CoreV1Api;
let custom: CustomObjectsApi;

beforeEach(async () => {
  server = await startKubeApiServer();
  core = server.kubeConfig().makeApiClient(CoreV1Api);
  custom = server.kubeConfig().makeApiClient(CustomObjectsApi);
});
afterEach(async () => {
  await server.stop();
});

describe('namespaces', () => {
  it('has default and kube-system, and creates others', async () => {
    const before = await core.listNamespace();
    expect(before.items.map((n) => n.metadata?.name)).toEqual(
      expect.arrayContaining(['default', 'kube-system']),
    );
    const ns = await core.createNamespace({ body: { metadata: { name: 'team-a' } } });
    expect(ns.status?.phase).toBe('Active');
    expect((await core.readNamespace({ name: 'team-a' })).metadata?.uid).toBe(ns.metadata?.uid);
  });

  it('refuses objects in a missing namespace with 404', async () => {
    const failure = await apiFailure(
      core.createNamespacedService({
        namespace: 'nope',
        body: { metadata: { name: 'a' }, spec: { ports: [{ port: 80 }] } },
      }),
    );
    expect(failure.code).toBe(404);
    expect(failure.status).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'namespaces "nope" not found',
    });
  });

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

  it('deletes a collection by label selector', async () => {
    for (const [name, app] of [
      ['a', 'x'],
      ['b', 'x'],
      ['c', 'y'],
    ] as const) {
      await core.createNamespacedService({
        namespace: 'default',
        body: { metadata: { name, labels: { app } }, spec: { ports: [{ port: 80 }] } },
      });
    }
    await core.deleteCollectionNamespacedService({ namespace: 'default', labelSelector: 'app=x' });
    expect(
      server.store.list({ plural: 'services', namespace: 'default' }).map((s) => s.metadata.name),
    ).toEqual(['c']);
  });
});

describe('CRUD of a Service', () => {
  const body = { metadata: { name: 'web', labels: { app: 'web' } }, spec: { ports: [{ port: 80 }] } };

  it('creates with system metadata and defaults, reads, replaces, deletes', async () => {
    const created = await core.createNamespacedService({ namespace: 'default', body });
    expect(created.metadata).toMatchObject({ name: 'web', namespace: 'default' });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(created.spec).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'None' });
    expect(created.spec?.ports?.[0]).toMatchObject({ port: 80, protocol: 'TCP', targetPort: 80 });

    const read = await core.readNamespacedService({ namespace: 'default', name: 'web' });
    expect(read).toEqual(created);

    const replaced = await core.replaceNamespacedService({
      namespace: 'default',
      name: 'web',
      body: edited(read, (s) => {
        Object.assign((s.metadata ??= {}), { labels: { app: 'web', tier: 'front' } });
      }),
    });
    expect(replaced.metadata?.labels).toEqual({ app: 'web', tier: 'front' });
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(
      Number(read.metadata?.resourceVersion),
    );
    expect(replaced.metadata?.uid).toBe(created.metadata?.uid);

    await core.deleteNamespacedService({ namespace: 'default', name: 'web' });
    const failure = await apiFailure(core.readNamespacedService({ namespace: 'default', name: 'web' }));
    expect(failure.code).toBe(404);
    expect(failure.status).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'services "web" not found',
      details: { name: 'web', kind: 'services' },
    });
  });

  it('answers 409 AlreadyExists for a duplicate name', async () => {
    await core.createNamespacedService({ namespace: 'default', body });
    const failure = await apiFailure(core.createNamespacedService({ namespace: 'default', body }));
    expect(failure.code).toBe(409);
    expect(failure.status).toMatchObject({
      reason: 'AlreadyExists',
      message: 'services "web" already exists',
    });
  });

  it('rejects an invalid name with 422 Invalid', async () => {
    const failure = await apiFailure(
      core.createNamespacedService({ namespace: 'default', body: { ...body, metadata: { name: '1-Bad' } } }),
    );
    expect(failure.code).toBe(422);
    expect(failure.status).toMatchObject({ reason: 'Invalid', details: { kind: 'Service', name: '1-Bad' } });
  });

  it('lists namespaced and cluster-wide with the list resourceVersion', async () => {
    await core.createNamespace({ body: { metadata: { name: 'other' } } });
    await core.createNamespacedService({ namespace: 'default', body });
    await core.createNamespacedService({ namespace: 'other', body });
    const inDefault = await core.listNamespacedService({ namespace: 'default' });
    expect(inDefault.items.map((s) => s.metadata?.namespace)).toEqual(['default']);
    const all = await core.listServiceForAllNamespaces();
    expect(all.items.map((s) => `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`)).toEqual([
      'default/web',
      'other/web',
    ]);
    expect(all.metadata?.resourceVersion).toBe(String(server.store.resourceVersion));
  });

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

  it('generates names from generateName', async () => {
    const created = await core.createNamespacedService({
      namespace: 'default',
      body: { metadata: { generateName: 'gen-' }, spec: { ports: [{ port: 80 }] } },
    });
    expect(created.metadata?.name).toMatch(/^gen-[a-z0-9]{5}$/);
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

  it('serves the KuryrLoadBalancer custom resource with generation tracking', async () => {
    const created = (await custom.createNamespacedCustomObject({
      ...KLB,
      namespace: 'default',
      body: {
        apiVersion: 'openstack.org/v1',
        kind: 'KuryrLoadBalancer',
        metadata: { name: 'web' },
        spec: { ip: '10.2.0.1' },
      },
    })) as { metadata: { generation: number; resourceVersion: string } };
    expect(created.metadata.generation).toBe(1);
    const labelled = (await custom.patchNamespacedCustomObject({
      ...KLB,
      namespace: 'default',
      name: 'web',
      body: [{ op: 'add', path: '/metadata/labels', value: { a: 'b' } }],
    })) as { metadata: { generation: number } };
    expect(labelled.metadata.generation).toBe(1);
    const changed = (await custom.patchNamespacedCustomObject({
      ...KLB,
      namespace: 'default',
      name: 'web',
      body: [{ op: 'replace', path: '/spec/ip', value: '10.2.0.2' }],
    })) as { metadata: { generation: number } };
    expect(changed.metadata.generation).toBe(2);
    const list = (await custom.listNamespacedCustomObject({ ...KLB, namespace: 'default' })) as {
      kind: string;
      items: { kind: string }[];
    };
    expect(list.kind).toBe('KuryrLoadBalancerList');
    expect(list.items[0]?.kind).toBe('KuryrLoadBalancer');
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
