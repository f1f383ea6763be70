/**
 * A resync of converged Services on the sweep's lists (src/core/plan/settled.ts,
 * src/openstack/snapshot.ts), against the fake cloud: once confirmed, a resync pass reads
 * nothing of its own; a change made by hand (a member deleted: the load balancer's
 * updated_at moves; a floating IP detached: its revision moves) sends the pass to a full
 * observation that repairs it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { anEndpoint, anEndpointSlice, aSlicePort } from '../../support/builders.js';
import * as floatingips from '../../../src/openstack/neutron/floatingips.js';
import * as members from '../../../src/openstack/octavia/members.js';
import { startWorld, type World } from './world.js';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

const TIMING = { confirmAfterMs: 60_000, maxAgeMs: 3_600_000 };

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
      endpoints: [anEndpoint('10.1.0.5'), anEndpoint('10.1.0.6')],
    }),
  });
}

/** A resync: the sweep's lists first (the snapshot), then one pass; returns the pass's own reads. */
async function resyncPass(w: World): Promise<{ reads: number; kind: string }> {
  await w.cloud.ownedServiceKeys(new AbortController().signal);
  const before = w.reads();
  const passes = await w.converge('default/web');
  return { reads: w.reads() - before, kind: passes.at(-1)?.result.kind ?? 'none' };
}

async function convergedAndConfirmed(w: World): Promise<void> {
  await createWeb(w);
  await w.converge('default/web');
  // Converged on its created basis (docs/adr/0020), whose floating IP carries no revision: no
  // seal yet. The first resync's full observation grants it.
  await w.clock.advance(61_000);
  const granting = await resyncPass(w);
  expect(granting.reads).toBeGreaterThan(0);
  await w.clock.advance(61_000);
  // The confirming full observation (the first resync after the grant).
  const confirming = await resyncPass(w);
  expect(confirming.reads).toBeGreaterThan(0);
}

describe('settled resync', () => {
  it('a confirmed converged Service costs no read of its own on a resync, and no write', async () => {
    world = await startWorld({ settled: TIMING });
    await convergedAndConfirmed(world);
    const writes = world.writes();
    await world.clock.advance(600_000);
    const light = await resyncPass(world);
    expect(light).toEqual({ reads: 0, kind: 'done' });
    expect(world.writes()).toBe(writes);
  });

  it('without settled licences every resync observes in full', async () => {
    world = await startWorld();
    await convergedAndConfirmed(world);
    await world.clock.advance(600_000);
    expect((await resyncPass(world)).reads).toBeGreaterThan(0);
  });

  it('a member deleted by hand is seen and put back on the next resync', async () => {
    world = await startWorld({ settled: TIMING });
    const w = world;
    await convergedAndConfirmed(w);
    const [tree] = await w.loadBalancers();
    const pool = tree?.pools[0];
    const victim = pool?.members[0];
    if (pool === undefined || victim === undefined) throw new Error('no member');
    await w.clock.advance(2000);
    await members.delete(w.session, { poolId: pool.id, memberId: victim.id });
    await w.settle();
    await w.clock.advance(600_000);
    const pass = await resyncPass(w);
    expect(pass.reads).toBeGreaterThan(0);
    await w.settle();
    await w.converge('default/web');
    const [after] = await w.loadBalancers();
    expect(after?.pools[0]?.members.map((m) => m.address).sort()).toEqual(['10.1.0.5', '10.1.0.6']);
  });

  it('a floating IP detached by hand is seen and attached again on the next resync', async () => {
    world = await startWorld({ settled: TIMING });
    const w = world;
    await convergedAndConfirmed(w);
    const [fip] = await w.floatingIps();
    if (fip === undefined) throw new Error('no floating IP');
    await floatingips.update(w.session, fip.id, { portId: null });
    await w.clock.advance(600_000);
    await resyncPass(w);
    await w.settle();
    await w.converge('default/web');
    const [again] = await w.floatingIps();
    expect(again?.portId).toBe(fip.portId);
  });
});
