/**
 * Coexistence through whole passes (translate covers the rules; this checks what OpenStack and
 * the Service hold afterwards): a foreign loadBalancerClass gets nothing, the internal
 * annotation a load balancer without floating IP, an unimplemented loadbalancer.openstack.org/*
 * annotation one Normal event across passes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { V1Service } from '@kubernetes/client-node';
import { startWorld, type World } from './world.js';

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.stop();
});

const ports = [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }];

async function create(spec: NonNullable<V1Service['spec']>, annotations: Record<string, string> = {}) {
  await world.kube.core.createNamespacedService({
    namespace: 'default',
    body: { metadata: { name: 'web', annotations }, spec },
  });
}

describe('coexistence, pass by pass', () => {
  it('a foreign loadBalancerClass: no load balancer, no floating IP', async () => {
    await create({ type: 'LoadBalancer', loadBalancerClass: 'metallb.io/metallb', ports });
    await world.converge('default/web');
    expect(await world.loadBalancers()).toEqual([]);
    expect(await world.floatingIps()).toEqual([]);
  });

  it('loadbalancer.openstack.org/internal: a load balancer, no floating IP', async () => {
    await create({ type: 'LoadBalancer', ports }, { 'loadbalancer.openstack.org/internal': 'true' });
    await world.converge('default/web');
    expect(await world.loadBalancers()).toHaveLength(1);
    expect(await world.floatingIps()).toEqual([]);
    expect(world.klb('web')?.status).not.toHaveProperty('service_pub_ip_info');
  });

  it('an unimplemented annotation: one Normal event naming it, however many passes', async () => {
    await create({ type: 'ClusterIP', ports }, { 'loadbalancer.openstack.org/proxy-protocol': 'true' });
    await world.converge('default/web');
    await world.reconcile('default/web');
    const named = world
      .events('web')
      .filter((e) => e.message.includes('loadbalancer.openstack.org/proxy-protocol'));
    expect(named.map((e) => [e.type, e.count])).toEqual([['Normal', 1]]);
  });
});
