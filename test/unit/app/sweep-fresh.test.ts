/**
 * The passes after a finished release rest on it for a minute (src/core/plan/licence.ts
 * releasedRecently) — except a pass the orphan sweep queues: the sweep has just seen objects
 * of the key, so that pass starts without the release's licence (engine enqueueFresh) and
 * observes. With the real `startController`, the simulated API server and the OpenStack fake:
 * a load balancer tagged for a Service released moments ago (a late-landing create, say) is
 * released by the next sweep, not left until the release's trust expires.
 */
import { describe, expect, it } from 'vitest';
import { RELEASED_TRUST_MS } from '../../../src/core/plan/licence.js';
import * as loadbalancers from '../../../src/openstack/octavia/loadbalancers.js';
import { FakeOpenStack, fakeSession } from '../../support/fake-openstack/index.js';
import { serviceManifest, sliceManifest } from '../../support/e2e-harness.js';
import { startKubeApiServer } from '../../support/kube-apiserver/index.js';
import { fakeConfig, startOnFake, useCleanups, waitUntil } from './start-on-fake.js';

const cleanups = useCleanups();
const SLICES = { apiVersion: 'discovery.k8s.io/v1', plural: 'endpointslices', namespace: 'default' };
const SERVICES = { plural: 'services', namespace: 'default' };

describe('a pass the orphan sweep queues', { timeout: 60_000 }, () => {
  it('does not rest on a release of the same key moments ago: the load balancer the sweep found is released', async () => {
    const server = await startKubeApiServer();
    cleanups.push(() => server.stop());
    const fake = new FakeOpenStack({
      config: { octavia: { create: 50, createPerChild: 0, update: 20, delete: 20, jitter: 0 } },
    });
    const session = fakeSession(fake);
    const config = fakeConfig(fake, {
      clusterId: 'sweep-fresh',
      resyncPeriodSeconds: 1,
      pendingRequeueMs: 100,
      pendingRequeueMaxMs: 200,
    });
    await startOnFake({ kubeConfig: server.kubeConfig(), session, config, ops: false }, cleanups);
    server.store.create(SLICES, sliceManifest('web', ['10.1.7.1'], [{ name: 'http', port: 8080 }]));
    server.store.create(
      SERVICES,
      serviceManifest('web', { ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] }),
    );
    const ours = async () => loadbalancers.listAll(session, { name: 'default/web' });
    await waitUntil('the load balancer ACTIVE', async () =>
      (await ours()).some((lb) => lb.provisioningStatus === 'ACTIVE'),
    );
    const [created] = await ours();
    if (created === undefined) throw new Error('no load balancer');

    server.store.delete({ ...SERVICES, name: 'web' });
    await waitUntil('the release', () => server.store.get({ ...SERVICES, name: 'web' }) === undefined);
    await waitUntil('the load balancer gone', async () => (await ours()).length === 0);

    // A create that lands after the release (its process was slow), tagged as the controller tags.
    const late = await loadbalancers.create(session, {
      loadbalancer: { name: 'default/web', vip_subnet_id: fake.info.service_subnet_id, tags: created.tags },
    } as unknown as Parameters<typeof loadbalancers.create>[1]);
    // Within 20 s, well inside the release's trust (RELEASED_TRUST_MS): resting on it would keep
    // the late one until the trust expired, and this wait would time out.
    await waitUntil('the late load balancer released', async () => (await ours()).length === 0, 20_000);
    await expect(loadbalancers.get(session, late.id)).rejects.toThrow(/not found|404/i);
    expect(RELEASED_TRUST_MS).toBeGreaterThan(20_000);
  });
});
