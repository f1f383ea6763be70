/**
 * The reconciler while Octavia is busy: the requeue delay grows and caps, a busy load
 * balancer costs one read per pass, and a change of the Service is still acted on at once.
 */
import { PatchStrategy, setHeaderOptions, type V1Service } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { Result } from '../../../src/engine/result.js';
import { anEndpoint, anEndpointSlice, aSlicePort } from '../../support/builders.js';
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

const spec = (type: string): NonNullable<V1Service['spec']> => ({
  type,
  ports: [
    { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
    { name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' },
  ],
});

async function createWeb(w: World, type = 'LoadBalancer', ips = ['10.1.0.5']): Promise<void> {
  await w.kube.core.createNamespacedService({
    namespace: 'default',
    body: { metadata: { name: 'web' }, spec: spec(type) },
  });
  await setEndpoints(w, ips);
}

async function setEndpoints(w: World, ips: string[]): Promise<void> {
  await w.kube.discovery.deleteCollectionNamespacedEndpointSlice({ namespace: 'default' });
  await w.kube.discovery.createNamespacedEndpointSlice({
    namespace: 'default',
    body: anEndpointSlice({
      service: 'web',
      name: 'web-x1',
      ports: [aSlicePort(8080, { name: 'http' }), aSlicePort(5353, { name: 'dns', protocol: 'UDP' })],
      endpoints: ips.map((ip) => anEndpoint(ip)),
    }),
  });
}

/** One pass: its result and the OpenStack reads it cost. */
async function pass(w: World): Promise<{ result: Result; reads: number; ms: number }> {
  const before = w.cloud.reads;
  const result = await w.reconcile('default/web');
  const ms = result.kind === 'requeueAfter' ? result.ms : 0;
  await w.clock.advance(ms);
  return { result, reads: w.cloud.reads - before, ms };
}

/** Passes until done, Octavia finishing each write before the next pass (settleAfterReads: null). */
async function convergeSettling(w: World): Promise<Result> {
  for (let i = 0; i < 30; i++) {
    w.cloud.settle();
    const { result } = await pass(w);
    if (result.kind !== 'requeueAfter') return result;
  }
  throw new Error('did not converge in 30 passes');
}

const ready = (w: World) => w.klb('web')?.status?.conditions?.find((c) => c.type === 'Ready');
const statuses = (w: World) => w.cloud.loadBalancers().map((lb) => lb.provisioningStatus);

describe('Service reconciler while the load balancer is PENDING_*', () => {
  it('one read per pass once the busy load balancer is known, with a delay that grows and caps; then converges', async () => {
    const w = await setUp({ settleAfterReads: null });
    await createWeb(w);
    const create = await pass(w); // observes nothing (2 LB lists + 2 FIP lists), creates
    expect(create.reads).toBe(4);
    expect(statuses(w)).toEqual(['PENDING_CREATE']);

    // The first pending pass observes in full (no id in the record yet): LB lists 2, listeners
    // 1, pools 1, members of 2 pools, FIP lists 2 + 1 on the VIP port = 9 reads.
    const first = await pass(w);
    expect(first).toMatchObject({ reads: 9, ms: TIMING.pendingRequeueMs });
    expect(w.klb('web')?.status?.loadbalancer?.provisioning_status).toBe('PENDING_CREATE');

    const pending = [];
    for (let i = 0; i < 6; i++) pending.push(await pass(w));
    expect(pending.map((p) => p.reads)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(pending.map((p) => p.ms)).toEqual([750, 1125, 1688, 2000, 2000, 2000]);
    expect(pending.every((p) => p.result.kind === 'requeueAfter')).toBe(true);
    expect(w.cloud.observeCalls).toBe(2);
    expect(w.cloud.history.map((a) => a.kind)).toEqual(['createLoadBalancer', 'createFloatingIp']);
    expect(ready(w)).toMatchObject({ status: 'False', reason: 'Pending' });

    // Octavia finishes: the light poll sees ACTIVE and the full observation converges.
    w.cloud.settle();
    const last = await pass(w);
    expect(last).toMatchObject({ result: { kind: 'done' }, reads: 1 + 9 });
    expect(ready(w)?.status).toBe('True');
    expect(statuses(w)).toEqual(['ACTIVE']);

    // Settling resets the backoff: the next busy spell starts at the base delay again.
    await setEndpoints(w, ['10.1.0.5', '10.1.0.6']);
    const write = await pass(w);
    expect(w.cloud.history.at(-1)?.kind).toBe('replaceMembers');
    expect(write.result.kind).toBe('requeueAfter');
    const afterWrite = [await pass(w), await pass(w)];
    expect(afterWrite.map((p) => [p.reads, p.ms])).toEqual([
      [1, TIMING.pendingRequeueMs],
      [1, 750],
    ]);
  });

  it('a Service change while the load balancer is busy is planned at once: a write the plan can make runs', async () => {
    const w = await setUp({ settleAfterReads: null });
    await createWeb(w);
    await pass(w);
    await pass(w); // the busy load balancer is now known: light polls from here on
    expect((await pass(w)).reads).toBe(1);
    expect(w.cloud.floatingIps()).toHaveLength(1);

    // LoadBalancer → ClusterIP: the pool floating IP goes (Neutron), though Octavia is still busy.
    await w.kube.core.patchNamespacedService(
      { name: 'web', namespace: 'default', body: { spec: spec('ClusterIP') } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const changed = await pass(w);
    expect(changed.reads).toBeGreaterThan(1);
    expect(statuses(w)).toEqual(['PENDING_CREATE']);
    expect(w.cloud.floatingIps()).toEqual([]);
    expect(w.cloud.history.slice(2).map((a) => a.kind)).toEqual(['deleteFloatingIp']);

    // An endpoint change the plan cannot act on yet (the load balancer is busy) is not lost.
    await setEndpoints(w, ['10.1.0.7']);
    const waiting = await pass(w);
    expect(waiting.reads).toBeGreaterThan(1);
    expect(waiting.result.kind).toBe('requeueAfter');
    expect((await pass(w)).reads).toBe(1); // same desired state: light polls again
    expect(await convergeSettling(w)).toEqual({ kind: 'done' });
    const [lb] = w.cloud.loadBalancers();
    expect(lb?.pools.flatMap((p) => p.members.map((m) => m.address))).toEqual(['10.1.0.7', '10.1.0.7']);
    expect(w.cloud.history.filter((a) => a.kind === 'createLoadBalancer')).toHaveLength(1);
  });

  it('a 404 on the light poll (deleted by hand while busy) observes in full and recreates', async () => {
    const w = await setUp({ settleAfterReads: null });
    await createWeb(w);
    await pass(w);
    await pass(w);
    const [gone] = w.cloud.loadBalancers();
    w.cloud.deleteByHand(gone?.id ?? '');
    const next = await pass(w);
    expect(next.reads).toBeGreaterThan(1);
    expect(w.cloud.history.filter((a) => a.kind === 'createLoadBalancer')).toHaveLength(2);
    expect(await convergeSettling(w)).toEqual({ kind: 'done' });
    const [lb, ...others] = w.cloud.loadBalancers();
    expect(others).toEqual([]);
    expect(lb?.id).not.toBe(gone?.id);
    expect(w.klb('web')?.status?.loadbalancer?.id).toBe(lb?.id);
  });

  it('convergence is unchanged on a slow Octavia: same writes and state, fewer reads', async () => {
    const w = await setUp({ settleAfterReads: 6 });
    await createWeb(w, 'LoadBalancer', ['10.1.0.5', '10.1.0.6']);
    const results = await w.converge('default/web', 40);
    expect(results.at(-1)).toEqual({ kind: 'done' });
    expect(w.cloud.history.map((a) => a.kind)).toEqual(['createLoadBalancer', 'createFloatingIp']);
    const [lb] = w.cloud.loadBalancers();
    expect(lb?.provisioningStatus).toBe('ACTIVE');
    expect(lb?.pools.flatMap((p) => p.members.map((m) => m.provisioningStatus))).toEqual(
      Array<string>(4).fill('ACTIVE'),
    );
    expect(ready(w)?.status).toBe('True');
    // create (4), first pending pass in full (9), 5 light polls, the settled pass (1 + 9).
    expect(w.cloud.reads).toBe(4 + 9 + 5 + 10);
    expect(w.cloud.observeCalls).toBe(3);
  });
});
