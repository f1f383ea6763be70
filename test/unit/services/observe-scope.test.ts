/**
 * What a reconcile pass reads (docs/adr/0006, reads addendum): ownership is by tags alone, so the
 * reconciler never lists load balancers by name; a release deletes with cascade, so it reads the
 * heads of our load balancers, never their listeners, pools or members. The outcome (what the
 * cloud holds afterwards) is unchanged.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { anEndpoint, anEndpointSlice, aSlicePort } from '../../support/builders.js';
import { startWorld, type World } from './world.js';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

async function createWeb(w: World): Promise<void> {
  await w.kube.core.createNamespacedService({
    namespace: 'default',
    body: {
      metadata: { name: 'web' },
      spec: { type: 'LoadBalancer', ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
    },
  });
  await w.kube.discovery.createNamespacedEndpointSlice({
    namespace: 'default',
    body: anEndpointSlice({
      service: 'web',
      name: 'web-x1',
      ports: [aSlicePort(8080, { name: 'http' })],
      endpoints: [anEndpoint('10.1.0.5')],
    }),
  });
}

const CHILD_READS = ['octavia.listener.list', 'octavia.pool.list', 'octavia.member.list'];

describe('what a pass reads', () => {
  it('the first pass of a new Service lists its load balancers once (by tags), not also by name', async () => {
    const w = (world = await startWorld());
    await createWeb(w);
    w.fake.requests.reset();
    await w.pass('default/web');
    expect(w.fake.requests.count({ operation: 'octavia.loadbalancer.list' })).toBe(1);
    expect(w.fake.requests.count({ operation: 'octavia.loadbalancer.create', status: 201 })).toBe(1);
  });

  it('a release reads no listener, pool or member, and still leaves nothing behind', async () => {
    const w = (world = await startWorld());
    await createWeb(w);
    await w.settle();
    expect((await w.converge('default/web')).at(-1)?.result).toEqual({ kind: 'done' });
    expect(await w.floatingIps()).toHaveLength(1);

    await w.kube.core.deleteNamespacedService({ name: 'web', namespace: 'default' });
    w.fake.requests.reset();
    for (let i = 0; i < 10 && w.service('web') !== undefined; i++) {
      await w.settle();
      await w.pass('default/web');
    }
    expect(w.service('web')).toBeUndefined();
    expect(await w.loadBalancers()).toEqual([]);
    expect(await w.floatingIps()).toEqual([]);
    const reads = w.fake.requests.byOperation({ kind: 'read' });
    expect(Object.keys(reads).filter((op) => CHILD_READS.includes(op))).toEqual([]);
  });
});
