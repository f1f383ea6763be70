/**
 * The orphan sweep over the fake OpenStack: which keys this cluster owns objects for, which
 * the cache lacks, the per-sweep cap, and no sweep at all while the caches are not synced.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceRef } from '../../../src/core/model.js';
import { loadBalancerDescription, ownedServiceKey } from '../../../src/core/naming.js';
import { ownershipTags } from '../../../src/core/ownership.js';
import { keyInShards } from '../../../src/core/shard.js';
import { listOwnedServiceKeys } from '../../../src/openstack/owned-keys.js';
import { sweepOrphans } from '../../../src/services/sweep.js';
import { anOwner } from '../../support/builders.js';
import { handMadeLoadBalancer, markedFloatingIp } from './cloud-helpers.js';
import { CLUSTER_ID, OWNER, startWorld, type World } from './world.js';

const ref = (namespace: string, name: string, uid = `uid-${name}`): ServiceRef => ({ namespace, name, uid });
const signal = (): AbortSignal => new AbortController().signal;

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.stop();
});

/** Objects of this cluster for web, api and db, and look-alikes that are not ours. */
async function project(): Promise<void> {
  await handMadeLoadBalancer(world, {
    name: 'default/web',
    tags: ownershipTags(OWNER, ref('default', 'web')),
    vipAddress: '10.2.100.1',
  });
  await handMadeLoadBalancer(world, {
    name: 'default/cache',
    tags: ownershipTags(anOwner('c2'), ref('default', 'cache')),
    vipAddress: '10.2.100.2',
  });
  await handMadeLoadBalancer(world, {
    name: 'default/twin',
    tags: ownershipTags({ clusterId: CLUSTER_ID, writer: 'another-cluster' }, ref('default', 'twin')),
    vipAddress: '10.2.100.3',
  });
  await handMadeLoadBalancer(world, { name: 'default/hand', tags: [], vipAddress: '10.2.100.4' });
  // api: a crash leftover (the floating IP POSTed on the VIP port, its tags PUT never sent).
  const api = await handMadeLoadBalancer(world, {
    name: 'default/api',
    tags: ownershipTags(OWNER, ref('default', 'api')),
    vipAddress: '10.2.100.5',
  });
  await markedFloatingIp(world, {
    description: loadBalancerDescription(OWNER, ref('default', 'api')),
    portId: api.vipPortId,
  });
  const db = ref('ns2', 'db');
  await markedFloatingIp(world, {
    description: loadBalancerDescription(OWNER, db),
    tags: ownershipTags(OWNER, db),
  });
  await markedFloatingIp(world, { description: loadBalancerDescription(anOwner('c2'), ref('default', 'x')) });
  await markedFloatingIp(world, {
    description: `see ${loadBalancerDescription(OWNER, ref('default', 'y'))}`,
  });
  await markedFloatingIp(world, { description: 'allocated by a user', tags: ['team-a'] });
}

describe('ownedServiceKey', () => {
  it('reads the key from our marker, or from the name of an object proven ours by its tags', () => {
    const web = ref('default', 'web');
    const marked = { name: '', description: loadBalancerDescription(anOwner('c1'), web), owned: false };
    expect(ownedServiceKey(marked, anOwner('c1'))).toBe('default/web');
    expect(ownedServiceKey(marked, anOwner('c2'))).toBeNull();
    expect(ownedServiceKey({ name: 'default/web', description: '', owned: true }, anOwner('c1'))).toBe(
      'default/web',
    );
    expect(ownedServiceKey({ name: 'default/web', description: '', owned: false }, anOwner('c1'))).toBeNull();
    expect(
      ownedServiceKey({ name: 'not a key', description: 'free text', owned: true }, anOwner('c1')),
    ).toBeNull();
  });
});

describe('orphan sweep', () => {
  it('lists the keys this cluster owns objects for, tagged or only marked; reports another writer as a collision', async () => {
    await project();
    const owned = await listOwnedServiceKeys(world.session, {
      owner: OWNER,
      projectId: world.fake.info.project_id,
    });
    expect(owned.keys).toEqual(['default/api', 'default/web', 'ns2/db']);
    expect(owned.conflicts).toHaveLength(1);
  });

  it('queues only the keys the cache lacks, at most max per sweep; their release leaves none of ours behind', async () => {
    await project();
    const queued: string[] = [];
    const first = await sweepOrphans({
      cloud: world.cloud,
      knownKeys: ['default/web', 'default/unrelated'],
      unsynced: null,
      maxReleases: 1,
      enqueue: (key) => queued.push(key),
      signal: signal(),
    });
    expect(first).toEqual({ kind: 'swept', queued: ['default/api'], deferred: ['ns2/db'] });
    for (const key of queued)
      expect((await world.converge(key)).at(-1)?.result).toMatchObject({ kind: 'done' });
    const second = await sweepOrphans({
      cloud: world.cloud,
      knownKeys: ['default/web'],
      unsynced: null,
      maxReleases: 1,
      enqueue: (key) => queued.push(key),
      signal: signal(),
    });
    expect(second).toEqual({ kind: 'swept', queued: ['ns2/db'], deferred: [] });
    expect((await world.converge('ns2/db')).at(-1)?.result).toMatchObject({ kind: 'done' });
    const owned = await listOwnedServiceKeys(world.session, {
      owner: OWNER,
      projectId: world.fake.info.project_id,
    });
    expect(owned.keys).toEqual(['default/web']);
    expect((await world.loadBalancers()).map((lb) => lb.name).sort()).toEqual([
      'default/cache',
      'default/hand',
      'default/twin',
      'default/web',
    ]);
    expect(await world.floatingIps()).toHaveLength(3);
  });

  it('does nothing while the caches are not synced (an empty cache is not evidence)', async () => {
    await project();
    const before = world.reads();
    const queued: string[] = [];
    const result = await sweepOrphans({
      cloud: world.cloud,
      knownKeys: [],
      unsynced: 'services: never listed',
      maxReleases: 5,
      enqueue: (key) => queued.push(key),
      signal: signal(),
    });
    expect(result).toEqual({ kind: 'skipped', reason: 'services: never listed' });
    expect(queued).toEqual([]);
    expect(world.reads()).toBe(before);
  });

  it('under a shard queues only the orphans hashing to that shard; the shards together queue each orphan once', async () => {
    await project();
    // Orphans default/api and ns2/db: shards 1 and 0 of 3 (sha256sum, see test/unit/core/shard.test.ts).
    const byShard: string[][] = [];
    for (const shard of [0, 1, 2]) {
      const queued: string[] = [];
      const result = await sweepOrphans({
        cloud: world.cloud,
        knownKeys: ['default/web'],
        unsynced: null,
        maxReleases: 5,
        enqueue: (key) => queued.push(key),
        signal: signal(),
        inScope: (key) => keyInShards(key, 3, new Set([shard])),
      });
      expect(result).toEqual({ kind: 'swept', queued, deferred: [] });
      byShard.push(queued);
    }
    expect(byShard).toEqual([['ns2/db'], ['default/api'], []]);
  });
});
