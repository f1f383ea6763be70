/**
 * `[kuryr_services] create_mode` through the reconciler and the in-memory cloud (`auto` is
 * covered by reconciler-cloud.test.ts: fully populated, recreated step by step after stuck
 * children).
 */
import type { V1Service } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { isOctaviaWrite } from '../../../src/core/plan/actions.js';
import type { CreateMode } from '../../../src/services/deps.js';
import { anEndpoint, anEndpointSlice, aSlicePort } from '../../support/builders.js';
import type { MemoryCloudOptions } from '../../support/memory-cloud.js';
import { startWorld, TIMING, type World } from './world.js';

let world: World | undefined;

afterEach(async () => {
  await world?.stop();
  world = undefined;
});

async function setUp(mode: CreateMode, cloud: Partial<MemoryCloudOptions> = {}): Promise<World> {
  world = await startWorld(cloud, { createMode: mode });
  const spec: NonNullable<V1Service['spec']> = {
    type: 'LoadBalancer',
    ports: [
      { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
      { name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' },
    ],
  };
  await world.kube.core.createNamespacedService({
    namespace: 'default',
    body: { metadata: { name: 'web' }, spec },
  });
  await world.kube.discovery.createNamespacedEndpointSlice({
    namespace: 'default',
    body: anEndpointSlice({
      service: 'web',
      ports: [aSlicePort(8080, { name: 'http' }), aSlicePort(5353, { name: 'dns', protocol: 'UDP' })],
      endpoints: [anEndpoint('10.1.0.5')],
    }),
  });
  return world;
}

const ready = (w: World) => w.klb('web')?.status?.conditions?.find((c) => c.type === 'Ready');

/** The Octavia writes so far, creates shown with their listener count. */
function octavia(w: World): string[] {
  return w.cloud.history
    .filter(isOctaviaWrite)
    .map((a) => (a.kind === 'createLoadBalancer' ? `create(${a.loadBalancer.listeners.length})` : a.kind));
}

function everythingActive(w: World): boolean {
  return w.cloud
    .loadBalancers()
    .every(
      (lb) =>
        lb.provisioningStatus === 'ACTIVE' &&
        lb.listeners.every((l) => l.provisioningStatus === 'ACTIVE') &&
        lb.pools.every(
          (p) =>
            p.provisioningStatus === 'ACTIVE' && p.members.every((m) => m.provisioningStatus === 'ACTIVE'),
        ),
    );
}

describe('create_mode = fully-populated', () => {
  it('never recreates: stuck children are waited for and reported, and converge once Octavia is fixed', async () => {
    const w = await setUp('fully-populated', { stuckChildrenOnFullCreate: true });
    await w.reconcile('default/web');
    w.cloud.settle();
    for (let i = 0; i < 4; i++) {
      const r = await w.reconcile('default/web');
      expect(r.kind).toBe('requeueAfter');
      await w.clock.advance(TIMING.stuckChildrenMs / 2);
    }
    expect(octavia(w)).toEqual(['create(2)']);
    expect(ready(w)).toMatchObject({ status: 'False', reason: 'Pending' });
    expect(ready(w)?.message).toContain('create_mode = fully-populated: not recreating it');
    expect(ready(w)?.message).toContain('listener');

    w.cloud.unstick();
    expect((await w.converge('default/web')).at(-1)).toEqual({ kind: 'done' });
    expect(octavia(w)).toEqual(['create(2)']);
    expect(everythingActive(w)).toBe(true);
    expect(ready(w)?.status).toBe('True');
    expect(w.metrics.createPaths).toEqual(['fully-populated']);
  });
});

describe('create_mode = step-by-step', () => {
  it('creates a bare load balancer, then one child write per pass; no wasted fully-populated attempt', async () => {
    const w = await setUp('step-by-step', { stuckChildrenOnFullCreate: true });
    const results = await w.converge('default/web', 60);
    expect(results.at(-1)).toEqual({ kind: 'done' });
    const writes = octavia(w);
    expect(writes[0]).toBe('create(0)');
    expect(writes.filter((k) => k.startsWith('create('))).toEqual(['create(0)']);
    expect(writes.filter((k) => k === 'createListener')).toHaveLength(2);
    expect(writes).not.toContain('deleteLoadBalancer');
    const [lb, ...others] = w.cloud.loadBalancers();
    expect(others).toEqual([]);
    expect(lb?.listeners.map((l) => `${l.protocol}:${l.protocolPort}`)).toEqual(['TCP:80', 'UDP:53']);
    expect(lb?.pools.flatMap((p) => p.members.map((m) => m.address))).toEqual(['10.1.0.5', '10.1.0.5']);
    expect(everythingActive(w)).toBe(true);
    expect(ready(w)?.status).toBe('True');
    expect(w.cloud.floatingIps().map((f) => f.portId)).toEqual([lb?.vipPortId]);
    expect(w.metrics.createPaths).toEqual(['step-by-step']);

    // Unlike auto's fallback, the mode does not end once converged: a re-create is bare again.
    w.cloud.deleteByHand(lb?.id ?? '');
    expect((await w.converge('default/web', 60)).at(-1)).toEqual({ kind: 'done' });
    expect(octavia(w).filter((k) => k.startsWith('create('))).toEqual(['create(0)', 'create(0)']);
    expect(w.metrics.createPaths).toEqual(['step-by-step', 'step-by-step']);
    expect(everythingActive(w)).toBe(true);
  });
});
