/**
 * The created basis against the fake cloud (docs/adr/0020): a first create on a clean slate
 * is verified, once ACTIVE, by one status-tree GET instead of the tree's lists; what Octavia
 * holds and what the record says are the same as after a full observation. Whatever does not
 * fit the basis (a monitor the answer omits, a failed or 404 status GET) falls back to the
 * full observation and loses nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { anEndpoint, anEndpointSlice, aSlicePort } from '../../support/builders.js';
import { startWorld, type World } from './world.js';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

const TREE_LISTS = ['octavia.listener.list', 'octavia.pool.list', 'octavia.member.list'];

async function createWeb(
  w: World,
  opts: { readonly type?: string; readonly annotations?: Record<string, string> } = {},
): Promise<void> {
  await w.kube.discovery.createNamespacedEndpointSlice({
    namespace: 'default',
    body: anEndpointSlice({
      service: 'web',
      name: 'web-x1',
      ports: [aSlicePort(8080, { name: 'http' }), aSlicePort(8443, { name: 'https' })],
      endpoints: [anEndpoint('10.1.0.5'), anEndpoint('10.1.0.6')],
    }),
  });
  await w.kube.core.createNamespacedService({
    namespace: 'default',
    body: {
      metadata: { name: 'web', ...(opts.annotations === undefined ? {} : { annotations: opts.annotations }) },
      spec: {
        type: opts.type ?? 'ClusterIP',
        ports: [
          { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
          { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
        ],
      },
    },
  });
}

function treeLists(reads: Record<string, number>): number {
  return TREE_LISTS.reduce((n, op) => n + (reads[op] ?? 0), 0);
}

/** The record's ids of listeners, pools and members equal Octavia's. */
async function recordMatchesOctavia(w: World): Promise<void> {
  const [lb] = await w.loadBalancers();
  const status = w.klb('web')?.status;
  expect(status?.loadbalancer?.id).toBe(lb?.id);
  const recorded = (status?.listeners ?? []).map((l) => l.id).sort();
  expect(recorded).toEqual((lb?.listeners ?? []).map((l) => l.id).sort());
  const members = (status?.members ?? []).map((m) => m.id).sort();
  expect(members).toEqual((lb?.pools ?? []).flatMap((p) => p.members.map((m) => m.id)).sort());
}

describe('created basis', () => {
  it('a ClusterIP create converges on one status-tree GET: no listener, pool or member list', async () => {
    world = await startWorld();
    await createWeb(world);
    const passes = await world.converge('default/web');
    expect(passes.at(-1)?.result.kind).toBe('done');
    const reads = world.readsBy();
    expect(treeLists(reads)).toBe(0);
    expect(reads['octavia.loadbalancer.status']).toBe(1);
    expect(world.klb('web')?.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    await recordMatchesOctavia(world);
  });

  it('a LoadBalancer create (Pool floating IP): ingress from the created floating IP, two Neutron reads in all', async () => {
    world = await startWorld();
    await createWeb(world, { type: 'LoadBalancer' });
    await world.converge('default/web');
    const reads = world.readsBy();
    expect(treeLists(reads)).toBe(0);
    // Tags and marker, in the first pass (the subnet GETs are the world's context load).
    expect(reads['neutron.floatingip.list'], JSON.stringify(reads)).toBe(2);
    const [fip] = await world.floatingIps();
    const ingress = (world.service('web')?.status as { loadBalancer?: { ingress?: { ip?: string }[] } })
      .loadBalancer?.ingress;
    expect(ingress?.map((i) => i.ip)).toEqual([fip?.address]);
    await recordMatchesOctavia(world);
  });

  it('a monitor the create answer omits (as Zed does) is seen: the tree is observed in full', async () => {
    world = await startWorld();
    const annotations = { 'loadbalancer.openstack.org/enable-health-monitor': 'true' };
    await createWeb(world, { annotations });
    await world.converge('default/web');
    expect(treeLists(world.readsBy())).toBeGreaterThan(0);
    const [lb] = await world.loadBalancers();
    expect(lb?.pools.every((p) => p.healthMonitor !== undefined)).toBe(true);
    await recordMatchesOctavia(world);
  });

  it.each([500, 404])(
    'the status-tree GET answering %i (retries spent): the pass observes in full, nothing is deleted',
    async (status) => {
      world = await startWorld();
      await createWeb(world, { type: 'LoadBalancer' });
      world.fake.failRequests({ operation: 'octavia.loadbalancer.status', status, count: 20 });
      await world.converge('default/web');
      expect(world.readsBy()['octavia.loadbalancer.status'] ?? 0).toBeGreaterThan(0);
      expect(world.writesBy()['octavia.loadbalancer.delete'] ?? 0).toBe(0);
      expect(world.writesBy()['neutron.floatingip.delete'] ?? 0).toBe(0);
      expect(treeLists(world.readsBy()), JSON.stringify(world.readsBy())).toBeGreaterThan(0);
      expect(await world.floatingIps()).toHaveLength(1);
      expect(await world.loadBalancers()).toHaveLength(1);
      await recordMatchesOctavia(world);
    },
  );

  it('an endpoint added while the load balancer is PENDING_CREATE: one member write on the basis, converged', async () => {
    world = await startWorld();
    await createWeb(world);
    const first = await world.pass('default/web');
    expect(first.result.kind).not.toBe('done');
    const slice = await world.kube.discovery.readNamespacedEndpointSlice({
      namespace: 'default',
      name: 'web-x1',
    });
    const endpoints = ['10.1.0.5', '10.1.0.6', '10.1.0.7'].map((ip) => anEndpoint(ip));
    await world.kube.discovery.replaceNamespacedEndpointSlice({
      namespace: 'default',
      name: 'web-x1',
      body: Object.assign(slice, { endpoints }),
    });
    await world.clock.advance(first.delayMs);
    await world.converge('default/web');
    const [lb] = await world.loadBalancers();
    for (const pool of lb?.pools ?? [])
      expect(pool.members.map((m) => m.address).sort()).toEqual(['10.1.0.5', '10.1.0.6', '10.1.0.7']);
    expect(world.writesBy()['octavia.member.batch_update']).toBe(2);
    await recordMatchesOctavia(world);
  });
});
