import { PatchStrategy, setHeaderOptions, type V1Service } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeApiError } from '../../../src/kube/errors.js';
import { SERVICE_FINALIZER } from '../../../src/kube/service-writes.js';
import { aNetworkContext, SERVICE_SUBNET } from '../../support/builders.js';
import type { MemoryCloudOptions } from '../../support/memory-cloud.js';
import { startWorld, TIMING, type World } from './world.js';

let world: World | undefined;

afterEach(async () => {
  await world?.stop();
  world = undefined;
});

async function setUp(cloud: Partial<MemoryCloudOptions> = {}): Promise<World> {
  world = await startWorld(cloud);
  return world;
}

async function createService(w: World, name: string, spec: NonNullable<V1Service['spec']>) {
  await w.kube.core.createNamespacedService({ namespace: 'default', body: { metadata: { name }, spec } });
}

const twoPorts = (type: string, extra: Partial<NonNullable<V1Service['spec']>> = {}) => ({
  type,
  ports: [
    { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
    { name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' },
  ],
  ...extra,
});

function ready(w: World, name: string) {
  return w.klb(name)?.status?.conditions?.find((c) => c.type === 'Ready');
}

function ingressOf(w: World, name: string) {
  return (w.service(name)?.status as V1Service['status'])?.loadBalancer?.ingress ?? [];
}

describe('Service reconciler: children stuck PENDING under an ACTIVE load balancer', () => {
  it('waits, then after stuckChildrenMs recreates the load balancer step by step and converges', async () => {
    const w = await setUp({ stuckChildrenOnFullCreate: true });
    await createService(w, 'web', twoPorts('LoadBalancer'));

    expect((await w.reconcile('default/web')).kind).toBe('requeueAfter'); // fully-populated create
    w.cloud.settle();
    const [stuckLb] = w.cloud.loadBalancers();
    expect(stuckLb?.provisioningStatus).toBe('ACTIVE');
    expect(stuckLb?.listeners.map((l) => l.provisioningStatus)).toEqual(['PENDING_CREATE', 'PENDING_CREATE']);
    const fipId = w.cloud.floatingIps()[0]?.id;

    // Within stuckChildrenMs: a plain wait (with the growing delay), nothing written.
    const writes = w.cloud.history.length;
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await w.reconcile('default/web');
      expect(r.kind).toBe('requeueAfter');
      delays.push(r.kind === 'requeueAfter' ? r.ms : 0);
      await w.clock.advance(delays.at(-1) ?? 0);
    }
    expect(delays).toEqual([TIMING.pendingRequeueMs, 750, 1125]);
    expect(w.cloud.history).toHaveLength(writes);
    expect(ready(w, 'web')).toMatchObject({ status: 'False', reason: 'Pending' });

    await w.clock.advance(TIMING.stuckChildrenMs);
    const results = await w.converge('default/web');
    expect(results.at(-1)).toEqual({ kind: 'done' });

    const octavia = w.cloud.history.filter((a) => !a.kind.endsWith('FloatingIp'));
    expect(
      octavia.map((a) =>
        a.kind === 'createLoadBalancer' ? `create(${a.loadBalancer.listeners.length})` : a.kind,
      ),
    ).toEqual(['create(2)', 'deleteLoadBalancer', 'create(0)', 'createListener', 'createListener']);
    const [lb, ...others] = w.cloud.loadBalancers();
    expect(others).toEqual([]);
    expect(lb?.id).not.toBe(stuckLb?.id);
    expect(lb?.provisioningStatus).toBe('ACTIVE');
    expect(lb?.listeners.map((l) => `${l.protocol}:${l.protocolPort}:${l.provisioningStatus}`)).toEqual(
      ['TCP:80:ACTIVE', 'UDP:53:ACTIVE'].sort((a, b) => (a < b ? -1 : 1)),
    );
    // The pool floating IP survived the re-creation and serves the new load balancer.
    expect(w.cloud.floatingIps().map((f) => [f.id, f.portId])).toEqual([[fipId, lb?.vipPortId]]);
    expect(ready(w, 'web')?.status).toBe('True');
    expect(w.metrics.createPaths).toEqual(['fully-populated', 'step-by-step']);

    // Step-by-step mode ends once converged: the next create of this Service is fully populated again.
    w.cloud.stuckChildrenOnFullCreate = false;
    w.cloud.deleteByHand(lb?.id ?? '');
    await w.converge('default/web');
    expect(w.metrics.createPaths.at(-1)).toBe('fully-populated');
  });
});

describe('Service reconciler: floating IPs', () => {
  it('a user floating IP that does not exist: Warning, Ready False, terminal; the load balancer is still created', async () => {
    const w = await setUp();
    await createService(w, 'web', twoPorts('LoadBalancer', { loadBalancerIP: '198.51.100.77' }));
    const results = await w.converge('default/web');
    expect(results.at(-1)?.kind).toBe('terminal');
    expect(w.cloud.loadBalancers().map((lb) => lb.provisioningStatus)).toEqual(['ACTIVE']);
    expect(w.cloud.floatingIps()).toEqual([]);
    expect(ready(w, 'web')).toMatchObject({ status: 'False', reason: 'FloatingIpUnavailable' });
    expect(
      w
        .events('web')
        .filter((e) => e.type === 'Warning')
        .map((e) => e.reason),
    ).toEqual(['KuryrFloatingIpUnavailable']);
    expect(ingressOf(w, 'web')).toEqual([]);
  });

  it('a user floating IP that exists is attached, reported and never deleted', async () => {
    const w = await setUp();
    const user = w.cloud.addUserFloatingIp('198.51.100.77');
    await createService(w, 'web', twoPorts('LoadBalancer', { loadBalancerIP: '198.51.100.77' }));
    expect((await w.converge('default/web')).at(-1)).toEqual({ kind: 'done' });
    const [lb] = w.cloud.loadBalancers();
    expect(w.cloud.floatingIps()).toEqual([{ ...user, portId: lb?.vipPortId }]);
    expect(ingressOf(w, 'web')).toEqual([{ ip: '198.51.100.77' }]);
    expect(w.klb('web')?.status?.service_pub_ip_info).toEqual({
      ip_id: user.id,
      ip_addr: '198.51.100.77',
      alloc_method: 'user',
    });

    await w.kube.core.deleteNamespacedService({ name: 'web', namespace: 'default' });
    await w.converge('default/web');
    expect(w.cloud.floatingIps()).toEqual([{ ...user, portId: null }]);
  });

  it("a user floating IP attached to someone else's port is not stolen: Warning and terminal", async () => {
    const w = await setUp();
    const user = w.cloud.addUserFloatingIp('198.51.100.77', 'port-of-a-vm');
    await createService(w, 'web', twoPorts('LoadBalancer', { loadBalancerIP: '198.51.100.77' }));
    expect((await w.converge('default/web')).at(-1)?.kind).toBe('terminal');
    expect(w.cloud.floatingIps()).toEqual([user]);
    expect(ready(w, 'web')?.message).toContain('attached to another port (port-of-a-vm)');
  });

  it('keeps the pool floating IP across a VIP change: same id, re-associated to the new VIP port', async () => {
    const w = await setUp();
    await createService(w, 'web', twoPorts('LoadBalancer'));
    await w.converge('default/web');
    const [oldLb] = w.cloud.loadBalancers();
    const [fip] = w.cloud.floatingIps();
    expect(fip?.portId).toBe(oldLb?.vipPortId);

    // The service subnet was replaced (same range, new subnet): the VIP moves.
    const moved = { ...SERVICE_SUBNET, id: 'service-subnet-2' };
    w.context = {
      ...w.context,
      network: aNetworkContext({
        subnets: [
          moved,
          ...[...w.context.network.subnets.values()].filter((s) => s.id !== SERVICE_SUBNET.id),
        ],
        serviceSubnetIds: [moved.id],
      }),
    };
    expect((await w.converge('default/web')).at(-1)).toEqual({ kind: 'done' });

    const [lb, ...others] = w.cloud.loadBalancers();
    expect(others).toEqual([]);
    expect(lb?.vipSubnetId).toBe('service-subnet-2');
    expect(lb?.id).not.toBe(oldLb?.id);
    expect(w.cloud.floatingIps()).toEqual([{ ...fip, portId: lb?.vipPortId }]);
    expect(ingressOf(w, 'web')).toEqual([{ ip: fip?.address }]);
    expect(w.cloud.history.filter((a) => a.kind === 'createFloatingIp')).toHaveLength(1);
  });
});

describe('Service reconciler: conflicts and drift', () => {
  it('a 409 on the finalizer patch is thrown (retried by the engine), then the next pass succeeds', async () => {
    const w = await setUp();
    await createService(w, 'web', twoPorts('ClusterIP'));
    w.server.failNext({ method: 'PATCH', pathRegex: /\/services\/web$/, status: 409 });
    const failure = await w.reconcile('default/web').then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(KubeApiError);
    expect((failure as KubeApiError).isConflict).toBe(true);
    expect(w.cloud.history).toEqual([]);
    expect((await w.converge('default/web')).at(-1)).toEqual({ kind: 'done' });
    expect(w.service('web')?.metadata.finalizers).toContain(SERVICE_FINALIZER);
  });

  it('a 409 from Octavia is a requeue, not an error, and the create happens once', async () => {
    const w = await setUp();
    await createService(w, 'web', twoPorts('ClusterIP'));
    w.cloud.conflictOnNextWrite();
    expect(await w.reconcile('default/web')).toMatchObject({ kind: 'requeueAfter', ms: 2000 });
    expect(w.cloud.loadBalancers()).toEqual([]);
    expect((await w.converge('default/web')).at(-1)).toEqual({ kind: 'done' });
    expect(w.cloud.history.filter((a) => a.kind === 'createLoadBalancer')).toHaveLength(1);
  });

  it('a load balancer deleted by hand is recreated on the next pass', async () => {
    const w = await setUp();
    await createService(w, 'web', twoPorts('LoadBalancer'));
    await w.converge('default/web');
    const [gone] = w.cloud.loadBalancers();
    const [fip] = w.cloud.floatingIps();
    w.cloud.deleteByHand(gone?.id ?? '');
    expect((await w.converge('default/web')).at(-1)).toEqual({ kind: 'done' });
    const [lb] = w.cloud.loadBalancers();
    expect(lb?.id).not.toBe(gone?.id);
    expect(w.cloud.floatingIps()).toEqual([{ ...fip, portId: lb?.vipPortId }]);
    expect(w.klb('web')?.status?.loadbalancer?.id).toBe(lb?.id);
  });

  it('an endpoint change is one member batch on the kept load balancer', async () => {
    const w = await setUp();
    await createService(w, 'web', {
      type: 'ClusterIP',
      ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }],
    });
    await w.converge('default/web');
    await w.kube.discovery.createNamespacedEndpointSlice({
      namespace: 'default',
      body: {
        metadata: { name: 'web-a', labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        ports: [{ port: 8080, protocol: 'TCP' }],
        endpoints: [{ addresses: ['10.1.0.9'], conditions: { ready: true } }],
      },
    });
    const writes = w.cloud.history.length;
    expect((await w.converge('default/web')).at(-1)).toEqual({ kind: 'done' });
    expect(w.cloud.history.slice(writes).map((a) => a.kind)).toEqual(['replaceMembers']);
    expect(w.cloud.loadBalancers()[0]?.pools[0]?.members.map((m) => m.address)).toEqual(['10.1.0.9']);
  });
});

describe('Service reconciler: changes over a Service lifetime', () => {
  it('LoadBalancer → ClusterIP: the pool floating IP is released and ingress cleared; the load balancer is kept', async () => {
    const w = await setUp();
    await createService(w, 'web', twoPorts('LoadBalancer'));
    await w.converge('default/web');
    const [lb] = w.cloud.loadBalancers();
    await w.kube.core.patchNamespacedService(
      { name: 'web', namespace: 'default', body: { spec: twoPorts('ClusterIP') } }, // node ports dropped, as the API requires
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect((await w.converge('default/web')).at(-1)).toEqual({ kind: 'done' });
    expect(w.cloud.loadBalancers().map((l) => l.id)).toEqual([lb?.id]);
    expect(w.cloud.floatingIps()).toEqual([]);
    expect(ingressOf(w, 'web')).toEqual([]);
    expect(w.klb('web')?.status?.service_pub_ip_info).toBeNull();
  });

  it('deleted while its load balancer is still PENDING_CREATE: waits (no 409), then releases everything', async () => {
    const w = await setUp({ settleAfterReads: 3 });
    await createService(w, 'web', twoPorts('LoadBalancer'));
    await w.reconcile('default/web');
    expect(w.cloud.loadBalancers().map((l) => l.provisioningStatus)).toEqual(['PENDING_CREATE']);
    await w.kube.core.deleteNamespacedService({ name: 'web', namespace: 'default' });
    const results = await w.converge('default/web');
    expect(results.at(-1)).toEqual({ kind: 'done' });
    expect(results.filter((r) => r.kind === 'requeueAfter' && r.ms === 2000)).toEqual([]); // never a 409
    expect(w.cloud.loadBalancers()).toEqual([]);
    expect(w.cloud.floatingIps()).toEqual([]);
    expect(w.service('web')).toBeUndefined();
  });

  it('recreated under the same name (new uid): the old incarnation goes first, then the new one is created on the same VIP', async () => {
    const w = await setUp();
    await createService(w, 'web', twoPorts('LoadBalancer'));
    await w.converge('default/web');
    const [old] = w.cloud.loadBalancers();
    const [fip] = w.cloud.floatingIps();
    // Forced removal (finalizer stripped by hand), then a new Service of the same name.
    w.server.store.patch(
      { plural: 'services', namespace: 'default', name: 'web' },
      { metadata: { finalizers: null } },
    );
    w.server.store.delete({ plural: 'services', namespace: 'default', name: 'web' });
    await createService(w, 'web', twoPorts('LoadBalancer'));
    expect(w.klb('web')).toBeUndefined(); // the old record went with its owner

    expect((await w.converge('default/web')).at(-1)).toEqual({ kind: 'done' });
    const [lb, ...others] = w.cloud.loadBalancers();
    expect(others).toEqual([]);
    expect(lb?.id).not.toBe(old?.id);
    expect(lb?.vipAddress).toBe(old?.vipAddress);
    expect(lb?.tags).toContain(`ks-uid=${w.service('web')?.metadata.uid ?? ''}`);
    expect(w.cloud.floatingIps().map((f) => [f.id, f.portId])).toEqual([[fip?.id, lb?.vipPortId]]);
    expect(w.klb('web')?.status?.loadbalancer?.id).toBe(lb?.id);
  });
});

describe('Service reconciler: several Services', () => {
  it('reconciles different keys concurrently without touching each other', async () => {
    const w = await setUp();
    const names = ['a', 'b', 'c'];
    for (const n of names) await createService(w, n, twoPorts('LoadBalancer'));
    const results = await Promise.all(names.map((n) => w.converge(`default/${n}`)));
    expect(results.map((r) => r.at(-1))).toEqual(names.map(() => ({ kind: 'done' })));
    const lbs = w.cloud.loadBalancers();
    expect(lbs.map((lb) => lb.name).sort()).toEqual(['default/a', 'default/b', 'default/c']);
    const fips = w.cloud.floatingIps();
    expect(fips.map((f) => f.portId).sort()).toEqual(lbs.map((lb) => lb.vipPortId).sort());
    for (const n of names) {
      const lb = lbs.find((l) => l.name === `default/${n}`);
      expect(w.klb(n)?.status?.loadbalancer?.id).toBe(lb?.id);
      expect(ingressOf(w, n)).toEqual([{ ip: fips.find((f) => f.portId === lb?.vipPortId)?.address }]);
    }
    await w.kube.core.deleteNamespacedService({ name: 'b', namespace: 'default' });
    await w.converge('default/b');
    expect(
      w.cloud
        .loadBalancers()
        .map((lb) => lb.name)
        .sort(),
    ).toEqual(['default/a', 'default/c']);
    expect(w.cloud.floatingIps()).toHaveLength(2);
  });
});
