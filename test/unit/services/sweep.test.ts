import { anOwner } from '../../support/builders.js';
import { describe, expect, it } from 'vitest';
import type { ServiceRef } from '../../../src/core/model.js';
import { loadBalancerDescription, ownedServiceKey } from '../../../src/core/naming.js';
import { ownershipTags } from '../../../src/core/ownership.js';
import { listOwnedServiceKeys } from '../../../src/openstack/owned-keys.js';
import { makeCloudPort } from '../../../src/services/cloud.js';
import { releaseOrphan } from '../../../src/services/release.js';
import { sweepOrphans } from '../../../src/services/sweep.js';
import { FakeCloud } from '../openstack/observe-fake-cloud.js';
import { CLUSTER_ID, TIMING } from './world.js';

const ref = (namespace: string, name: string, uid = `uid-${name}`): ServiceRef => ({ namespace, name, uid });
const WEB = ref('default', 'web');
const API = ref('default', 'api');
const DB = ref('ns2', 'db');
const signal = (): AbortSignal => new AbortController().signal;

/** A project holding objects of this cluster for web, api and db, and look-alikes that are not ours. */
function project(): FakeCloud {
  const cloud = new FakeCloud();
  cloud.addLb('lb-web', 'default/web', ownershipTags(anOwner(CLUSTER_ID), WEB));
  cloud.addLb('lb-foreign', 'default/cache', ownershipTags(anOwner('c2'), ref('default', 'cache')));
  cloud.addLb('lb-hand-made', 'default/hand', []);
  cloud.addFip({ id: 'crashed-api', description: loadBalancerDescription(anOwner(CLUSTER_ID), API) });
  cloud.addFip({
    id: 'db',
    description: loadBalancerDescription(anOwner(CLUSTER_ID), DB),
    tags: ownershipTags(anOwner(CLUSTER_ID), DB),
  });
  cloud.addFip({
    id: 'other-cluster',
    description: loadBalancerDescription(anOwner('c2'), ref('default', 'x')),
  });
  cloud.addFip({
    id: 'human',
    description: `see ${loadBalancerDescription(anOwner(CLUSTER_ID), ref('default', 'y'))}`,
  });
  cloud.addFip({ id: 'user', description: 'allocated by a user', tags: ['team-a'] });
  return cloud;
}

describe('ownedServiceKey', () => {
  it('reads the key from our marker, or from the name of an object proven ours by its tags', () => {
    const marked = { name: '', description: loadBalancerDescription(anOwner('c1'), WEB), owned: false };
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
  it('lists the keys of every Service this cluster owns objects for, tagged or only marked', async () => {
    const cloud = project();
    expect(await listOwnedServiceKeys(cloud.session, CLUSTER_ID)).toEqual([
      'default/api',
      'default/web',
      'ns2/db',
    ]);
  });

  it('queues only the keys the cache lacks, and their release leaves none of ours behind', async () => {
    const cloud = project();
    const port = makeCloudPort({
      session: cloud.session,
      clusterId: CLUSTER_ID,
      busyRequeueMs: 1,
      conflictRequeueMs: 1,
    });
    const queued: string[] = [];
    const orphans = await sweepOrphans({
      cloud: port,
      knownKeys: ['default/web', 'default/unrelated'],
      enqueue: (key) => queued.push(key),
      signal: signal(),
    });
    expect(orphans).toEqual(['default/api', 'ns2/db']);
    expect(queued).toEqual(orphans);

    for (const key of queued) {
      const [namespace = '', name = ''] = key.split('/');
      const deps = { cloud: port, clusterId: CLUSTER_ID, timing: TIMING, now: () => 0 };
      for (
        let pass = 0;
        (await releaseOrphan(deps, ref(namespace, name, ''), signal())).kind !== 'done';
        pass++
      )
        expect(pass).toBeLessThan(5);
    }
    expect(await listOwnedServiceKeys(cloud.session, CLUSTER_ID)).toEqual(['default/web']);
    expect(cloud.fips.map((f) => f.id)).toEqual(['other-cluster', 'human', 'user']);
    expect(cloud.lbs.map((lb) => lb.id)).toEqual(['lb-web', 'lb-foreign', 'lb-hand-made']);
  });
});
