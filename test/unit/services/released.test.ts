/**
 * The pass that follows a finished release (src/core/plan/licence.ts releasedRecently): the
 * Service disappears once its finalizer is removed, its key comes back, and that pass rests on
 * the release that has just seen nothing of ours left, instead of observing it all again.
 * Only within RELEASED_TRUST_MS of the release; a pass the orphan sweep queues starts without it
 * (the engine's enqueueFresh: test/unit/engine/controller.test.ts, boot: sweep-fresh.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RELEASED_TRUST_MS } from '../../../src/core/plan/licence.js';
import { anEndpoint, anEndpointSlice, aSlicePort } from '../../support/builders.js';
import { startWorld, type World } from './world.js';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

async function createdThenReleased(w: World, type: string, beforeRelease?: () => void): Promise<void> {
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
      spec: { type, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
    },
  });
  await w.converge('default/web');
  await w.kube.core.deleteNamespacedService({ name: 'web', namespace: 'default' });
  await w.pass('default/web');
  beforeRelease?.();
  const release = await w.converge('default/web');
  expect(release.at(-1)?.result.kind).toBe('done');
  expect(w.service('web')).toBeUndefined();
  expect(await w.loadBalancers()).toEqual([]);
  expect(await w.floatingIps()).toEqual([]);
}

async function readsOfOnePass(w: World): Promise<{ reads: number; kind: string }> {
  const before = w.reads();
  const p = await w.pass('default/web');
  return { reads: w.reads() - before, kind: p.result.kind };
}

describe('after a finished release', () => {
  it.each(['ClusterIP', 'LoadBalancer'])(
    '%s: the passes for the vanished Service (its record, its slices) read nothing of OpenStack until the trust expires',
    async (type) => {
      const w = (world = await startWorld());
      await createdThenReleased(w, type);
      expect(await readsOfOnePass(w)).toEqual({ reads: 0, kind: 'done' });
      await w.clock.advance(RELEASED_TRUST_MS / 2);
      expect(await readsOfOnePass(w)).toEqual({ reads: 0, kind: 'done' });
      expect(await readsOfOnePass(w)).toEqual({ reads: 0, kind: 'done' });
      // Expiry counts from the release, not from its last use.
      await w.clock.advance(RELEASED_TRUST_MS / 2);
      const later = await readsOfOnePass(w);
      expect(later.kind).toBe('done');
      expect(later.reads).toBeGreaterThan(0);
    },
  );

  it('a cache still showing the deleting Service with our finalizer: the pass rests on the release', async () => {
    const w = (world = await startWorld());
    await createdThenReleased(w, 'ClusterIP', () => w.frozen.add('default/web'));
    const cached = await readsOfOnePass(w);
    expect(cached).toEqual({ reads: 0, kind: 'done' });
    // Without the release behind it, the same stale copy is a release pass that observes.
    await w.clock.advance(RELEASED_TRUST_MS);
    expect((await readsOfOnePass(w)).reads).toBeGreaterThan(0);
  });

  it('older than RELEASED_TRUST_MS, the release is not rested on: the pass observes', async () => {
    const w = (world = await startWorld());
    await createdThenReleased(w, 'ClusterIP');
    await w.clock.advance(RELEASED_TRUST_MS);
    expect((await readsOfOnePass(w)).reads).toBeGreaterThan(0);
  });

  it('a Service created again under the same name is created, whatever the release left', async () => {
    const w = (world = await startWorld());
    await createdThenReleased(w, 'ClusterIP');
    await w.kube.core.createNamespacedService({
      namespace: 'default',
      body: { metadata: { name: 'web' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    });
    await w.converge('default/web');
    expect(await w.loadBalancers()).toHaveLength(1);
  });
});
