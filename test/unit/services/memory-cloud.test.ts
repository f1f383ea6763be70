/** The memory cloud is a test double of OpenStack: its own semantics are checked here. */
import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/core/plan/actions.js';
import type { DesiredLoadBalancer, Observed } from '../../../src/core/model.js';
import { loadBalancerName } from '../../../src/core/naming.js';
import { translate } from '../../../src/core/translate.js';
import type { ObserveQuery } from '../../../src/services/ports.js';
import { aService, aTranslateInput } from '../../support/builders.js';
import { MemoryCloud, MemoryCloudNotFoundError } from '../../support/memory-cloud.js';

const signal = new AbortController().signal;

function desiredOf(name: string, clusterIP: string, type = 'LoadBalancer'): DesiredLoadBalancer {
  const t = translate(aTranslateInput({ service: aService({ name, clusterIP, type }) }));
  if (t.kind !== 'desired') throw new Error(t.kind);
  return t.loadBalancer;
}

const web = desiredOf('web', '10.2.0.10');
const api = desiredOf('api', '10.2.0.11');
const query = (d: DesiredLoadBalancer, extra: Partial<ObserveQuery> = {}): ObserveQuery => ({
  service: d.service,
  loadBalancerName: loadBalancerName(d.service),
  ...extra,
});
const create = (d: DesiredLoadBalancer): Action[] => [
  { kind: 'createLoadBalancer', loadBalancer: d },
  {
    kind: 'createFloatingIp',
    networkId: 'public-network-id',
    port: { kind: 'createdLoadBalancer' },
    tags: d.tags,
    description: d.description,
  },
];
const statuses = (o: Observed) => o.loadBalancers.map((lb) => lb.provisioningStatus);

describe('MemoryCloud', () => {
  it('a create starts PENDING_CREATE with its children and settles after N observations', async () => {
    const cloud = new MemoryCloud({ clusterId: 'c1', settleAfterReads: 2 });
    const out = await cloud.execute(create(web), signal);
    expect(out.done.map((a) => a.kind)).toEqual(['createLoadBalancer', 'createFloatingIp']);
    expect(out.requeueAfterMs).toBe(1000);
    const first = await cloud.observe(query(web), signal);
    expect(statuses(first)).toEqual(['PENDING_CREATE']);
    expect(first.loadBalancers[0]?.listeners.map((l) => l.provisioningStatus)).toEqual(['PENDING_CREATE']);
    expect(first.floatingIps.map((f) => f.portId)).toEqual([first.loadBalancers[0]?.vipPortId]);
    expect(statuses(await cloud.observe(query(web), signal))).toEqual(['PENDING_CREATE']);
    const settled = await cloud.observe(query(web), signal);
    expect(statuses(settled)).toEqual(['ACTIVE']);
    expect(settled.loadBalancers[0]?.pools[0]?.members.every((m) => m.provisioningStatus === 'ACTIVE')).toBe(
      true,
    );
  });

  it("observe returns only the Service's objects: by tags or by name, floating IPs on its VIP ports, the user's by address", async () => {
    const cloud = new MemoryCloud({ clusterId: 'c1', settleAfterReads: null });
    await cloud.execute(create(web), signal);
    await cloud.execute(create(api), signal);
    const lbOf = (o: Observed) => o.loadBalancers.map((lb) => lb.name);
    expect(lbOf(await cloud.observe(query(web), signal))).toEqual(['default/web']);
    expect(lbOf(await cloud.observe(query(web), signal))).toEqual(['default/web']);
    expect(await cloud.observe(query(web), signal).then((o) => o.floatingIps)).toHaveLength(1);
    expect(
      (await cloud.observe(query(web, { service: { ...web.service } }), signal)).userFloatingIp,
    ).toBeUndefined();
    const apiPort = cloud.loadBalancers().find((lb) => lb.name === 'default/api')?.vipPortId ?? null;
    const user = cloud.addUserFloatingIp('198.51.100.5', apiPort);
    const seen = await cloud.observe(query(api, { userFloatingIpAddress: '198.51.100.5' }), signal);
    expect(seen.userFloatingIp).toEqual(user);
    expect(seen.floatingIps.map((f) => f.id)).toContain(user.id); // untagged, but on its VIP port
    expect(
      (await cloud.observe(query(api, { userFloatingIpAddress: '198.51.100.99' }), signal)).userFloatingIp,
    ).toBeNull();
    expect(
      (await cloud.observe(query(web, { loadBalancerName: 'default/other' }), signal)).floatingIps.map(
        (f) => f.id,
      ),
    ).not.toContain(user.id);
  });

  it('one Octavia write per load balancer per call; a write on a busy one is a 409 that defers the rest', async () => {
    const cloud = new MemoryCloud({ clusterId: 'c1', settleAfterReads: null, conflictRequeueMs: 2222 });
    await cloud.execute(create(web), signal);
    cloud.settle();
    const [lb] = cloud.loadBalancers();
    const id = lb?.id ?? '';
    const listener = lb?.listeners[0]?.id ?? '';
    const writes: Action[] = [
      { kind: 'updateListener', loadBalancerId: id, listenerId: listener, changes: { timeoutClientData: 1 } },
      { kind: 'updateListener', loadBalancerId: id, listenerId: listener, changes: { timeoutClientData: 2 } },
    ];
    const out = await cloud.execute(writes, signal);
    expect([out.done.length, out.deferred.length, out.requeueAfterMs]).toEqual([1, 1, 1000]);
    expect(cloud.loadBalancers()[0]?.provisioningStatus).toBe('PENDING_UPDATE');
    const busy = await cloud.execute(writes.slice(1), signal);
    expect([busy.done.length, busy.deferred.length, busy.requeueAfterMs]).toEqual([0, 1, 2222]);
    cloud.settle();
    cloud.conflictOnNextWrite();
    expect((await cloud.execute(writes.slice(1), signal)).requeueAfterMs).toBe(2222);
    expect((await cloud.execute(writes.slice(1), signal)).done).toHaveLength(1);
    expect(cloud.loadBalancers()[0]?.listeners[0]?.timeoutClientData).toBe(2);
  });

  it('a create on a VIP still held (even by a load balancer being deleted) is a 409', async () => {
    const cloud = new MemoryCloud({ clusterId: 'c1', settleAfterReads: null });
    await cloud.execute(create(web), signal);
    cloud.settle();
    const id = cloud.loadBalancers()[0]?.id ?? '';
    await cloud.execute([{ kind: 'deleteLoadBalancer', loadBalancerId: id, reason: 'test' }], signal);
    expect(cloud.loadBalancers().map((lb) => lb.provisioningStatus)).toEqual(['PENDING_DELETE']);
    expect((await cloud.execute(create(web), signal)).done).toEqual([]);
    cloud.settle();
    expect(cloud.loadBalancers()).toEqual([]);
    expect(cloud.floatingIps().map((f) => f.portId)).toEqual([null]); // Neutron frees it with the port
    const again = await cloud.execute(create(web), signal);
    expect(again.done).toHaveLength(2);
    expect(cloud.loadBalancers()[0]?.id).not.toBe(id); // ids are never reused
  });

  it('stuck children stay PENDING_CREATE under an ACTIVE load balancer until unstuck', async () => {
    const cloud = new MemoryCloud({ clusterId: 'c1', stuckChildrenOnFullCreate: true });
    await cloud.execute(create(web), signal);
    await cloud.observe(query(web), signal);
    const lb = cloud.loadBalancers()[0];
    expect(lb?.provisioningStatus).toBe('ACTIVE');
    expect(lb?.listeners.map((l) => l.provisioningStatus)).toEqual(['PENDING_CREATE']);
    cloud.unstick();
    expect(cloud.loadBalancers()[0]?.listeners.map((l) => l.provisioningStatus)).toEqual(['ACTIVE']);
  });

  it('deleting a missing load balancer is done; any other write on it is a typed not-found error', async () => {
    const cloud = new MemoryCloud({ clusterId: 'c1' });
    const del = await cloud.execute(
      [{ kind: 'deleteLoadBalancer', loadBalancerId: 'gone', reason: 'x' }],
      signal,
    );
    expect(del.done).toHaveLength(1);
    await expect(
      cloud.execute([{ kind: 'deleteListener', loadBalancerId: 'gone', listenerId: 'l' }], signal),
    ).rejects.toBeInstanceOf(MemoryCloudNotFoundError);
  });
});
