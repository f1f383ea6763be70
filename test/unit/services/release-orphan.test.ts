import { anOwner } from '../../support/builders.js';
import { describe, expect, it } from 'vitest';
import type { ServiceRef } from '../../../src/core/model.js';
import { loadBalancerDescription } from '../../../src/core/naming.js';
import { ownershipTags } from '../../../src/core/ownership.js';
import { makeCloudPort } from '../../../src/services/cloud.js';
import { releaseOrphan, type ReleaseDeps } from '../../../src/services/release.js';
import type { Result } from '../../../src/engine/result.js';
import { FakeCloud } from '../openstack/observe-fake-cloud.js';
import { CLUSTER_ID, TIMING } from './world.js';

const WEB: ServiceRef = { namespace: 'default', name: 'web', uid: 'uid-1' };
const ORPHAN: ServiceRef = { ...WEB, uid: '' };
const marker = (clusterId: string, service: ServiceRef) =>
  loadBalancerDescription(anOwner(clusterId), service);

function depsOver(cloud: FakeCloud): ReleaseDeps {
  const port = makeCloudPort({
    session: cloud.session,
    clusterId: CLUSTER_ID,
    busyRequeueMs: 1,
    conflictRequeueMs: 1,
  });
  return { cloud: port, clusterId: CLUSTER_ID, timing: TIMING, now: () => 0 };
}

/** Runs the orphan release until it reports done (each pass is one reconcile). */
async function releaseUntilDone(cloud: FakeCloud, maxPasses = 5): Promise<Result[]> {
  const deps = depsOver(cloud);
  const results: Result[] = [];
  for (let pass = 0; pass < maxPasses; pass++) {
    const result = await releaseOrphan(deps, ORPHAN, new AbortController().signal);
    results.push(result);
    if (result.kind === 'done') return results;
  }
  throw new Error(`orphan release not done after ${maxPasses} passes`);
}

describe('releaseOrphan (the Service and its uid are gone)', () => {
  it('deletes an untagged floating IP carrying our marker, leaves a foreign cluster’s and users’ alone', async () => {
    const cloud = new FakeCloud();
    cloud.addFip({ id: 'crashed', description: marker(CLUSTER_ID, WEB) });
    cloud.addFip({ id: 'other-cluster', description: marker('c2', WEB) });
    cloud.addFip({ id: 'other-service', description: marker(CLUSTER_ID, { ...WEB, name: 'api' }) });
    cloud.addFip({ id: 'human', description: `copied from ${marker(CLUSTER_ID, WEB)}` });
    cloud.addFip({ id: 'user-tagged', description: marker(CLUSTER_ID, WEB), tags: ['mine'] });
    cloud.addFip({ id: 'user', description: 'allocated by a user' });

    const results = await releaseUntilDone(cloud);

    expect(results.map((r) => r.kind)).toEqual(['requeueAfter', 'done']);
    expect(cloud.fips.map((f) => f.id)).toEqual([
      'other-cluster',
      'other-service',
      'human',
      'user-tagged',
      'user',
    ]);
  });

  it('deletes the load balancer and the untagged marked floating IP on its VIP port (not just detaching it)', async () => {
    const cloud = new FakeCloud();
    const lb = cloud.addLb('lb-1', 'default/web', ownershipTags(anOwner(CLUSTER_ID), WEB));
    cloud.addFip({ id: 'crashed', description: marker(CLUSTER_ID, WEB), port_id: lb.vip_port_id });
    cloud.addFip({ id: 'tagged', tags: ownershipTags(anOwner(CLUSTER_ID), { ...WEB, uid: 'uid-0' }) });
    cloud.addFip({ id: 'user-on-vip', port_id: lb.vip_port_id });

    await releaseUntilDone(cloud);

    expect(cloud.lbs).toEqual([]);
    expect(cloud.fips).toMatchObject([{ id: 'user-on-vip', port_id: null, tags: [] }]);
  });

  it('is done at once when nothing of ours is left', async () => {
    const cloud = new FakeCloud();
    cloud.addFip({ id: 'other-cluster', description: marker('c2', WEB) });
    expect((await releaseUntilDone(cloud)).map((r) => r.kind)).toEqual(['done']);
    expect(cloud.fips.map((f) => f.id)).toEqual(['other-cluster']);
  });
});
