/**
 * E2E create: five Services created at once (each after its EndpointSlices, so the first
 * reconcile sees the endpoints) converge to one fully-populated Octavia tree each, written
 * by one createLoadBalancer per Service; type=LoadBalancer gets its floating IP (pool or user).
 * Then deleting them releases everything they own (the user's floating IP stays, unbound).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_FINALIZER as FINALIZER } from '../../src/kube/service-writes.js';
import type { FloatingIpRecord } from '../../src/openstack/neutron/floatingips.js';
import * as floatingips from '../../src/openstack/neutron/floatingips.js';
import { sliceManifest, startHarness, type Harness } from '../support/e2e-harness.js';
import { waitFor } from '../support/wait.js';
import { actions, counterValue, klbOf, serviceOf } from './support/kube-reads.js';
import { floatingIpGone } from './support/neutron-reads.js';
import { listenerKeys, memberTargets, poolOf, waitForTree, waitReleased } from './support/octavia-reads.js';
import { SETTLE_MS, STEP_MS } from './support/timeouts.js';
import { createWithSlices } from './support/user-edits.js';

describe('e2e create', { timeout: STEP_MS }, () => {
  let h: Harness;
  let userFip: FloatingIpRecord | null = null;

  beforeAll(async () => {
    h = await startHarness();
    userFip = await floatingips.create(h.cloud.session, {
      networkId: h.info.public_net_id,
      description: `e2e user floating IP ${h.clusterId}`,
    });
    await h.startController();
    await Promise.all([
      createWithSlices(
        h,
        'single',
        { clusterIP: '10.2.40.10', ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
        [sliceManifest('single', ['10.1.40.1', '10.1.40.2'], [{ name: 'http', port: 8080 }])],
      ),
      createWithSlices(
        h,
        'multi',
        {
          clusterIP: '10.2.40.11',
          ports: [
            { name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' },
            { name: 'https', port: 443, targetPort: 'tls', protocol: 'TCP' },
          ],
        },
        // Named targetPorts resolve per slice: the pods of slice b listen elsewhere.
        [
          sliceManifest(
            'multi',
            ['10.1.40.11'],
            [
              { name: 'http', port: 8080 },
              { name: 'https', port: 8443 },
            ],
            {
              name: 'multi-a',
            },
          ),
          sliceManifest(
            'multi',
            ['10.1.40.12'],
            [
              { name: 'http', port: 9080 },
              { name: 'https', port: 9443 },
            ],
            {
              name: 'multi-b',
            },
          ),
        ],
      ),
      createWithSlices(
        h,
        'dns',
        {
          clusterIP: '10.2.40.12',
          ports: [
            { name: 'dns-udp', port: 53, targetPort: 5353, protocol: 'UDP' },
            { name: 'dns-tcp', port: 53, targetPort: 5353, protocol: 'TCP' },
          ],
        },
        [
          sliceManifest(
            'dns',
            ['10.1.40.21', '10.1.40.22'],
            [
              { name: 'dns-udp', port: 5353, protocol: 'UDP' },
              { name: 'dns-tcp', port: 5353, protocol: 'TCP' },
            ],
          ),
        ],
      ),
      createWithSlices(
        h,
        'pub-pool',
        {
          type: 'LoadBalancer',
          clusterIP: '10.2.40.13',
          ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
        },
        [sliceManifest('pub-pool', ['10.1.40.31'], [{ name: 'http', port: 8080 }])],
      ),
      createWithSlices(
        h,
        'pub-user',
        {
          type: 'LoadBalancer',
          clusterIP: '10.2.40.14',
          loadBalancerIP: userFip.address,
          ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
        },
        [sliceManifest('pub-user', ['10.1.40.41'], [{ name: 'http', port: 8080 }])],
      ),
    ]);
  }, STEP_MS);

  afterAll(async () => {
    try {
      await h.dispose();
    } finally {
      if (userFip !== null) await floatingips.delete(h.cloud.session, userFip.id).catch(() => undefined);
    }
  }, STEP_MS);

  it('ClusterIP, one port: one listener, one pool with the ready endpoints; record and finalizer', async () => {
    const lb = await waitForTree(h, 'single', '2 members ACTIVE', (t) => t.pools[0]?.members.length === 2);
    expect(lb.vipAddress).toBe('10.2.40.10');
    expect(lb.vipSubnetId).toBe(h.info.service_subnet_id);
    expect(listenerKeys(lb)).toEqual(['TCP:80']);
    expect(lb.pools).toHaveLength(1);
    expect(memberTargets(poolOf(lb, 'TCP', 80))).toEqual(['10.1.40.1:8080', '10.1.40.2:8080']);
    const svc = serviceOf(h, 'single');
    expect(svc?.metadata?.finalizers).toContain(FINALIZER);
    await waitFor('single: record names the load balancer', SETTLE_MS, () =>
      Promise.resolve(klbOf(h, 'single')?.status?.loadbalancer?.id === lb.id),
    );
  });

  it('multi-port: a listener and pool per port, named targetPorts resolved per slice', async () => {
    const lb = await waitForTree(
      h,
      'multi',
      '2 listeners with members',
      (t) => t.pools.every((p) => p.members.length === 2) && t.listeners.length === 2,
    );
    expect(listenerKeys(lb)).toEqual(['TCP:443', 'TCP:80']);
    expect(lb.pools).toHaveLength(2);
    expect(memberTargets(poolOf(lb, 'TCP', 80))).toEqual(['10.1.40.11:8080', '10.1.40.12:9080']);
    expect(memberTargets(poolOf(lb, 'TCP', 443))).toEqual(['10.1.40.11:8443', '10.1.40.12:9443']);
  });

  it('UDP and TCP on the same port: two listeners', async () => {
    const lb = await waitForTree(
      h,
      'dns',
      '2 listeners with members',
      (t) => t.pools.every((p) => p.members.length === 2) && t.listeners.length === 2,
    );
    expect(listenerKeys(lb)).toEqual(['TCP:53', 'UDP:53']);
    expect(poolOf(lb, 'UDP', 53)?.protocol).toBe('UDP');
    expect(memberTargets(poolOf(lb, 'UDP', 53))).toEqual(['10.1.40.21:5353', '10.1.40.22:5353']);
    expect(memberTargets(poolOf(lb, 'TCP', 53))).toEqual(['10.1.40.21:5353', '10.1.40.22:5353']);
  });

  it('type=LoadBalancer, pool method: an owned floating IP on the VIP port, published as ingress', async () => {
    const lb = await waitForTree(h, 'pub-pool', 'member ACTIVE', (t) => t.pools[0]?.members.length === 1);
    let ingress: string | undefined;
    await waitFor('pub-pool: ingress set', SETTLE_MS, () => {
      ingress = serviceOf(h, 'pub-pool')?.status?.loadBalancer?.ingress?.[0]?.ip;
      return Promise.resolve(ingress !== undefined);
    });
    const owned = await h.ownedFloatingIps();
    const fip = owned.find((f) => f.address === ingress);
    expect(fip?.networkId).toBe(h.info.public_net_id);
    expect(fip?.portId).toBe(lb.vipPortId);
    const klb = klbOf(h, 'pub-pool');
    expect(klb?.status?.service_pub_ip_info).toMatchObject({ ip_addr: ingress, alloc_method: 'pool' });
  });

  it('type=LoadBalancer, user method: the given floating IP is associated, not owned', async () => {
    const fip = userFip;
    if (fip === null) throw new Error('user floating IP not created');
    const lb = await waitForTree(h, 'pub-user', 'member ACTIVE', (t) => t.pools[0]?.members.length === 1);
    await waitFor('pub-user: ingress is the user floating IP', SETTLE_MS, () =>
      Promise.resolve(serviceOf(h, 'pub-user')?.status?.loadBalancer?.ingress?.[0]?.ip === fip.address),
    );
    const held = await floatingips.get(h.cloud.session, fip.id);
    expect(held.portId).toBe(lb.vipPortId);
    expect((await h.ownedFloatingIps()).map((f) => f.id)).not.toContain(fip.id);
  });

  it('each Service was written by exactly one fully-populated create', async () => {
    await waitForTree(h, 'pub-pool', 'settled');
    expect(await actions(h, 'createLoadBalancer')).toBe(5);
    for (const kind of ['createListener', 'createPool', 'replaceMembers'])
      expect({ kind, n: await actions(h, kind) }).toEqual({ kind, n: 0 });
    expect(await counterValue(h, 'kuryr_loadbalancer_creates_total', { path: 'fully-populated' })).toBe(5);
  });

  it('deleting Services releases what they own (load balancer, pool floating IP, record), not the user floating IP', async () => {
    const fip = userFip;
    if (fip === null) throw new Error('user floating IP not created');
    const poolIp = serviceOf(h, 'pub-pool')?.status?.loadBalancer?.ingress?.[0]?.ip;
    const poolFip = (await h.ownedFloatingIps()).find((f) => f.address === poolIp);
    if (poolFip === undefined) throw new Error('pub-pool has no owned floating IP');
    expect(klbOf(h, 'single')).not.toBeNull();
    await Promise.all(
      ['pub-user', 'pub-pool', 'single'].map((name) =>
        h.core.deleteNamespacedService({ name, namespace: 'default' }),
      ),
    );
    await Promise.all(['pub-user', 'pub-pool', 'single'].map((name) => waitReleased(h, name)));
    expect(await floatingIpGone(h, poolFip.id)).toBe(true);
    const held = await floatingips.get(h.cloud.session, fip.id);
    expect(held.address).toBe(fip.address);
    expect(held.portId).toBeNull();
  });
});
