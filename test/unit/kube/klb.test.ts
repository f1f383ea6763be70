import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { V1Service } from '@kubernetes/client-node';
import { makeKubeClients, type KubeClients } from '../../../src/kube/clients.js';
import {
  deleteKlb,
  ensureKlbSpec,
  getKlb,
  klbSpecPatch,
  writeKlbStatus,
  type KlbSpec,
  type KlbStatus,
  type KuryrLoadBalancer,
} from '../../../src/kube/klb.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/index.js';

let server: KubeApiServer;
let clients: KubeClients;
let svc: V1Service;
const signal = new AbortController().signal;

const spec: KlbSpec = {
  ip: '10.2.0.10',
  subnet_id: 'service-subnet-id',
  type: 'LoadBalancer',
  provider: 'amphora',
  ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: '8080' }],
  lb_ip: '198.51.100.7',
};

beforeEach(async () => {
  server = await startKubeApiServer();
  clients = makeKubeClients(server.kubeConfig());
  svc = await clients.core.createNamespacedService({
    namespace: 'default',
    body: { metadata: { name: 'web' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } },
  });
});
afterEach(async () => {
  await server.stop();
});

const klbRef = { apiVersion: 'openstack.org/v1', plural: 'kuryrloadbalancers', namespace: 'default' };

const stored = () =>
  server.store.get({
    apiVersion: 'openstack.org/v1',
    plural: 'kuryrloadbalancers',
    namespace: 'default',
    name: 'web',
  });

describe('KuryrLoadBalancer record', () => {
  it('is created owned by the Service and garbage collected with it', async () => {
    expect(await getKlb(clients, 'default', 'web', signal)).toBeNull();
    const created = await ensureKlbSpec(clients, svc, spec, undefined, signal);
    expect(created.spec).toEqual(spec);
    expect(stored()?.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Service', name: 'web', uid: svc.metadata?.uid, controller: true }),
    ]);
    await clients.core.deleteNamespacedService({ name: 'web', namespace: 'default' });
    expect(stored()).toBeUndefined();
  });

  it('an unchanged spec writes nothing; a changed one is merge-patched: our removed keys go, foreign keys stay', async () => {
    const created = await ensureKlbSpec(clients, svc, spec, undefined, signal);
    const rv = server.store.resourceVersion;
    expect(await ensureKlbSpec(clients, svc, spec, created, signal)).toBe(created);
    expect(server.store.resourceVersion).toBe(rv);

    // kuryr writes its own keys next to ours.
    const foreign = {
      endpointSlices: [{ endpoints: [{ addresses: ['10.1.0.5'] }] }],
      security_groups_ids: ['sg-1'],
      project_id: 'project-of-kuryr',
    };
    const withForeign = server.store.patch({ ...klbRef, name: 'web' }, { spec: foreign });
    const changed: KlbSpec = {
      ip: spec.ip,
      subnet_id: spec.subnet_id,
      provider: spec.provider,
      ports: spec.ports,
      type: 'ClusterIP',
    };
    const patched = await ensureKlbSpec(
      clients,
      svc,
      changed,
      withForeign as unknown as KuryrLoadBalancer,
      signal,
    );
    expect(stored()?.spec).toEqual({ ...changed, ...foreign });
    expect(patched.spec).toEqual({ ...changed, ...foreign });
    expect(patched.metadata.generation).toBe(3);
  });

  it('klbSpecPatch sends only differing keys of ours, null for ours no longer wanted, never foreign keys', () => {
    const current = { ...spec, timeout_client_data: 50_000, project_id: 'p', endpointSlices: [] };
    const desired: KlbSpec = { ...spec, ports: [{ port: 443, protocol: 'TCP', targetPort: '8443' }] };
    delete (desired as { lb_ip?: string }).lb_ip;
    expect(klbSpecPatch(current, desired)).toEqual({
      ports: [{ port: 443, protocol: 'TCP', targetPort: '8443' }],
      lb_ip: null,
      timeout_client_data: null,
    });
    expect(klbSpecPatch({ ...spec, project_id: 'p' }, spec)).toBeNull();
    expect(klbSpecPatch(undefined, spec)).toEqual(spec);
  });

  it('a create that meets an existing record (the cache lagging) patches the live one instead', async () => {
    server.store.create(klbRef, {
      apiVersion: 'openstack.org/v1',
      kind: 'KuryrLoadBalancer',
      metadata: { name: 'web' },
      spec: { ...spec, type: 'ClusterIP', security_groups_ids: ['sg'] },
    });
    const klb = await ensureKlbSpec(clients, svc, spec, undefined, signal);
    expect(klb.spec).toEqual({ ...spec, security_groups_ids: ['sg'] });
    expect(stored()?.spec).toEqual({ ...spec, security_groups_ids: ['sg'] });
  });

  it('status is written through the status subresource, and only when it differs', async () => {
    const klb = await ensureKlbSpec(clients, svc, spec, undefined, signal);
    const status = {
      conditions: [
        {
          type: 'Ready',
          status: 'False' as const,
          reason: 'Pending',
          message: 'x',
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
      ],
    };
    const written = await writeKlbStatus(clients, klb, status, signal);
    expect(stored()?.status).toEqual(status);
    expect(written.status).toEqual(status);
    expect(written.metadata.resourceVersion).toBe(stored()?.metadata.resourceVersion);
    expect(written.metadata.generation).toBe(klb.metadata.generation);

    const read = await getKlb(clients, 'default', 'web', signal);
    expect(read?.status).toEqual(status);
    const rv = server.store.resourceVersion;
    expect(await writeKlbStatus(clients, written, status, signal)).toBe(written);
    expect(server.store.resourceVersion).toBe(rv);

    const next: KlbStatus = {
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'LoadBalancerActive',
          message: 'y',
          lastTransitionTime: '2026-01-01T00:01:00Z',
        },
      ],
    };
    // A cached copy without status (lagging) still writes: `add` replaces an existing member.
    await writeKlbStatus(clients, klb, next, signal);
    expect(stored()?.status).toEqual(next);
    expect(stored()?.spec).toEqual(spec);
  });

  it('delete is idempotent', async () => {
    await ensureKlbSpec(clients, svc, spec, undefined, signal);
    await deleteKlb(clients, 'default', 'web', signal);
    expect(stored()).toBeUndefined();
    await expect(deleteKlb(clients, 'default', 'web', signal)).resolves.toBeUndefined();
  });
});

/** A real API server returns custom resources with their keys sorted (Go maps): order must not matter. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => [k, sortedKeys(v)]),
  );
}

describe('KuryrLoadBalancer record read back with another key order', () => {
  it('an equal spec or status is not written again', async () => {
    const status: KlbStatus = {
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'x',
          message: 'y',
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
      ],
      service_pub_ip_info: { ip_id: 'f', ip_addr: '203.0.113.1', alloc_method: 'pool' },
    };
    const ref = { apiVersion: 'openstack.org/v1', plural: 'kuryrloadbalancers', namespace: 'default' };
    server.store.create(ref, {
      apiVersion: 'openstack.org/v1',
      kind: 'KuryrLoadBalancer',
      metadata: { name: 'web' },
      spec: sortedKeys(spec),
    });
    const named = { ...ref, name: 'web' };
    server.store.update(named, { ...server.store.get(named), status: sortedKeys(status) }, 'status');
    expect(Object.keys(stored()?.spec as object).slice(0, 2)).toEqual(['ip', 'lb_ip']);

    // Any write now fails: an equal record must not be written.
    server.failNext({ method: 'PATCH', pathRegex: /kuryrloadbalancers/, status: 500, times: 2 });
    const cached = server.store.get(named) as unknown as KuryrLoadBalancer;
    const read = await ensureKlbSpec(clients, svc, spec, cached, signal);
    await writeKlbStatus(clients, read, status, signal);
  });
});

describe('KuryrLoadBalancer record created by someone else', () => {
  it('a record without spec gets ours', async () => {
    const created = server.store.create(
      { apiVersion: 'openstack.org/v1', plural: 'kuryrloadbalancers', namespace: 'default' },
      { apiVersion: 'openstack.org/v1', kind: 'KuryrLoadBalancer', metadata: { name: 'web' } },
    );
    const klb = await ensureKlbSpec(clients, svc, spec, created as unknown as KuryrLoadBalancer, signal);
    expect(klb.spec).toEqual(spec);
    expect(stored()?.spec).toEqual(spec);
  });
});
