/**
 * The reconciler while Octavia is busy: a pass that could not act leaves a licence, the next
 * passes read only the busy load balancer (one GET), the engine's poll delay grows and caps,
 * a change of the Service is acted on at once, and a release waits the same way. Octavia's
 * progress here depends on the fake clock only, never on how often the reconciler looks.
 */
import { PatchStrategy, setHeaderOptions, type V1Service } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { anEndpoint, anEndpointSlice, aSlicePort } from '../../support/builders.js';
import { deleteByHand } from './cloud-helpers.js';
import { POLL, startWorld, type Pass, type World } from './world.js';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

/** Octavia takes ten minutes for anything: busy until the test lets it finish. */
const SLOW = {
  cloud: { config: { octavia: { create: 600_000, createPerChild: 0, update: 600_000, delete: 600_000 } } },
};

const spec = (type: string): NonNullable<V1Service['spec']> => ({
  type,
  ports: [
    { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
    { name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' },
  ],
});

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

async function createWeb(w: World, type = 'LoadBalancer'): Promise<void> {
  await w.kube.core.createNamespacedService({
    namespace: 'default',
    body: { metadata: { name: 'web' }, spec: spec(type) },
  });
  await setEndpoints(w, ['10.1.0.5']);
}

/** Creates ClusterIP Services `names` and runs each one's first pass (its create); returns `names`. */
async function createClusterIps(w: World, names: string[]): Promise<string[]> {
  for (const name of names) {
    await w.kube.core.createNamespacedService({
      namespace: 'default',
      body: { metadata: { name }, spec: spec('ClusterIP') },
    });
  }
  for (const name of names) expect((await w.pass(`default/${name}`)).result.kind).toBe('requeueAfter');
  return names;
}

/** One pass of each of `names`, in order: the results and the OpenStack reads they cost together. */
async function passRound(w: World, names: readonly string[]): Promise<{ reads: number; results: string[] }> {
  const before = w.reads();
  const results = [];
  for (const name of names) results.push((await w.pass(`default/${name}`)).result.kind);
  return { reads: w.reads() - before, results };
}

/** One pass, then the engine's delay; with the OpenStack reads it cost. */
async function pass(w: World): Promise<Pass & { reads: number }> {
  const before = w.reads();
  const p = await w.pass('default/web');
  const reads = w.reads() - before;
  await w.clock.advance(p.delayMs);
  return { ...p, reads };
}

/** Passes until done, Octavia finishing whatever is pending before each pass. */
async function convergeSettling(w: World): Promise<unknown> {
  for (let i = 0; i < 30; i++) {
    await w.settle();
    const p = await w.pass('default/web');
    if (p.result.kind !== 'poll' && p.result.kind !== 'requeueAfter') return p.result;
  }
  throw new Error('did not converge in 30 passes');
}

const ready = (w: World) => w.klb('web')?.status?.conditions?.find((c) => c.type === 'Ready');
const statuses = async (w: World) => (await w.loadBalancers()).map((lb) => lb.provisioningStatus);

describe('light passes while the load balancer is PENDING_*', () => {
  it('one read per pass once the busy load balancer is known, with a delay that grows and caps; then converges', async () => {
    const w = (world = await startWorld(SLOW));
    await createWeb(w);
    const create = await pass(w);
    expect(create.result.kind).toBe('requeueAfter');
    expect(await statuses(w)).toEqual(['PENDING_CREATE']);
    // The create's licence is bound to the id Octavia answered: no full observation while it is busy.
    const light: (Pass & { reads: number })[] = [];
    for (let i = 0; i < 7; i++) light.push(await pass(w));
    expect(light.map((p) => p.reads)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(light.map((p) => p.delayMs)).toEqual([POLL.baseMs, 3000, 4500, 6750, 10_000, 10_000, 10_000]);
    expect(ready(w)).toMatchObject({ status: 'False', reason: 'Reconciling' });

    await w.settle(); // Octavia finishes
    const done = await pass(w);
    expect(done.result).toEqual({ kind: 'done' });
    expect(done.reads).toBeGreaterThan(2); // the head is ACTIVE: one full observation decides
    expect(ready(w)?.status).toBe('True');

    // A write starts a new Octavia operation: the poll delay starts over.
    await setEndpoints(w, ['10.1.0.5', '10.1.0.6']);
    const write = await pass(w);
    expect(write.result.kind).toBe('requeueAfter');
    const after = [await pass(w), await pass(w)];
    expect(after.map((p) => [p.reads, p.delayMs])).toEqual([
      [1, POLL.baseMs],
      [1, 3000],
    ]);
  });

  it('Services polled together share one list of the load balancers being created; a settled one is read on its own', async () => {
    const w = (world = await startWorld(SLOW));
    const names = await createClusterIps(w, ['web', 'api', 'db']);
    const polls = () => passRound(w, names);
    // All three PENDING_CREATE: one list answers every poll of the round (was one GET each).
    expect(await polls()).toEqual({ reads: 1, results: ['poll', 'poll', 'poll'] });
    await w.clock.advance(POLL.baseMs);
    expect((await polls()).reads).toBe(1);
    // Octavia finishes: the list lacks them all, and each is read on its own before it is judged.
    await w.settle();
    const gets = () => w.fake.requests.count({ operation: 'octavia.loadbalancer.get' });
    const before = gets();
    expect((await polls()).results).toEqual(['done', 'done', 'done']);
    expect(gets() - before).toBe(3);
  });

  it('Services updated together share one list of the load balancers being updated', async () => {
    const w = (world = await startWorld({
      cloud: { config: { octavia: { create: 1000, createPerChild: 0, update: 600_000, delete: 1000 } } },
    }));
    const names = await createClusterIps(w, ['web', 'api', 'db']);
    await w.settle();
    for (const name of names) await w.converge(`default/${name}`);
    const slice = (name: string, ips: string[]) =>
      anEndpointSlice({
        service: name,
        name: `${name}-x1`,
        ports: [aSlicePort(8080, { name: 'http' }), aSlicePort(5353, { name: 'dns', protocol: 'UDP' })],
        endpoints: ips.map((ip) => anEndpoint(ip)),
      });
    for (const [i, name] of names.entries()) {
      await w.kube.discovery.createNamespacedEndpointSlice({
        namespace: 'default',
        body: slice(name, [`10.1.${i}.5`]),
      });
    }
    // Each pass writes its members: each load balancer turns PENDING_UPDATE.
    expect((await passRound(w, names)).results).toEqual(['requeueAfter', 'requeueAfter', 'requeueAfter']);
    expect(await statuses(w)).toEqual(['PENDING_UPDATE', 'PENDING_UPDATE', 'PENDING_UPDATE']);
    // One list answers every poll of a round (was one GET each).
    expect(await passRound(w, names)).toEqual({ reads: 1, results: ['poll', 'poll', 'poll'] });
    await w.clock.advance(POLL.baseMs);
    expect(await passRound(w, names)).toEqual({ reads: 1, results: ['poll', 'poll', 'poll'] });
    // Octavia finishes: the list lacks them, each is read on its own, then observed in full.
    await w.settle();
    const gets = () => w.fake.requests.count({ operation: 'octavia.loadbalancer.get' });
    const before = gets();
    expect((await passRound(w, names)).results).not.toContain('poll');
    expect(gets() - before).toBe(3);
    for (const [i, name] of names.entries()) {
      let kind = '';
      for (let n = 0; n < 10 && kind !== 'done'; n++) {
        await w.settle();
        kind = (await w.pass(`default/${name}`)).result.kind;
      }
      expect(kind).toBe('done');
      const tree = (await w.loadBalancers()).find((lb) => lb.name === `default/${name}`);
      expect(tree?.pools.flatMap((p) => p.members.map((m) => m.address))).toContain(`10.1.${i}.5`);
    }
  });

  it('a Service change while the load balancer is busy is planned at once: a write the plan can make runs', async () => {
    const w = (world = await startWorld(SLOW));
    await createWeb(w);
    await pass(w);
    await pass(w);
    expect((await pass(w)).reads).toBe(1);
    expect(await w.floatingIps()).toHaveLength(1);

    // LoadBalancer → ClusterIP: the pool floating IP goes (Neutron), though Octavia is still busy.
    await w.kube.core.patchNamespacedService(
      { name: 'web', namespace: 'default', body: { spec: spec('ClusterIP') } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const changed = await pass(w);
    expect(changed.reads).toBeGreaterThan(1);
    expect(await statuses(w)).toEqual(['PENDING_CREATE']);
    expect(await w.floatingIps()).toEqual([]);

    // An endpoint change the plan cannot act on yet is not lost: observed in full, then waited for.
    await setEndpoints(w, ['10.1.0.7']);
    expect((await pass(w)).reads).toBeGreaterThan(1);
    expect((await pass(w)).reads).toBe(1);
    expect(await convergeSettling(w)).toEqual({ kind: 'done' });
    const [lb] = await w.loadBalancers();
    expect(lb?.pools.flatMap((p) => p.members.map((m) => m.address))).toEqual(['10.1.0.7', '10.1.0.7']);
    expect(w.fake.requests.count({ operation: 'octavia.loadbalancer.create', status: 201 })).toBe(1);
  });

  it('a 404 on the light pass (deleted by hand while busy) observes in full and recreates', async () => {
    const w = (world = await startWorld(SLOW));
    await createWeb(w);
    await pass(w);
    await pass(w);
    const [gone] = await w.loadBalancers();
    await w.settle();
    await deleteByHand(w, gone?.id ?? '');
    const next = await pass(w);
    expect(next.reads).toBeGreaterThan(1);
    expect(w.fake.requests.count({ operation: 'octavia.loadbalancer.create', status: 201 })).toBe(2);
    await w.settle();
    expect((await w.converge('default/web')).at(-1)?.result).toEqual({ kind: 'done' });
    const [lb, ...others] = await w.loadBalancers();
    expect(others).toEqual([]);
    expect(lb?.id).not.toBe(gone?.id);
    expect(w.klb('web')?.status?.loadbalancer?.id).toBe(lb?.id);
  });
});

describe('light passes while a release waits for Octavia', () => {
  it('polls only the vanishing load balancer, with a growing delay, then removes the finalizer', async () => {
    const w = (world = await startWorld(SLOW));
    await createWeb(w, 'ClusterIP');
    expect(await convergeSettling(w)).toEqual({ kind: 'done' });
    await w.kube.core.deleteNamespacedService({ name: 'web', namespace: 'default' });

    const deleting = await pass(w);
    expect(await statuses(w)).toEqual(['PENDING_DELETE']);
    expect(deleting).toMatchObject({ result: { kind: 'poll' }, delayMs: POLL.baseMs });
    const polls = [];
    for (let i = 0; i < 5; i++) polls.push(await pass(w));
    expect(polls.map((p) => p.reads)).toEqual([1, 1, 1, 1, 1]);
    expect(polls.map((p) => p.delayMs)).toEqual([3000, 4500, 6750, 10_000, 10_000]);
    expect(w.service('web')).toBeDefined();

    await w.settle(); // Octavia finishes the delete
    const last = await pass(w);
    expect(last.result.kind).toBe('done');
    // The shared list of PENDING_DELETE ones lacks it, so it is GET on its own: that GET's 404
    // is the evidence (nothing else of ours was left), never its absence from the list.
    expect(last.reads).toBe(2);
    expect(await w.loadBalancers()).toEqual([]);
    expect(w.service('web')).toBeUndefined();
  });

  it('Services released together share one list of the load balancers being deleted; each release ends on its own 404', async () => {
    const w = (world = await startWorld(SLOW));
    const names = await createClusterIps(w, ['web', 'api', 'db']);
    await w.settle();
    for (const name of names) expect((await w.pass(`default/${name}`)).result.kind).toBe('done');
    for (const name of names) await w.kube.core.deleteNamespacedService({ name, namespace: 'default' });
    for (const name of names) expect((await w.pass(`default/${name}`)).result.kind).toBe('poll');
    expect(await statuses(w)).toEqual(['PENDING_DELETE', 'PENDING_DELETE', 'PENDING_DELETE']);

    const round = () => passRound(w, names);
    // All three PENDING_DELETE: one list answers every poll of the round (was one GET each).
    expect(await round()).toEqual({ reads: 1, results: ['poll', 'poll', 'poll'] });
    await w.clock.advance(POLL.baseMs);
    expect((await round()).reads).toBe(1);
    // Octavia finishes: the list lacks them all; each one's own GET answers 404 before it is released.
    await w.settle();
    const gets = () => w.fake.requests.count({ operation: 'octavia.loadbalancer.get' });
    const before = gets();
    expect((await round()).results).toEqual(['done', 'done', 'done']);
    expect(gets() - before).toBe(3);
    expect(await w.loadBalancers()).toEqual([]);
    for (const name of names) expect(w.service(name)).toBeUndefined();
  });

  it('a load balancer the shared list still shows is not released: it keeps polling', async () => {
    const w = (world = await startWorld(SLOW));
    await createWeb(w, 'ClusterIP');
    expect(await convergeSettling(w)).toEqual({ kind: 'done' });
    await w.kube.core.deleteNamespacedService({ name: 'web', namespace: 'default' });
    expect((await pass(w)).result.kind).toBe('poll');
    const gets = () => w.fake.requests.count({ operation: 'octavia.loadbalancer.get' });
    const before = gets();
    for (let i = 0; i < 3; i++) expect((await pass(w)).result.kind).toBe('poll');
    expect(gets() - before).toBe(0);
    expect(w.service('web')).toBeDefined();
  });
});
