import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { V1Service } from '@kubernetes/client-node';
import { makeKubeClients, type KubeClients } from '../../../src/kube/clients.js';
import {
  deleteKlb,
  ensureKlbSpec,
  getKlb,
  writeKlbStatus,
  type KlbSpec,
  type KlbStatus,
} from '../../../src/kube/klb.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/index.js';

let server: KubeApiServer;
let clients: KubeClients;
let svc: V1Service;

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

const stored = () =>
  server.store.get({
    apiVersion: 'openstack.org/v1',
    plural: 'kuryrloadbalancers',
    namespace: 'default',
    name: 'web',
  });

describe('KuryrLoadBalancer record', () => {
  it('is created owned by the Service and garbage collected with it', async () => {
    expect(await getKlb(clients, 'default', 'web')).toBeNull();
    const created = await ensureKlbSpec(clients, svc, spec);
    expect(created.spec).toEqual(spec);
    expect(stored()?.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Service', name: 'web', uid: svc.metadata?.uid, controller: true }),
    ]);
    await clients.core.deleteNamespacedService({ name: 'web', namespace: 'default' });
    expect(stored()).toBeUndefined();
  });

  it('an unchanged spec writes nothing; a changed one replaces the whole spec (removed keys go)', async () => {
    await ensureKlbSpec(clients, svc, spec);
    const rv = server.store.resourceVersion;
    await ensureKlbSpec(clients, svc, spec);
    expect(server.store.resourceVersion).toBe(rv);

    const changed: KlbSpec = {
      ip: spec.ip,
      subnet_id: spec.subnet_id,
      provider: spec.provider,
      ports: spec.ports,
      type: 'ClusterIP',
    };
    const replaced = await ensureKlbSpec(clients, svc, changed);
    expect(replaced.spec).toEqual(changed);
    expect(stored()?.spec).toEqual(changed);
  });

  it('status is written through the status subresource, and only when it differs', async () => {
    const klb = await ensureKlbSpec(clients, svc, spec);
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
      service_pub_ip_info: null,
    };
    await writeKlbStatus(clients, klb, status);
    expect(stored()?.status).toEqual(status);

    const read = await getKlb(clients, 'default', 'web');
    expect(read?.status).toEqual(status);
    const rv = server.store.resourceVersion;
    await writeKlbStatus(clients, read ?? klb, status);
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
    await writeKlbStatus(clients, read ?? klb, next);
    expect(stored()?.status).toEqual(next);
    expect(stored()?.spec).toEqual(spec);
  });

  it('delete is idempotent', async () => {
    await ensureKlbSpec(clients, svc, spec);
    await deleteKlb(clients, 'default', 'web');
    expect(stored()).toBeUndefined();
    await expect(deleteKlb(clients, 'default', 'web')).resolves.toBeUndefined();
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
    const read = await ensureKlbSpec(clients, svc, spec);
    await writeKlbStatus(clients, read, status);
  });
});

describe('KuryrLoadBalancer record created by someone else', () => {
  it('a record without spec gets ours', async () => {
    server.store.create(
      { apiVersion: 'openstack.org/v1', plural: 'kuryrloadbalancers', namespace: 'default' },
      { apiVersion: 'openstack.org/v1', kind: 'KuryrLoadBalancer', metadata: { name: 'web' } },
    );
    const klb = await ensureKlbSpec(clients, svc, spec);
    expect(klb.spec).toEqual(spec);
    expect(stored()?.spec).toEqual(spec);
  });
});
