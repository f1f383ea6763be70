import { PatchStrategy, setHeaderOptions, type V1Service } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SERVICE_FINALIZER } from '../../../src/kube/service-writes.js';
import { anEndpoint, anEndpointSlice, aSlicePort } from '../../support/builders.js';
import { startWorld, type World } from './world.js';

let world: World;

beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.stop();
});

async function createService(
  name: string,
  spec: NonNullable<V1Service['spec']>,
  annotations?: Record<string, string>,
) {
  return world.kube.core.createNamespacedService({
    namespace: 'default',
    body: { metadata: { name, ...(annotations === undefined ? {} : { annotations }) }, spec },
  });
}

async function createSlice(service: string, ips: string[]) {
  await world.kube.discovery.createNamespacedEndpointSlice({
    namespace: 'default',
    body: anEndpointSlice({
      service,
      name: `${service}-x1`,
      ports: [aSlicePort(8080, { name: 'http' })],
      endpoints: ips.map((ip) => anEndpoint(ip)),
    }),
  });
}

const webSpec = (type = 'ClusterIP', extra: Partial<NonNullable<V1Service['spec']>> = {}) => ({
  type,
  ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
  selector: { app: 'web' },
  ...extra,
});

describe('Service reconciler: create', () => {
  it('adds the finalizer, records the CR, creates the load balancer once, then reports Ready with ingress', async () => {
    await createService('web', webSpec('LoadBalancer'));
    await createSlice('web', ['10.1.0.5', '10.1.0.6']);

    const first = await world.reconcile('default/web');
    expect(first).toMatchObject({ kind: 'requeueAfter', ms: 1000 });
    expect(world.service('web')?.metadata.finalizers).toContain(SERVICE_FINALIZER);
    const klb = world.klb('web');
    expect(klb?.spec?.ports).toEqual([{ name: 'http', port: 80, protocol: 'TCP', targetPort: '8080' }]);
    expect(klb?.spec?.type).toBe('LoadBalancer');
    expect(condition('web', 'Ready')).toMatchObject({ status: 'False', reason: 'Reconciling' });
    expect((await world.loadBalancers()).map((lb) => lb.provisioningStatus)).toEqual(['PENDING_CREATE']);

    const pending = await world.pass('default/web');
    expect(pending.result).toMatchObject({ kind: 'poll' });
    // A light pass (one GET of the busy head) leaves the create pass's record as it was.
    expect(condition('web', 'Ready')).toMatchObject({ status: 'False', reason: 'Reconciling' });

    const passes = await world.converge('default/web');
    expect(passes.at(-1)?.result).toEqual({ kind: 'done' });
    const [lb, ...others] = await world.loadBalancers();
    expect(others).toEqual([]);
    expect(lb?.provisioningStatus).toBe('ACTIVE');
    expect(lb?.pools[0]?.members.map((m) => m.address)).toEqual(['10.1.0.5', '10.1.0.6']);
    expect(world.writesBy()['octavia.loadbalancer.create']).toBe(1);
    const [fip] = await world.floatingIps();
    expect(fip?.portId).toBe(lb?.vipPortId);

    const status = world.klb('web')?.status;
    expect(status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True' });
    expect(status?.loadbalancer?.id).toBe(lb?.id);
    expect(status?.service_pub_ip_info).toEqual({
      ip_id: fip?.id,
      ip_addr: fip?.address,
      alloc_method: 'pool',
    });
    expect(status?.progress).toEqual({ create_path: 'fully-populated', unsettled: null });
    expect(ingressOf('web')).toEqual([{ ip: fip?.address }]);
    expect(world.metrics.createPaths).toEqual(['fully-populated']);
    expect(world.events('web').filter((e) => e.reason === 'KuryrEnsuredLB')).toHaveLength(1);

    // Converged: another pass (a resync) writes nothing to OpenStack nor to the record, and posts no event.
    const writes = world.writes();
    const rv = world.klb('web')?.metadata.resourceVersion;
    expect(await world.reconcile('default/web')).toEqual({ kind: 'done' });
    expect(world.writes()).toBe(writes);
    expect(world.klb('web')?.metadata.resourceVersion).toBe(rv);
    expect(world.events('web').filter((e) => e.reason === 'KuryrEnsuredLB')).toEqual([
      expect.objectContaining({ count: 1 }),
    ]);
  });
});

function condition(name: string, type: string) {
  return world.klb(name)?.status?.conditions?.find((c) => c.type === type);
}

function ingressOf(name: string) {
  return (world.service(name)?.status as V1Service['status'])?.loadBalancer?.ingress ?? [];
}

async function patchService(name: string, body: object) {
  await world.kube.core.patchNamespacedService(
    { name, namespace: 'default', body },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

describe('Service reconciler: skip and invalid input', () => {
  it('reports a headless Service once as skipped and leaves it alone', async () => {
    await createService('headless', webSpec('ClusterIP', { clusterIP: 'None' }));
    expect(await world.reconcile('default/headless')).toEqual({ kind: 'done' });
    await world.clock.advance(5 * 60_000); // past the recorder's repeat interval: a repeat would bump the count
    expect(await world.reconcile('default/headless')).toEqual({ kind: 'done' });
    expect(world.events('headless')).toEqual([
      expect.objectContaining({ type: 'Normal', reason: 'KuryrServiceSkipped', count: 1 }),
    ]);
    expect(world.service('headless')?.metadata.finalizers ?? []).toEqual([]);
    expect(world.klb('headless')).toBeUndefined();
    expect(world.writes()).toBe(0);
  });

  it('a bad timeout annotation: Warning event, InputValid False, terminal, and the existing load balancer untouched', async () => {
    await createService('web', webSpec());
    await world.converge('default/web');
    const before = await world.loadBalancers();
    const writes = world.writes();

    await patchService('web', {
      metadata: { annotations: { 'openstack.org/kuryr-timeout-client-data': 'soon' } },
    });
    const result = await world.reconcile('default/web');
    expect(result.kind).toBe('terminal');
    expect(condition('web', 'InputValid')).toMatchObject({ status: 'False', reason: 'KuryrInvalidService' });
    expect(condition('web', 'Ready')?.status).toBe('True');
    expect(
      world
        .events('web')
        .filter((e) => e.type === 'Warning')
        .map((e) => e.reason),
    ).toEqual(['KuryrInvalidService']);
    expect(await world.loadBalancers()).toEqual(before);
    expect(world.writes()).toBe(writes);
    expect(world.service('web')?.metadata.finalizers).toContain(SERVICE_FINALIZER);

    // Fixed: valid again, and the load balancer picks up the timeout.
    await patchService('web', {
      metadata: { annotations: { 'openstack.org/kuryr-timeout-client-data': '5000' } },
    });
    expect((await world.converge('default/web')).at(-1)?.result).toEqual({ kind: 'done' });
    expect(condition('web', 'InputValid')?.status).toBe('True');
    const [after] = await world.loadBalancers();
    expect(after?.listeners[0]?.timeoutClientData).toBe(5000);
    expect(after?.id).toBe(before[0]?.id);
  });

  it('an invalid Service without a record gets one carrying InputValid False', async () => {
    await createService('bad', webSpec(), { 'openstack.org/kuryr-timeout-member-data': '-1' });
    expect((await world.reconcile('default/bad')).kind).toBe('terminal');
    expect(condition('bad', 'InputValid')?.status).toBe('False');
    expect(world.writes()).toBe(0);
  });
});

describe('Service reconciler: release', () => {
  it('a deleted Service: cloud emptied, record deleted, finalizer removed, Service gone', async () => {
    await createService('web', webSpec('LoadBalancer'));
    await world.converge('default/web');
    expect(await world.floatingIps()).toHaveLength(1);

    await world.kube.core.deleteNamespacedService({ name: 'web', namespace: 'default' });
    expect(world.service('web')?.metadata.deletionTimestamp).toBeDefined();
    const passes = await world.converge('default/web');
    expect(passes.at(-1)?.result).toMatchObject({ kind: 'done' });
    expect(await world.loadBalancers()).toEqual([]);
    expect(await world.floatingIps()).toEqual([]);
    expect(world.klb('web')).toBeUndefined();
    expect(world.service('web')).toBeUndefined();
    // The key again (the DELETED watch event): nothing left to do.
    expect(await world.reconcile('default/web')).toMatchObject({ kind: 'done' });
  });

  it('a key whose Service never existed writes nothing', async () => {
    expect(await world.reconcile('default/ghost')).toMatchObject({ kind: 'done' });
    expect(world.writes()).toBe(0);
  });

  it('a Service gone without our finalizer (crash, forced removal): its objects are cleaned up from the key alone', async () => {
    await createService('web', webSpec('LoadBalancer'));
    await createService('other', webSpec());
    await world.converge('default/web');
    await world.converge('default/other');
    world.server.store.patch(
      { plural: 'services', namespace: 'default', name: 'web' },
      { metadata: { finalizers: null } },
    );
    world.server.store.delete({ plural: 'services', namespace: 'default', name: 'web' });

    expect((await world.converge('default/web')).at(-1)?.result).toMatchObject({ kind: 'done' });
    expect((await world.loadBalancers()).map((lb) => lb.name)).toEqual(['default/other']);
    expect(await world.floatingIps()).toEqual([]);
  });

  it('a Service that stops wanting a load balancer releases it and its finalizer', async () => {
    await createService('web', webSpec('LoadBalancer'));
    await world.converge('default/web');
    expect(ingressOf('web')).toHaveLength(1);

    await patchService('web', { spec: { type: 'NodePort' } });
    expect((await world.converge('default/web')).at(-1)?.result).toMatchObject({ kind: 'done' });
    expect(await world.loadBalancers()).toEqual([]);
    expect(await world.floatingIps()).toEqual([]);
    expect(world.klb('web')).toBeUndefined();
    expect(ingressOf('web')).toEqual([]);
    expect(world.service('web')?.metadata.finalizers ?? []).toEqual([]);
  });
});
