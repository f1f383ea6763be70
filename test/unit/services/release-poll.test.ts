/**
 * The reconciler while a release waits for Octavia: once the only thing left is a load
 * balancer going away, each pass costs one GET of it and the delay grows; when it is gone,
 * one full observation confirms and the finalizer goes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Result } from '../../../src/engine/result.js';
import { anEndpoint, anEndpointSlice, aSlicePort } from '../../support/builders.js';
import { startWorld, TIMING, type World } from './world.js';

let world: World | undefined;

afterEach(async () => {
  await world?.stop();
  world = undefined;
});

async function pass(w: World): Promise<{ result: Result; reads: number; ms: number }> {
  const before = w.cloud.reads;
  const result = await w.reconcile('default/web');
  const ms = result.kind === 'requeueAfter' ? result.ms : 0;
  await w.clock.advance(ms);
  return { result, reads: w.cloud.reads - before, ms };
}

async function createConverged(w: World, type: string): Promise<void> {
  await w.kube.discovery.createNamespacedEndpointSlice({
    namespace: 'default',
    body: anEndpointSlice({
      service: 'web',
      name: 'web-x1',
      ports: [aSlicePort(8080, { name: 'http' })],
      endpoints: [anEndpoint('10.1.0.5')],
    }),
  });
  await w.kube.core.createNamespacedService({
    namespace: 'default',
    body: {
      metadata: { name: 'web' },
      spec: { type, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    },
  });
  for (let i = 0; i < 20; i++) {
    w.cloud.settle();
    if ((await pass(w)).result.kind === 'done') return;
  }
  throw new Error('did not converge');
}

describe('Service reconciler while a release waits for Octavia', () => {
  it('polls only the vanishing load balancer, with a growing delay, then removes the finalizer', async () => {
    const w = await startWorld({ settleAfterReads: null });
    await createConverged(w, 'ClusterIP');
    await w.kube.core.deleteNamespacedService({ name: 'web', namespace: 'default' });

    const deleting = await pass(w);
    expect(w.cloud.loadBalancers().map((lb) => lb.provisioningStatus)).toEqual(['PENDING_DELETE']);
    expect(deleting.ms).toBe(TIMING.pendingRequeueMs);

    const polls = [];
    for (let i = 0; i < 5; i++) polls.push(await pass(w));
    expect(polls.map((p) => p.reads)).toEqual([1, 1, 1, 1, 1]);
    expect(polls.map((p) => p.ms)).toEqual([750, 1125, 1688, 2000, 2000]);
    expect(w.service('web')).toBeDefined();

    w.cloud.settle(); // Octavia finishes the delete
    const last = await pass(w);
    expect(last.result.kind).toBe('done');
    expect(last.reads).toBeGreaterThan(1); // the GET's 404, then one full observation confirms
    expect(w.cloud.loadBalancers()).toEqual([]);
    expect(w.service('web')).toBeUndefined();
  });

  it('observes in full again when the load balancer stops going away (its delete failed: ERROR)', async () => {
    const w = await startWorld({ settleAfterReads: null });
    await createConverged(w, 'ClusterIP');
    await w.kube.core.deleteNamespacedService({ name: 'web', namespace: 'default' });
    await pass(w);
    expect((await pass(w)).reads).toBe(1);

    const [lb] = w.cloud.loadBalancers();
    w.cloud.failByHand(lb?.id ?? '');
    const retry = await pass(w);
    expect(retry.reads).toBeGreaterThan(1);
    expect(w.cloud.history.filter((a) => a.kind === 'deleteLoadBalancer')).toHaveLength(2);
  });
});
