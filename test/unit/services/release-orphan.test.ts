/**
 * The orphan release (a key whose Service is gone, uid unknown) through the reconciler and the
 * fake OpenStack: after the live GET's 404, everything of ours for the key goes — tagged
 * objects of any incarnation, and untagged floating IPs carrying our exact marker — and
 * nothing else: other clusters', other writers', other Services', users'.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceRef } from '../../../src/core/model.js';
import { loadBalancerDescription } from '../../../src/core/naming.js';
import { ownershipTags } from '../../../src/core/ownership.js';
import { anOwner } from '../../support/builders.js';
import { handMadeLoadBalancer, markedFloatingIp } from './cloud-helpers.js';
import { CLUSTER_ID, OWNER, startWorld, type World } from './world.js';

const WEB: ServiceRef = { namespace: 'default', name: 'web', uid: 'uid-1' };

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.stop();
});

async function release(): Promise<unknown> {
  return (await world.converge('default/web')).at(-1)?.result;
}

describe('orphan release (the Service and its uid are gone)', () => {
  it('deletes an untagged floating IP carrying our marker, leaves the look-alikes alone', async () => {
    // A crash leftover: the load balancer (tagged at its POST) and its floating IP, untagged, unbound.
    await handMadeLoadBalancer(world, {
      name: 'default/web',
      tags: ownershipTags(OWNER, WEB),
      vipAddress: '10.2.100.12',
    });
    const ours = await markedFloatingIp(world, { description: loadBalancerDescription(OWNER, WEB) });
    const keep = {
      otherCluster: await markedFloatingIp(world, {
        description: loadBalancerDescription(anOwner('c2'), WEB),
      }),
      otherWriter: await markedFloatingIp(world, {
        description: loadBalancerDescription({ clusterId: CLUSTER_ID, writer: 'another-cluster' }, WEB),
      }),
      otherService: await markedFloatingIp(world, {
        description: loadBalancerDescription(OWNER, { ...WEB, name: 'api' }),
      }),
      human: await markedFloatingIp(world, {
        description: `copied from ${loadBalancerDescription(OWNER, WEB)}`,
      }),
      userTagged: await markedFloatingIp(world, {
        description: loadBalancerDescription(OWNER, WEB),
        tags: ['mine'],
      }),
      user: await markedFloatingIp(world, { description: 'allocated by a user' }),
    };
    expect(await release()).toMatchObject({ kind: 'done' });
    const left = (await world.floatingIps()).map((f) => f.id).sort();
    expect(left).toEqual(Object.values(keep).sort());
    expect(left).not.toContain(ours);
  });

  it('deletes the load balancer and the untagged marked floating IP on its VIP port; a user one there is detached', async () => {
    const lb = await handMadeLoadBalancer(world, {
      name: 'default/web',
      tags: ownershipTags(OWNER, WEB),
      vipAddress: '10.2.100.10',
    });
    await markedFloatingIp(world, { description: loadBalancerDescription(OWNER, WEB), portId: lb.vipPortId });
    await markedFloatingIp(world, { tags: ownershipTags(OWNER, { ...WEB, uid: 'uid-0' }) });
    const lb2 = await handMadeLoadBalancer(world, {
      name: 'default/web',
      tags: ownershipTags(OWNER, { ...WEB, uid: 'uid-0' }),
      vipAddress: '10.2.100.11',
    });
    const user = await markedFloatingIp(world, { portId: lb2.vipPortId });
    expect(await release()).toMatchObject({ kind: 'done' });
    expect(await world.loadBalancers()).toEqual([]);
    expect((await world.floatingIps()).map((f) => [f.id, f.portId, f.tags])).toEqual([[user, null, []]]);
  });

  it('is done at once, with no write, when nothing of ours is left', async () => {
    await markedFloatingIp(world, { description: loadBalancerDescription(anOwner('c2'), WEB) });
    expect(await release()).toMatchObject({ kind: 'done' });
    expect(world.fake.requests.count({ kind: 'write', status: 204 })).toBe(0);
    expect(await world.floatingIps()).toHaveLength(1);
  });
});
