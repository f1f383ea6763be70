/**
 * The safety rules of docs/adr/0008 at the reconciler, with the API server and OpenStack
 * failing: no release without positive evidence, user-named addresses never deleted,
 * ownership collisions never touched, failures reported to the Service's owner.
 */
import { PatchStrategy, setHeaderOptions, type V1Service } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ownershipTags } from '../../../src/core/ownership.js';
import { KEEP_TAG } from '../../../src/core/ownership.js';
import * as loadbalancers from '../../../src/openstack/octavia/loadbalancers.js';
import { anEndpoint, anEndpointSlice, aSlicePort } from '../../support/builders.js';
import { CLUSTER_ID, startWorld, type World } from './world.js';

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.stop();
});

const spec = (type = 'LoadBalancer', extra: Partial<NonNullable<V1Service['spec']>> = {}) => ({
  type,
  ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
  selector: { app: 'web' },
  ...extra,
});

async function service(name: string, s = spec(), annotations?: Record<string, string>): Promise<void> {
  await world.kube.core.createNamespacedService({
    namespace: 'default',
    body: { metadata: { name, ...(annotations === undefined ? {} : { annotations }) }, spec: s },
  });
  await world.kube.discovery.createNamespacedEndpointSlice({
    namespace: 'default',
    body: anEndpointSlice({
      service: name,
      name: `${name}-1`,
      ports: [aSlicePort(8080, { name: 'http' })],
      endpoints: [anEndpoint('10.1.0.7')],
    }),
  });
}

/** Removes the Service behind the controller's back: finalizer dropped, object deleted (a crash, a forced removal). */
function forceDelete(name: string): void {
  world.server.store.patch(
    { plural: 'services', namespace: 'default', name },
    { metadata: { finalizers: null } },
  );
  world.server.store.delete({ plural: 'services', namespace: 'default', name });
}

async function patch(name: string, body: object): Promise<void> {
  await world.kube.core.patchNamespacedService(
    { name, namespace: 'default', body },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

const ready = (name: string) => world.klb(name)?.status?.conditions?.find((c) => c.type === 'Ready');

describe('no release without positive evidence', () => {
  it('caches not synced: an orphan key is not released, and nothing is read or written', async () => {
    await service('web');
    await world.converge('default/web');
    forceDelete('web');
    world.unsynced = 'services: first list failed (403 Forbidden)';
    const before = { reads: world.reads(), writes: world.writes() };
    const pass = await world.pass('default/web');
    expect(pass.result).toMatchObject({
      kind: 'requeueAfter',
      reason: expect.stringContaining('403') as unknown,
    });
    expect(world.writes()).toBe(before.writes);
    expect(world.reads()).toBe(before.reads);
    expect(await world.loadBalancers()).toHaveLength(1);
  });

  it.each([
    ['403', 403],
    ['503', 503],
    ['500', 500],
  ])('the live GET of the Service answers %s: thrown (retried), nothing released', async (_label, code) => {
    await service('web');
    await world.converge('default/web');
    forceDelete('web');
    world.server.faults.respond({ verb: 'get', resource: 'services', name: 'web' }, { code, times: 1 });
    await expect(world.pass('default/web')).rejects.toThrow();
    expect(await world.loadBalancers()).toHaveLength(1);
    expect(await world.floatingIps()).toHaveLength(1);
    // The fault gone, the 404 is positive evidence: released.
    expect((await world.converge('default/web')).at(-1)?.result).toMatchObject({ kind: 'done' });
    expect(await world.loadBalancers()).toEqual([]);
  });

  it('the API server still has the Service (the cache is behind): not released', async () => {
    await service('web');
    await world.converge('default/web');
    world.hidden.add('default/web');
    const pass = await world.pass('default/web');
    expect(pass.result).toMatchObject({
      kind: 'requeueAfter',
      reason: expect.stringContaining('cache is behind') as unknown,
    });
    expect(await world.loadBalancers()).toHaveLength(1);
    expect(await world.floatingIps()).toHaveLength(1);
  });
});

describe('user-named addresses are never deleted', () => {
  it('the Pool address copied into loadBalancerIP: disowned at once, kept (detached) when the Service goes', async () => {
    await service('web');
    await world.converge('default/web');
    const [pool] = await world.floatingIps();
    expect(pool).toBeDefined();
    await patch('web', { spec: { loadBalancerIP: pool?.address } });
    expect((await world.converge('default/web')).at(-1)?.result).toEqual({ kind: 'done' });
    const [claimed] = await world.floatingIps();
    expect(claimed?.id).toBe(pool?.id);
    expect(claimed?.tags).toEqual([]);
    expect(claimed?.description).toBe('');

    await world.kube.core.deleteNamespacedService({ name: 'web', namespace: 'default' });
    expect((await world.converge('default/web')).at(-1)?.result).toMatchObject({ kind: 'done' });
    expect(await world.loadBalancers()).toEqual([]);
    const [kept, ...others] = await world.floatingIps();
    expect(others).toEqual([]);
    expect(kept).toMatchObject({ id: pool?.id, address: pool?.address, portId: null });
  });

  it('keep-floatingip: the Pool floating IP carries ks-keep and survives a delete, even a forced one', async () => {
    await service('web', spec(), { 'loadbalancer.openstack.org/keep-floatingip': 'true' });
    await world.converge('default/web');
    const [pool] = await world.floatingIps();
    expect(pool?.tags).toContain(KEEP_TAG);
    forceDelete('web');
    expect((await world.converge('default/web')).at(-1)?.result).toMatchObject({ kind: 'done' });
    expect(await world.loadBalancers()).toEqual([]);
    const [kept] = await world.floatingIps();
    expect(kept).toMatchObject({ id: pool?.id, portId: null, tags: [] });
  });

  it('a type downgrade without the annotation releases the Pool floating IP (deleted)', async () => {
    await service('web');
    await world.converge('default/web');
    await patch('web', { spec: { type: 'ClusterIP', ports: spec().ports } });
    await world.converge('default/web');
    expect(await world.floatingIps()).toEqual([]);
    expect(await world.loadBalancers()).toHaveLength(1);
  });
});

describe('ownership collisions', () => {
  it('a load balancer with our cluster id but another writer is never touched, and the owner is warned', async () => {
    await service('web', spec('ClusterIP'));
    const svc = world.service('web');
    const ref = { namespace: 'default', name: 'web', uid: String(svc?.metadata.uid) };
    const theirs = ownershipTags({ clusterId: CLUSTER_ID, writer: 'another-cluster' }, ref);
    await loadbalancers.create(world.session, {
      loadbalancer: {
        name: 'default/web',
        vip_subnet_id: world.fake.info.service_subnet_id,
        vip_address: '10.2.100.1',
        tags: theirs,
      },
    } as unknown as Parameters<typeof loadbalancers.create>[1]);
    await world.settle();
    await world.converge('default/web');
    const lbs = await world.loadBalancers();
    expect(lbs).toHaveLength(2);
    expect(lbs.find((lb) => lb.tags.includes('ks-writer=another-cluster'))?.provisioningStatus).toBe(
      'ACTIVE',
    );
    expect(world.events('web').map((e) => e.reason)).toContain('KuryrOwnershipConflict');
    forceDelete('web');
    await world.converge('default/web');
    expect((await world.loadBalancers()).map((lb) => lb.tags.includes('ks-writer=another-cluster'))).toEqual([
      true,
    ]);
  });
});

describe('failures belong to the Service owner', () => {
  it('a 403 quota error on the create: Warning event, Ready=False with the fault, a slow retry; fixed, it converges', async () => {
    await service('web');
    world.fake.failRequests({
      service: 'load-balancer',
      method: 'POST',
      operation: 'octavia.loadbalancer.create',
      status: 403,
      count: 1,
    });
    const pass = await world.pass('default/web');
    expect(pass.result.kind).toBe('failed');
    expect(ready('web')).toMatchObject({ status: 'False', reason: 'KuryrEnsureLBError' });
    expect(
      world
        .events('web')
        .filter((e) => e.type === 'Warning')
        .map((e) => e.reason),
    ).toEqual(['KuryrEnsureLBError']);
    expect(world.metrics.failures).toEqual(['terminal KuryrEnsureLBError']);
    expect((await world.converge('default/web')).at(-1)?.result).toEqual({ kind: 'done' });
    expect(ready('web')?.status).toBe('True');
  });

  it('a 500 is reported the same way and thrown, for the engine to back off', async () => {
    await service('web');
    world.fake.failRequests({
      service: 'load-balancer',
      method: 'POST',
      operation: 'octavia.loadbalancer.create',
      status: 500,
      count: 1,
    });
    await expect(world.pass('default/web')).rejects.toThrow(/500/);
    expect(ready('web')).toMatchObject({ status: 'False', reason: 'KuryrOpenStackUnavailable' });
    expect(world.metrics.failures).toEqual(['retryable KuryrOpenStackUnavailable']);
  });

  it('a persistent 409: the poll delay grows while the same load balancer stays busy', async () => {
    await service('web');
    await world.converge('default/web');
    await patch('web', {
      spec: { ports: [...spec().ports, { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' }] },
    });
    world.fake.failRequests({
      service: 'load-balancer',
      method: 'POST',
      operation: 'octavia.listener.create',
      status: 409,
      count: 4,
    });
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const p = await world.pass('default/web');
      expect(p.result.kind).toBe('poll');
      delays.push(p.delayMs);
      await world.clock.advance(p.delayMs);
    }
    expect(delays).toEqual([2000, 3000, 4500, 6750]);
    expect((await world.converge('default/web')).at(-1)?.result).toEqual({ kind: 'done' });
  });
});
