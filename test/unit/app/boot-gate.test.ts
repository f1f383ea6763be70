/**
 * The cache-sync gate of docs/adr/0008 with the real `startController`: the simulated API
 * server refusing the first lists (403 before RBAC is applied, 503 during an upgrade) must
 * leave every load balancer alone and `/readyz` at 503 with the reason, until the lists
 * succeed; then the controller serves, and an orphan it finds is released only after the
 * live GET's 404. OpenStack is the REST-level fake (in process).
 */
import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../../../src/app/config/kuryr-conf.js';
import type { RunningController } from '../../../src/app/controller.js';
import { loadBalancerName } from '../../../src/core/naming.js';
import { ownershipTags } from '../../../src/core/ownership.js';
import * as loadbalancers from '../../../src/openstack/octavia/loadbalancers.js';
import { FakeOpenStack, fakeSession } from '../../support/fake-openstack/index.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/index.js';
import { fakeConfig, opsGet, startOnFake, useCleanups, waitUntil } from './start-on-fake.js';

const cleanups = useCleanups();

interface Setup {
  readonly server: KubeApiServer;
  readonly fake: FakeOpenStack;
  readonly session: ReturnType<typeof fakeSession>;
  readonly config: AppConfig;
}

async function setUp(): Promise<Setup> {
  const server = await startKubeApiServer();
  cleanups.push(() => server.stop());
  const fake = new FakeOpenStack({
    config: { octavia: { create: 200, createPerChild: 0, update: 100, delete: 100, jitter: 0 } },
  });
  const session = fakeSession(fake);
  const config = fakeConfig(fake, {
    clusterId: 'gate-test',
    resyncPeriodSeconds: 3600,
    pendingRequeueMs: 200,
    pendingRequeueMaxMs: 400,
  });
  return { server, fake, session, config };
}

function start(s: Setup): Promise<RunningController> {
  return startOnFake({ kubeConfig: s.server.kubeConfig(), session: s.session, config: s.config }, cleanups);
}

const readyz = (running: RunningController) => opsGet(running, '/readyz');

/** A load balancer this controller would own for `default/<name>` (uid `uid-<name>`), made by hand. */
async function ownedLoadBalancer(s: Setup, name: string, writer: string): Promise<string> {
  const service = { namespace: 'default', name, uid: `uid-${name}` };
  const lb = await loadbalancers.create(s.session, {
    loadbalancer: {
      name: loadBalancerName(service),
      vip_subnet_id: s.fake.info.service_subnet_id,
      tags: ownershipTags({ clusterId: 'gate-test', writer }, service),
    },
  } as unknown as Parameters<typeof loadbalancers.create>[1]);
  return lb.id;
}

describe('the cache-sync gate (startController against a failing API server)', () => {
  it.each([
    ['403 (RBAC not applied yet)', 403],
    ['503 (control plane upgrading)', 503],
  ])(
    'first Service list answers %s: nothing is released, /readyz says why; once the list succeeds the orphan is released',
    async (_label, code) => {
      const s = await setUp();
      const uid = String(s.server.store.get({ plural: 'namespaces', name: 'kube-system' })?.metadata.uid);
      // An orphan of this cluster: its Service is gone.
      const orphan = await ownedLoadBalancer(s, 'gone', uid);
      const fault = s.server.faults.respond({ verb: 'list', resource: 'services' }, { code });
      const running = await start(s);
      await waitUntil('a refused list', () => Promise.resolve(fault.hits >= 2));
      const r = await readyz(running);
      expect(r.status).toBe(503);
      expect(r.body).toMatch(/not ready: .*services/);
      expect(s.fake.requests.count({ method: 'DELETE' })).toBe(0);
      expect((await loadbalancers.get(s.session, orphan)).provisioningStatus).not.toBe('PENDING_DELETE');

      fault.clear();
      await running.ready;
      expect((await readyz(running)).status).toBe(200);
      await waitUntil('the orphan released', async () =>
        loadbalancers.get(s.session, orphan).then(
          (lb) => lb.provisioningStatus === 'PENDING_DELETE',
          () => true,
        ),
      );
    },
  );

  it('the cluster identity cannot be read (403 on kube-system): nothing starts, /readyz names the RBAC rule', async () => {
    const s = await setUp();
    const fault = s.server.faults.respond(
      { verb: 'get', resource: 'namespaces', name: 'kube-system' },
      { code: 403 },
    );
    const running = await start(s);
    await waitUntil('a refused identity read', () => Promise.resolve(fault.hits >= 1));
    const r = await readyz(running);
    expect(r.status).toBe(503);
    expect(r.body).toContain('kube-system');
    fault.clear();
    await running.ready;
    expect((await readyz(running)).status).toBe(200);
  });

  it('an object with our cluster id but another writer is not an orphan of ours: never deleted', async () => {
    const s = await setUp();
    const theirs = await ownedLoadBalancer(s, 'twin', 'another-cluster-uid');
    const running = await start(s);
    await running.ready;
    await new Promise((r) => setTimeout(r, 500));
    expect((await loadbalancers.get(s.session, theirs)).provisioningStatus).not.toBe('PENDING_DELETE');
    expect(s.fake.requests.count({ method: 'DELETE' })).toBe(0);
  });
});
