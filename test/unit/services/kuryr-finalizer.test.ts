/**
 * Kuryr's KuryrLoadBalancer finalizer: removed once the pass observed the Service's load
 * balancer as ours and recorded it, never before; a record kuryr's finalizer holds in
 * Terminating is finished by us (ensure and release).
 */
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KURYR_KLB_FINALIZER } from '../../../src/kube/klb.js';
import { startWorld, type World } from './world.js';

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.stop();
});

const ref = {
  group: 'openstack.org',
  version: 'v1',
  plural: 'kuryrloadbalancers',
  namespace: 'default',
  name: 'web',
};
const spec = { type: 'LoadBalancer', ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] };

async function addKuryrFinalizer(): Promise<void> {
  await world.kube.custom.patchNamespacedCustomObject(
    { ...ref, body: { metadata: { finalizers: [KURYR_KLB_FINALIZER] } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

describe("kuryr's KuryrLoadBalancer finalizer", () => {
  it('stays until the load balancer is observed as ours and recorded, then goes', async () => {
    await world.kube.core.createNamespacedService({
      namespace: 'default',
      body: { metadata: { name: 'web' }, spec },
    });
    // As kuryr left it: a record with its finalizer, nothing observed yet.
    await world.kube.custom.createNamespacedCustomObject({
      ...ref,
      body: {
        apiVersion: 'openstack.org/v1',
        kind: 'KuryrLoadBalancer',
        metadata: { name: 'web', finalizers: [KURYR_KLB_FINALIZER] },
        spec: { ip: '', ports: [] },
      },
    });
    await world.reconcile('default/web');
    expect(await world.loadBalancers()).toHaveLength(1);
    expect(world.klb('web')?.status?.loadbalancer).toBeUndefined();
    expect(world.klb('web')?.metadata.finalizers).toEqual([KURYR_KLB_FINALIZER]);
    await world.converge('default/web');
    const [lb] = await world.loadBalancers();
    expect(world.klb('web')?.status?.loadbalancer?.id).toBe(lb?.id);
    expect(world.klb('web')?.metadata.finalizers ?? []).toEqual([]);
  });

  it('a record stuck in Terminating on a Service we serve is finished (and made again)', async () => {
    await world.kube.core.createNamespacedService({
      namespace: 'default',
      body: { metadata: { name: 'web' }, spec },
    });
    await world.converge('default/web');
    await addKuryrFinalizer();
    const before = world.klb('web')?.metadata.uid;
    await world.kube.custom.deleteNamespacedCustomObject(ref);
    expect(world.klb('web')?.metadata.deletionTimestamp).toBeDefined();
    await world.converge('default/web');
    expect(world.klb('web')?.metadata.uid).not.toBe(before);
    expect(world.klb('web')?.metadata.deletionTimestamp).toBeUndefined();
  });

  it('a deleted Service whose record kuryr holds: everything released, record and Service gone', async () => {
    await world.kube.core.createNamespacedService({
      namespace: 'default',
      body: { metadata: { name: 'web' }, spec },
    });
    await world.converge('default/web');
    await addKuryrFinalizer();
    await world.kube.core.deleteNamespacedService({ name: 'web', namespace: 'default' });
    await world.converge('default/web');
    expect(await world.loadBalancers()).toEqual([]);
    expect(world.klb('web')).toBeUndefined();
    expect(world.service('web')).toBeUndefined();
  });
});
