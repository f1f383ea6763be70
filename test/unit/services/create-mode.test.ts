/**
 * `[kuryr_services] create_mode` through the reconciler and the fake OpenStack (`auto` is
 * covered by reconciler-cloud.test.ts: fully populated, recreated step by step after stuck
 * children).
 */
import type { V1Service } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { CreateMode } from '../../../src/core/plan/decision.js';
import { anEndpoint, anEndpointSlice, aSlicePort } from '../../support/builders.js';
import { deleteByHand } from './cloud-helpers.js';
import { startWorld, TIMING, type World } from './world.js';

let world: World | undefined;

afterEach(async () => {
  await world?.stop();
  world = undefined;
});

async function setUp(mode: CreateMode, stuckChildrenOnFullCreate: boolean): Promise<World> {
  world = await startWorld({ createMode: mode, cloud: { config: { stuckChildrenOnFullCreate } } });
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

/** Successful Octavia writes so far, by operation. */
function octavia(w: World): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of w.fake.requests.entries()) {
    if (e.service !== 'load-balancer' || e.method === 'GET' || e.status >= 300) continue;
    out[e.operation] = (out[e.operation] ?? 0) + e.count;
  }
  return out;
}

async function everythingActive(w: World): Promise<boolean> {
  return (await w.loadBalancers()).every(
    (lb) =>
      lb.provisioningStatus === 'ACTIVE' &&
      lb.listeners.every((l) => l.provisioningStatus === 'ACTIVE') &&
      lb.pools.every(
        (p) => p.provisioningStatus === 'ACTIVE' && p.members.every((m) => m.provisioningStatus === 'ACTIVE'),
      ),
  );
}

describe('create_mode = fully-populated', () => {
  it('never recreates: stuck children are waited for and reported as stuck, with no further Octavia write', async () => {
    const w = await setUp('fully-populated', true);
    await w.reconcile('default/web');
    await w.settle();
    for (let i = 0; i < 4; i++) {
      const r = await w.reconcile('default/web');
      expect(r.kind).toBe('poll');
      await w.clock.advance(TIMING.stuckChildrenMs / 2);
    }
    expect(octavia(w)).toEqual({ 'octavia.loadbalancer.create': 1 });
    expect(ready(w)).toMatchObject({ status: 'False', reason: 'ChildrenStuck' });
    expect(ready(w)?.message).toContain('create_mode = fully-populated: not recreating it');
    expect(ready(w)?.message).toContain('listener');
    expect(w.metrics.createPaths).toEqual(['fully-populated']);
  });
});

describe('create_mode = step-by-step', () => {
  it('creates a bare load balancer, then one child write per pass; no wasted fully-populated attempt', async () => {
    const w = await setUp('step-by-step', true);
    const passes = await w.converge('default/web', 60);
    expect(passes.at(-1)?.result).toEqual({ kind: 'done' });
    // One write per pass: a bare load balancer, then per port a listener, its pool, its members.
    expect(octavia(w)).toEqual({
      'octavia.loadbalancer.create': 1,
      'octavia.listener.create': 2,
      'octavia.pool.create': 2,
      'octavia.member.batch_update': 2,
    });
    const [lb, ...others] = await w.loadBalancers();
    expect(others).toEqual([]);
    expect(lb?.listeners.map((l) => `${l.protocol}:${l.protocolPort}`)).toEqual(['TCP:80', 'UDP:53']);
    expect(lb?.pools.flatMap((p) => p.members.map((m) => m.address))).toEqual(['10.1.0.5', '10.1.0.5']);
    expect(await everythingActive(w)).toBe(true);
    expect(ready(w)?.status).toBe('True');
    expect((await w.floatingIps()).map((f) => f.portId)).toEqual([lb?.vipPortId]);
    expect(w.metrics.createPaths).toEqual(['step-by-step']);

    // Unlike auto's fallback, the mode does not end once converged: a re-create is bare again.
    await deleteByHand(w, lb?.id ?? '');
    expect((await w.converge('default/web', 60)).at(-1)?.result).toEqual({ kind: 'done' });
    expect(octavia(w)['octavia.loadbalancer.create']).toBe(2);
    expect(w.metrics.createPaths).toEqual(['step-by-step', 'step-by-step']);
    expect(await everythingActive(w)).toBe(true);
  });
});
