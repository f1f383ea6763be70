/**
 * Endpoint changes are batched (`endpoints_batch_period_ms`, docs/adr/0019) with the real
 * `startController`: twenty EndpointSlice updates of one Service sent over a second, within the batch period,
 * become one pass and one batch member update, carrying the last set of endpoints. A Service
 * change is not delayed by the batch period. The simulated API server and the in-process
 * OpenStack fake; nothing here asserts a time.
 */
import { describe, expect, it } from 'vitest';
import { FakeOpenStack } from '../../support/fake-openstack/index.js';
import { fakeSession } from '../../support/fake-openstack/index.js';
import { serviceManifest, sliceManifest } from '../../support/e2e-harness.js';
import { startKubeApiServer } from '../../support/kube-apiserver/index.js';
import { fakeConfig, startOnFake, useCleanups, waitUntil } from './start-on-fake.js';

const cleanups = useCleanups();
const PORTS = [{ name: 'http', port: 8080 }];
const SLICES = { apiVersion: 'discovery.k8s.io/v1', plural: 'endpointslices', namespace: 'default' };
const ips = (v: number): string[] => [`10.1.7.${v + 1}`, `10.1.8.${v + 1}`];

async function setUp(endpointsBatchPeriodMs: number) {
  const server = await startKubeApiServer();
  cleanups.push(() => server.stop());
  const fake = new FakeOpenStack({
    config: { octavia: { create: 50, createPerChild: 0, update: 20, delete: 20, jitter: 0 } },
  });
  const config = fakeConfig(fake, { clusterId: 'batch-test', endpointsBatchPeriodMs });
  await startOnFake({ kubeConfig: server.kubeConfig(), session: fakeSession(fake), config }, cleanups);
  server.store.create(SLICES, sliceManifest('web', ips(0), PORTS));
  server.store.create(
    { plural: 'services', namespace: 'default' },
    serviceManifest('web', { ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] }),
  );
  const members = (): string[] =>
    fake.octavia.members
      .select({})
      .map((m) => m.address)
      .sort();
  const batches = (): number => fake.requests.count({ operation: 'octavia.member.batch_update' });
  return { server, fake, members, batches };
}

/** Waits until the fake has answered nothing for a second: the create's own follow-up passes are over. */
async function quiet(fake: FakeOpenStack): Promise<void> {
  let last = -1;
  await waitUntil(
    'the controller idle',
    async () => {
      const now = fake.requests.count({});
      const still = now === last;
      last = now;
      if (!still) await new Promise((r) => setTimeout(r, 1000));
      return still;
    },
    60_000,
  );
}

describe('endpoint changes are batched', { timeout: 90_000 }, () => {
  it('twenty slice updates over a second, within the batch period: one batch member update, with the last endpoints', async () => {
    const s = await setUp(5000);
    await waitUntil('the first tree', () => s.members().join() === ips(0).sort().join(), 30_000);
    await quiet(s.fake);
    const before = s.batches();
    // Spread over about a second, as a rollout's endpoint changes arrive (all at once, the queue alone coalesces them).
    for (let v = 1; v <= 20; v++) {
      s.server.store.update({ ...SLICES, name: 'web-slice' }, sliceManifest('web', ips(v), PORTS));
      await new Promise((r) => setTimeout(r, 50));
    }
    await waitUntil('the last endpoints', () => s.members().join() === ips(20).sort().join(), 30_000);
    // Give a second pass (there must be none) the time to show itself.
    await new Promise((r) => setTimeout(r, 500));
    expect(s.batches() - before).toBe(1);
    expect(s.members()).toEqual(ips(20).sort());
  });
});
