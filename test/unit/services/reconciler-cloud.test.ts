/**
 * The reconciler over a REST-level fake OpenStack whose Octavia progresses on the fake clock:
 * stuck children, user floating IPs, VIP changes, conflicts and drift, changes over a
 * Service's lifetime, several Services.
 */
import { PatchStrategy, setHeaderOptions, type V1Service } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { networkContextFromSubnets } from '../../../src/core/network-context.js';
import { KubeApiError } from '../../../src/kube/errors.js';
import { SERVICE_FINALIZER } from '../../../src/kube/service-writes.js';
import { deleteByHand, secondServiceSubnet, userFloatingIp, vmPort } from './cloud-helpers.js';
import { POLL, startWorld, type World, type WorldOptions } from './world.js';

let world: World | undefined;

afterEach(async () => {
  await world?.stop();
  world = undefined;
});

async function setUp(options: WorldOptions = {}): Promise<World> {
  world = await startWorld(options);
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

const last = async (p: Promise<{ result: unknown }[]>) => (await p).at(-1)?.result;

describe('Service reconciler: children stuck PENDING under an ACTIVE load balancer', () => {
  it('waits (growing delay, remembered in the record), then recreates step by step and converges', async () => {
    const w = await setUp({ cloud: { config: { stuckChildrenOnFullCreate: true } } });
    await createService(w, 'web', twoPorts('LoadBalancer'));

    expect((await w.reconcile('default/web')).kind).toBe('requeueAfter'); // fully-populated create
    await w.settle();
    const [stuckLb] = await w.loadBalancers();
    expect(stuckLb?.provisioningStatus).toBe('ACTIVE');
    expect(stuckLb?.listeners.map((l) => l.provisioningStatus)).toEqual(['PENDING_CREATE', 'PENDING_CREATE']);

    const writes = w.writes();
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      const p = await w.pass('default/web');
      expect(p.result.kind).toBe('poll');
      delays.push(p.delayMs);
      await w.clock.advance(p.delayMs);
    }
    expect(delays).toEqual([POLL.baseMs, POLL.baseMs * 1.5, POLL.baseMs * 1.5 * 1.5]);
    // The first pass that saw them wrote a floating IP; after it, nothing but the record.
    expect(w.writes() - writes).toBeLessThanOrEqual(2);
    expect(ready(w, 'web')).toMatchObject({ status: 'False', reason: 'Pending' });
    expect(w.klb('web')?.status?.progress?.unsettled?.loadbalancer_id).toBe(stuckLb?.id);
    const fipId = (await w.floatingIps())[0]?.id;

    await w.clock.advance(60_000);
    expect(await last(w.converge('default/web'))).toEqual({ kind: 'done' });
    const by = w.writesBy();
    expect(by['octavia.loadbalancer.create']).toBe(2);
    expect(by['octavia.loadbalancer.delete']).toBe(1);
    expect(by['octavia.listener.create']).toBe(2);
    expect(w.metrics.createPaths).toEqual(['fully-populated', 'step-by-step']);
    const [lb, ...others] = await w.loadBalancers();
    expect(others).toEqual([]);
    expect(lb?.id).not.toBe(stuckLb?.id);
    expect(
      lb?.listeners.map((l) => `${l.protocol}:${l.protocolPort}:${l.provisioningStatus}`).sort(),
    ).toEqual(['TCP:80:ACTIVE', 'UDP:53:ACTIVE']);
    // The pool floating IP survived the re-creation and serves the new load balancer.
    expect((await w.floatingIps()).map((f) => [f.id, f.portId])).toEqual([[fipId, lb?.vipPortId]]);
    expect(ready(w, 'web')?.status).toBe('True');
    // Converged: the record says the next create is fully populated again.
    expect(w.klb('web')?.status?.progress).toEqual({ create_path: 'fully-populated', unsettled: null });
  });
});

describe('Service reconciler: floating IPs', () => {
  it('a user floating IP that does not exist: Warning, Ready False, terminal; the load balancer is still created', async () => {
    const w = await setUp();
    await createService(w, 'web', twoPorts('LoadBalancer', { loadBalancerIP: '172.24.4.250' }));
    expect(((await last(w.converge('default/web'))) as { kind: string }).kind).toBe('terminal');
    expect((await w.loadBalancers()).map((lb) => lb.provisioningStatus)).toEqual(['ACTIVE']);
    expect(await w.floatingIps()).toEqual([]);
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
    const user = await userFloatingIp(w);
    await createService(w, 'web', twoPorts('LoadBalancer', { loadBalancerIP: user.address }));
    expect(await last(w.converge('default/web'))).toEqual({ kind: 'done' });
    const [lb] = await w.loadBalancers();
    expect((await w.floatingIps()).map((f) => [f.id, f.portId, f.tags])).toEqual([
      [user.id, lb?.vipPortId, []],
    ]);
    expect(ingressOf(w, 'web')).toEqual([{ ip: user.address }]);
    expect(w.klb('web')?.status?.service_pub_ip_info).toEqual({
      ip_id: user.id,
      ip_addr: user.address,
      alloc_method: 'user',
    });
    await w.kube.core.deleteNamespacedService({ name: 'web', namespace: 'default' });
    await w.converge('default/web');
    expect((await w.floatingIps()).map((f) => [f.id, f.portId])).toEqual([[user.id, null]]);
  });

  it("a user floating IP attached to someone else's port is not stolen: Warning and terminal", async () => {
    const w = await setUp();
    const port = await vmPort(w);
    const user = await userFloatingIp(w, port);
    await createService(w, 'web', twoPorts('LoadBalancer', { loadBalancerIP: user.address }));
    expect(((await last(w.converge('default/web'))) as { kind: string }).kind).toBe('terminal');
    expect((await w.floatingIps()).map((f) => [f.id, f.portId])).toEqual([[user.id, port]]);
    expect(ready(w, 'web')?.message).toContain(`attached to another port (${port})`);
  });

  it('keeps the pool floating IP across a VIP change: same id, re-associated to the new VIP port', async () => {
    const w = await setUp();
    await createService(w, 'web', twoPorts('LoadBalancer'));
    await w.converge('default/web');
    const [oldLb] = await w.loadBalancers();
    const [fip] = await w.floatingIps();
    expect(fip?.portId).toBe(oldLb?.vipPortId);

    // The service subnet was replaced (same range, new subnet): the VIP moves.
    const moved = await secondServiceSubnet(w);
    const subnets = [...w.context.network.subnets.values()];
    const info = { ...(subnets.find((s) => s.cidr === '10.2.0.0/16') ?? subnets[0]), id: moved };
    w.context = {
      ...w.context,
      network: networkContextFromSubnets(
        [...subnets, info as (typeof subnets)[number]],
        [moved],
        w.context.network.podSubnetIds,
      ),
    };
    expect(await last(w.converge('default/web'))).toEqual({ kind: 'done' });

    const [lb, ...others] = await w.loadBalancers();
    expect(others).toEqual([]);
    expect(lb?.vipSubnetId).toBe(moved);
    expect(lb?.id).not.toBe(oldLb?.id);
    expect((await w.floatingIps()).map((f) => [f.id, f.portId])).toEqual([[fip?.id, lb?.vipPortId]]);
    expect(ingressOf(w, 'web')).toEqual([{ ip: fip?.address }]);
    expect(w.writesBy()['neutron.floatingip.create']).toBe(1);
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
    expect(w.writes()).toBe(0);
    expect(await last(w.converge('default/web'))).toEqual({ kind: 'done' });
    expect(w.service('web')?.metadata.finalizers).toContain(SERVICE_FINALIZER);
  });

  it('a 409 from Octavia is a poll, not an error, and the create happens once', async () => {
    const w = await setUp();
    await createService(w, 'web', twoPorts('ClusterIP'));
    w.fake.failRequests({
      service: 'load-balancer',
      method: 'POST',
      operation: 'octavia.loadbalancer.create',
      status: 409,
      count: 1,
    });
    expect(await w.reconcile('default/web')).toMatchObject({ kind: 'poll' });
    expect(await w.loadBalancers()).toEqual([]);
    expect(await last(w.converge('default/web'))).toEqual({ kind: 'done' });
    expect(w.fake.requests.count({ operation: 'octavia.loadbalancer.create', status: 201 })).toBe(1);
  });

  it('a load balancer deleted by hand is recreated on the next pass', async () => {
    const w = await setUp();
    await createService(w, 'web', twoPorts('LoadBalancer'));
    await w.converge('default/web');
    const [gone] = await w.loadBalancers();
    const [fip] = await w.floatingIps();
    await deleteByHand(w, gone?.id ?? '');
    expect(await last(w.converge('default/web'))).toEqual({ kind: 'done' });
    const [lb] = await w.loadBalancers();
    expect(lb?.id).not.toBe(gone?.id);
    expect((await w.floatingIps()).map((f) => [f.id, f.portId])).toEqual([[fip?.id, lb?.vipPortId]]);
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
    const before = w.writesBy();
    expect(await last(w.converge('default/web'))).toEqual({ kind: 'done' });
    const after = w.writesBy();
    const changed = Object.keys(after).filter((k) => after[k] !== before[k]);
    expect(changed).toEqual(['octavia.member.batch_update']);
    expect((after['octavia.member.batch_update'] ?? 0) - (before['octavia.member.batch_update'] ?? 0)).toBe(
      1,
    );
    expect((await w.loadBalancers())[0]?.pools[0]?.members.map((m) => m.address)).toEqual(['10.1.0.9']);
  });
});

describe('Service reconciler: changes over a Service lifetime', () => {
  it('LoadBalancer → ClusterIP: the pool floating IP is released and ingress cleared; the load balancer is kept', async () => {
    const w = await setUp();
    await createService(w, 'web', twoPorts('LoadBalancer'));
    await w.converge('default/web');
    const [lb] = await w.loadBalancers();
    await w.kube.core.patchNamespacedService(
      { name: 'web', namespace: 'default', body: { spec: twoPorts('ClusterIP') } }, // node ports dropped, as the API requires
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(await last(w.converge('default/web'))).toEqual({ kind: 'done' });
    expect((await w.loadBalancers()).map((l) => l.id)).toEqual([lb?.id]);
    expect(await w.floatingIps()).toEqual([]);
    expect(ingressOf(w, 'web')).toEqual([]);
    expect(w.klb('web')?.status?.service_pub_ip_info).toBeUndefined();
  });

  it('deleted while its load balancer is still PENDING_CREATE: waits (no 409), then releases everything', async () => {
    const w = await setUp();
    await createService(w, 'web', twoPorts('LoadBalancer'));
    await w.reconcile('default/web');
    expect((await w.loadBalancers()).map((l) => l.provisioningStatus)).toEqual(['PENDING_CREATE']);
    await w.kube.core.deleteNamespacedService({ name: 'web', namespace: 'default' });
    expect(await last(w.converge('default/web'))).toMatchObject({ kind: 'done' });
    expect(w.fake.requests.count({ status: 409 })).toBe(0);
    expect(await w.loadBalancers()).toEqual([]);
    expect(await w.floatingIps()).toEqual([]);
    expect(w.service('web')).toBeUndefined();
  });

  it('recreated under the same name (new uid): the old incarnation goes first, then the new one is created on the same VIP', async () => {
    const w = await setUp();
    await createService(w, 'web', twoPorts('LoadBalancer'));
    await w.converge('default/web');
    const [old] = await w.loadBalancers();
    const [fip] = await w.floatingIps();
    w.server.store.patch(
      { plural: 'services', namespace: 'default', name: 'web' },
      { metadata: { finalizers: null } },
    );
    w.server.store.delete({ plural: 'services', namespace: 'default', name: 'web' });
    await createService(w, 'web', twoPorts('LoadBalancer', { clusterIP: old?.vipAddress ?? '' }));
    expect(await last(w.converge('default/web'))).toEqual({ kind: 'done' });
    const [lb, ...others] = await w.loadBalancers();
    expect(others).toEqual([]);
    expect(lb?.id).not.toBe(old?.id);
    expect(lb?.vipAddress).toBe(old?.vipAddress);
    expect(lb?.tags).toContain(`ks-uid=${String(w.service('web')?.metadata.uid)}`);
    expect((await w.floatingIps()).map((f) => [f.id, f.portId])).toEqual([[fip?.id, lb?.vipPortId]]);
    expect(w.klb('web')?.status?.loadbalancer?.id).toBe(lb?.id);
  });
});

describe('Service reconciler: several Services', () => {
  it('reconciles different keys concurrently without touching each other', async () => {
    const w = await setUp();
    const names = ['a', 'b', 'c'];
    for (const n of names) await createService(w, n, twoPorts('LoadBalancer'));
    const results = await Promise.all(names.map((n) => w.converge(`default/${n}`)));
    expect(results.map((r) => r.at(-1)?.result)).toEqual(names.map(() => ({ kind: 'done' })));
    const lbs = await w.loadBalancers();
    expect(lbs.map((lb) => lb.name).sort()).toEqual(['default/a', 'default/b', 'default/c']);
    const fips = await w.floatingIps();
    expect(fips.map((f) => f.portId).sort()).toEqual(lbs.map((lb) => lb.vipPortId).sort());
    for (const n of names) {
      const lb = lbs.find((l) => l.name === `default/${n}`);
      expect(w.klb(n)?.status?.loadbalancer?.id).toBe(lb?.id);
      expect(ingressOf(w, n)).toEqual([{ ip: fips.find((f) => f.portId === lb?.vipPortId)?.address }]);
    }
    await w.kube.core.deleteNamespacedService({ name: 'b', namespace: 'default' });
    await w.converge('default/b');
    expect((await w.loadBalancers()).map((lb) => lb.name).sort()).toEqual(['default/a', 'default/c']);
    expect(await w.floatingIps()).toHaveLength(2);
  });
});
