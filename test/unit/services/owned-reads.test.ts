/**
 * The sweep and the orphan release read only what this cluster owns (issue 11): in a project
 * holding many floating IPs of others, the floating IPs Neutron sends back are ours only, and a
 * crash leftover (a floating IP POSTed on the VIP port whose tags PUT never came, carrying
 * only our description marker) is still found through its load balancer's uid and released.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceRef } from '../../../src/core/model.js';
import { loadBalancerDescription } from '../../../src/core/naming.js';
import { ownershipTags } from '../../../src/core/ownership.js';
import { listOwnedServiceKeys } from '../../../src/openstack/owned-keys.js';
import { handMadeLoadBalancer, markedFloatingIp, userFloatingIp } from './cloud-helpers.js';
import { OWNER, startWorld, type World } from './world.js';

const WEB: ServiceRef = { namespace: 'default', name: 'web', uid: 'uid-1' };
const FOREIGN = 40;

let world: World;
/** Floating IPs in the bodies of Neutron's answers since the last reset. */
let fipsRead = 0;
beforeEach(async () => {
  world = await startWorld();
  const handle = world.fake.handle.bind(world.fake);
  world.fake.handle = (raw) => {
    const answer = handle(raw);
    if (raw.method === 'GET' && raw.url.pathname.endsWith('/floatingips') && answer.status === 200) {
      fipsRead += (JSON.parse(answer.body) as { floatingips: unknown[] }).floatingips.length;
    }
    return answer;
  };
  for (let i = 0; i < FOREIGN; i++) {
    if (i % 2 === 0) await userFloatingIp(world);
    else await markedFloatingIp(world, { description: `team ${i}`, tags: ['team-a'] });
  }
  fipsRead = 0;
});
afterEach(async () => {
  await world.stop();
});

/** web's crash leftover: its load balancer (tagged at its POST) and its untagged marked floating IP. */
async function crashLeftover(bound: boolean): Promise<string> {
  const lb = await handMadeLoadBalancer(world, {
    name: 'default/web',
    tags: ownershipTags(OWNER, WEB),
    vipAddress: '10.2.100.20',
  });
  return markedFloatingIp(world, {
    description: loadBalancerDescription(OWNER, WEB),
    ...(bound ? { portId: lb.vipPortId } : {}),
  });
}

describe('reads scoped to what this cluster owns', () => {
  it('the sweep lists only our floating IPs, and still finds the key of a crash leftover', async () => {
    await crashLeftover(true);
    const api: ServiceRef = { namespace: 'default', name: 'api', uid: 'uid-a' };
    await markedFloatingIp(world, {
      description: loadBalancerDescription(OWNER, api),
      tags: ownershipTags(OWNER, api),
    });
    fipsRead = 0;
    const owned = await listOwnedServiceKeys(world.session, {
      owner: OWNER,
      projectId: world.fake.info.project_id,
    });
    expect(owned.keys).toEqual(['default/api', 'default/web']);
    expect(fipsRead).toBe(1);
  });

  it.each([
    ['bound to its VIP port', true],
    ['unbound', false],
  ])('the orphan release deletes a crash leftover %s, reading none of the others', async (_, bound) => {
    const leftover = await crashLeftover(bound);
    const before = (await world.floatingIps()).length;
    fipsRead = 0;
    expect((await world.converge('default/web')).at(-1)?.result).toMatchObject({ kind: 'done' });
    // Read before the test's own listings below: the controller's reads only.
    const read = fipsRead;
    const passes = world.fake.requests.count({ operation: 'octavia.loadbalancer.list' });
    expect(await world.loadBalancers()).toEqual([]);
    const left = await world.floatingIps();
    expect(left.map((f) => f.id)).not.toContain(leftover);
    expect(left).toHaveLength(before - 1);
    // Every answer of every pass held at most the leftover itself (twice: by marker and by port).
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThanOrEqual(passes * 2);
  });

  it('a recreated Service (new uid) releases the old incarnation with its untagged floating IP', async () => {
    const leftover = await crashLeftover(false);
    world.server.store.create(
      { plural: 'services', namespace: 'default' },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'default' },
        spec: { type: 'ClusterIP', clusterIP: '10.2.100.21', ports: [{ port: 80, protocol: 'TCP' }] },
      },
    );
    await world.converge('default/web');
    const names = (await world.loadBalancers()).map((lb) => lb.tags.find((t) => t.startsWith('ks-uid=')));
    expect(names).not.toContain('ks-uid=uid-1');
    expect((await world.floatingIps()).map((f) => f.id)).not.toContain(leftover);
  });
});
