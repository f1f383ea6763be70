/**
 * Two shard holders (docs/adr/0014): two real `startController`s against one simulated API
 * server and one fake OpenStack, 2 shards, each controller scoped to one shard by
 * `keyInScope`. Every Service's load balancer must be created by exactly the controller whose
 * shard the key hashes to, and no controller may write an object of the other's Services.
 */
import { describe, expect, it } from 'vitest';
import { shardOf } from '../../../src/core/shard.js';
import type { OpenStackRequest, OpenStackSession } from '../../../src/openstack/session.js';
import { FakeOpenStack, fakeSession } from '../../support/fake-openstack/index.js';
import { startKubeApiServer } from '../../support/kube-apiserver/index.js';
import { fakeConfig, startOnFake, useCleanups, waitUntil } from './start-on-fake.js';

const cleanups = useCleanups();

interface Write {
  readonly holder: number;
  readonly method: string;
  readonly path: string;
  readonly name: string | null;
  readonly id: string | null;
}

/** A session that records every write of one holder (and the id a load balancer POST returned). */
function recording(inner: OpenStackSession, holder: number, log: Write[]): OpenStackSession {
  return {
    endpoint: (service, signal) => inner.endpoint(service, signal),
    projectId: (signal) => inner.projectId(signal),
    async request<T>(req: OpenStackRequest) {
      const res = await inner.request<T>(req);
      if (req.method !== 'GET') {
        const body = req.body as { loadbalancer?: { name?: string } } | undefined;
        const out = res.body as { loadbalancer?: { id?: string } } | undefined;
        log.push({
          holder,
          method: req.method,
          path: req.path,
          name: body?.loadbalancer?.name ?? null,
          id: req.path === '/v2/lbaas/loadbalancers' ? (out?.loadbalancer?.id ?? null) : null,
        });
      }
      return res;
    },
  };
}

describe('two shard holders', () => {
  it('never write one Service: each load balancer is created and written by its shard holder only', async () => {
    const server = await startKubeApiServer();
    cleanups.push(() => server.stop());
    const fake = new FakeOpenStack({
      config: { octavia: { create: 50, createPerChild: 0, update: 20, delete: 20, jitter: 0 } },
    });
    const config = fakeConfig(fake, {
      clusterId: 'shard-test',
      resyncPeriodSeconds: 3600,
      pendingRequeueMs: 200,
    });
    const keys = Array.from({ length: 30 }, (_, i) => `default/svc-${String(i)}`);
    keys.forEach((key, i) => {
      server.store.create(
        { plural: 'services', namespace: 'default' },
        {
          metadata: { name: key.slice('default/'.length) },
          spec: {
            type: 'ClusterIP',
            clusterIP: `10.2.0.${String(10 + i)}`,
            ports: [{ port: 80, protocol: 'TCP' }],
          },
        },
      );
    });
    const log: Write[] = [];
    for (const holder of [0, 1]) {
      await startOnFake(
        {
          kubeConfig: server.kubeConfig(),
          session: recording(fakeSession(fake), holder, log),
          config,
          ops: false,
          keyInScope: (key) => shardOf(key, 2) === holder,
        },
        cleanups,
      );
    }
    const created = (): Write[] => log.filter((w) => w.method === 'POST' && w.id !== null);
    await waitUntil('a load balancer for every Service', () => created().length >= keys.length, 60_000);

    const creator = new Map(created().map((w) => [w.name, w.holder]));
    expect([...creator.keys()].sort()).toEqual([...keys].sort());
    for (const key of keys) expect(creator.get(key)).toBe(shardOf(key, 2));
    expect(created()).toHaveLength(keys.length);
    const owner = new Map(created().map((w) => [w.id, w.holder]));
    const crossed = log.filter((w) =>
      [...owner].some(([id, h]) => id !== null && h !== w.holder && w.path.includes(id)),
    );
    expect(crossed).toEqual([]);
    const perShard = [0, 1].map((s) => keys.filter((k) => shardOf(k, 2) === s).length);
    const perHolder = [0, 1].map((h) => log.filter((w) => w.holder === h).length);
    expect(perShard[0]).toBeGreaterThan(0);
    expect(perShard[1]).toBeGreaterThan(0);
    console.log(`services per shard ${perShard.join('/')}; writes per holder ${perHolder.join('/')}`);
  });
});
