/**
 * Octavia v2 resource clients against the real local cloud: fully-populated create, status
 * tree, listener/pool/member/health monitor lifecycles, the member batch update, 409 while
 * busy, pagination and cascade delete. One load balancer per run, tagged with the run tag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesiredListener, DesiredLoadBalancer, DesiredMember } from '../../../src/core/model.js';
import { ConflictError, NotFoundError } from '../../../src/openstack/errors.js';
import type { OpenedSession } from '../../../src/openstack/keystone/open.js';
import * as healthmonitors from '../../../src/openstack/octavia/healthmonitors.js';
import * as listeners from '../../../src/openstack/octavia/listeners.js';
import * as loadbalancers from '../../../src/openstack/octavia/loadbalancers.js';
import * as members from '../../../src/openstack/octavia/members.js';
import * as pools from '../../../src/openstack/octavia/pools.js';
import * as statuses from '../../../src/openstack/octavia/statuses.js';
import * as versions from '../../../src/openstack/octavia/versions.js';
import type { OpenStackSession } from '../../../src/openstack/session.js';
import { loadTestcloudInfo, testcloudSession, type TestcloudInfo } from '../../support/testcloud.js';
import {
  cleanupTagged,
  remainingTagged,
  runTag,
  vipAddress,
  waitGone,
  waitSettled,
} from './octavia-cloud.js';

describe('Octavia v2 resources (real cloud)', () => {
  let opened: OpenedSession;
  let session: OpenStackSession;
  let info: TestcloudInfo;
  let lbId = '';
  const tag = runTag('oct');

  const member = (address: string): DesiredMember => ({
    name: `ns/pod-${address}:8080`,
    address,
    protocolPort: 8080,
    subnetId: info.pod_subnet_id,
    tags: [tag, 'member'],
  });
  const tcpListener = (): DesiredListener => ({
    name: 'ns/web:TCP:80',
    protocol: 'TCP',
    protocolPort: 80,
    allowedCidrs: ['10.0.0.0/8', '192.168.0.0/16'],
    timeoutClientData: 10_000,
    timeoutMemberData: 20_000,
    tags: [tag, 'listener'],
    pool: {
      name: 'ns/web:TCP:80',
      protocol: 'TCP',
      lbAlgorithm: 'ROUND_ROBIN',
      sessionPersistence: { type: 'SOURCE_IP' },
      members: [member('10.1.16.5'), member('10.1.16.6')],
      tags: [tag, 'pool'],
    },
  });
  const udpListener = (): DesiredListener => ({
    name: 'ns/web:UDP:53',
    protocol: 'UDP',
    protocolPort: 53,
    allowedCidrs: [],
    timeoutClientData: null,
    timeoutMemberData: null,
    tags: [tag, 'listener'],
    pool: {
      name: 'ns/web:UDP:53',
      protocol: 'UDP',
      lbAlgorithm: 'SOURCE_IP',
      sessionPersistence: null,
      members: [],
      tags: [tag],
    },
  });
  const desired = (): DesiredLoadBalancer => ({
    service: { namespace: 'ns', name: 'web', uid: 'uid-1' },
    name: `${tag}-lb`,
    description: `integration ${tag}`,
    vipAddress: vipAddress(),
    vipSubnetId: info.service_subnet_id,
    provider: 'amphora',
    listeners: [tcpListener(), udpListener()],
    tags: [tag, 'kuryr-services'],
    floatingIp: null,
  });

  beforeAll(async () => {
    opened = await testcloudSession();
    session = opened.session;
    info = await loadTestcloudInfo();
  });

  afterAll(async () => {
    await cleanupTagged(session, tag);
    opened.close();
  });

  it('discovers the API version as a capability profile', async () => {
    const profile = await versions.discover(session, 'amphora');
    expect(profile.apiVersion.major).toBe(2);
    expect(profile.apiVersion.minor).toBeGreaterThanOrEqual(5); // tags on every object
    expect(profile).toMatchObject({ provider: 'amphora', legacyLbaasV2: false });
  });

  it('creates a fully-populated load balancer in one call; it and every child become ACTIVE', async () => {
    const want = desired();
    const created = await loadbalancers.create(session, loadbalancers.buildCreateBody(want));
    lbId = created.id;
    expect(created.provisioningStatus).toBe('PENDING_CREATE');
    expect(created.vipPortId).toMatch(/^[0-9a-f-]{36}$/); // synchronous: the executor relies on it
    expect(created).toMatchObject({
      vipAddress: want.vipAddress,
      name: want.name,
      tags: [...want.tags].sort(),
    });

    expect((await waitSettled(session, lbId)).provisioningStatus).toBe('ACTIVE');
    const tree = await statuses.get(session, lbId);
    const children = tree.listeners.flatMap((l) => [l, ...l.pools, ...l.pools.flatMap((p) => p.members)]);
    const unsettled = children
      .filter((c) => c.provisioningStatus !== 'ACTIVE')
      .map((c) => `${c.name}:${c.provisioningStatus}`);
    expect(unsettled, 'children not ACTIVE under an ACTIVE load balancer').toEqual([]);
    expect(children).toHaveLength(2 + 2 + 2);
  });

  it('reads back every field of the tree it created', async () => {
    const lbListeners = await listeners.listAll(session, { loadBalancerId: lbId });
    const tcp = lbListeners.find((l) => l.protocol === 'TCP');
    const udp = lbListeners.find((l) => l.protocol === 'UDP');
    expect(tcp).toMatchObject({
      name: 'ns/web:TCP:80',
      protocolPort: 80,
      allowedCidrs: ['10.0.0.0/8', '192.168.0.0/16'],
      timeoutClientData: 10_000,
      timeoutMemberData: 20_000,
      tags: [tag, 'listener'].sort(),
      loadBalancerIds: [lbId],
    });
    // Octavia's defaults where we sent nothing
    expect(udp).toMatchObject({ allowedCidrs: [], timeoutClientData: 50_000, timeoutMemberData: 50_000 });

    const lbPools = await pools.listAll(session, { loadBalancerId: lbId });
    const tcpPool = lbPools.find((p) => p.id === tcp?.defaultPoolId);
    expect(tcpPool).toMatchObject({
      protocol: 'TCP',
      lbAlgorithm: 'ROUND_ROBIN',
      sessionPersistence: { type: 'SOURCE_IP' },
    });
    expect(tcpPool?.listenerId).toBe(tcp?.id);
    expect(lbPools.find((p) => p.id === udp?.defaultPoolId)).toMatchObject({
      lbAlgorithm: 'SOURCE_IP',
      sessionPersistence: null,
    });

    const poolMembers = await members.listAll(session, tcpPool?.id ?? 'missing');
    expect(poolMembers.map((m) => [m.name, m.address, m.protocolPort, m.subnetId, m.tags]).sort()).toEqual([
      ['ns/pod-10.1.16.5:8080', '10.1.16.5', 8080, info.pod_subnet_id, [tag, 'member'].sort()],
      ['ns/pod-10.1.16.6:8080', '10.1.16.6', 8080, info.pod_subnet_id, [tag, 'member'].sort()],
    ]);
  });

  it('filters load balancers by tags (all-of), tags-any, name and vip_address, and pages with limit/marker', async () => {
    const lb = await loadbalancers.get(session, lbId);
    const ids = async (filters: loadbalancers.LoadBalancerFilters) =>
      (await loadbalancers.listAll(session, filters)).map((l) => l.id);
    expect(await ids({ tags: [tag, 'kuryr-services'] })).toEqual([lbId]);
    expect(await ids({ tags: [tag, 'absent-tag'] })).toEqual([]);
    expect(await ids({ tagsAny: [tag, 'absent-tag'] })).toEqual([lbId]);
    expect(await ids({ name: lb.name })).toEqual([lbId]);
    expect(await ids({ vipAddress: lb.vipAddress, tags: [tag] })).toEqual([lbId]);
    const firstPage = await listeners.list(session, { loadBalancerId: lbId, limit: 1 });
    expect(firstPage.items).toHaveLength(1);
    expect(firstPage.nextMarker).not.toBeNull();
    expect(await listeners.listAll(session, { loadBalancerId: lbId, limit: 1 })).toHaveLength(2);
  });

  it('updates listener CIDRs and timeouts, then resets them to Octavia defaults', async () => {
    const tcp = (await listeners.listAll(session, { loadBalancerId: lbId, protocol: 'TCP' }))[0];
    const id = tcp?.id ?? 'missing';
    await listeners.update(session, id, {
      allowedCidrs: ['172.16.0.0/12'],
      timeoutClientData: 1234,
      timeoutMemberData: 5678,
    });
    await waitSettled(session, lbId);
    expect(await listeners.get(session, id)).toMatchObject({
      allowedCidrs: ['172.16.0.0/12'],
      timeoutClientData: 1234,
      timeoutMemberData: 5678,
      provisioningStatus: 'ACTIVE',
    });
    await listeners.update(session, id, {
      allowedCidrs: [],
      timeoutClientData: null,
      timeoutMemberData: null,
    });
    await waitSettled(session, lbId);
    expect(await listeners.get(session, id)).toMatchObject({
      allowedCidrs: [],
      timeoutClientData: 50_000,
      timeoutMemberData: 50_000,
    });
  });

  it('answers a second write while the load balancer is busy with a typed, retryable ConflictError', async () => {
    const tcp = (await listeners.listAll(session, { loadBalancerId: lbId, protocol: 'TCP' }))[0];
    const id = tcp?.id ?? 'missing';
    await listeners.update(session, id, { name: 'renamed-1' });
    const second = listeners.update(session, id, { name: 'renamed-2' });
    await expect(second).rejects.toBeInstanceOf(ConflictError);
    await expect(second).rejects.toMatchObject({
      status: 409,
      retryable: true,
      operation: 'octavia.listener.update',
    });
    await waitSettled(session, lbId);
    expect((await listeners.get(session, id)).name).toBe('renamed-1');
  });

  it('replaces a pool member list in one batch: adds, removes and keeps members, a foreign one untouched', async () => {
    const pool = (await pools.listAll(session, { loadBalancerId: lbId })).find((p) => p.protocol === 'TCP');
    const poolId = pool?.id ?? 'missing';
    const foreign = await members.create(session, poolId, {
      name: 'not-ours',
      address: '10.1.16.7',
      protocol_port: 9090,
      tags: [],
    });
    await waitSettled(session, lbId);
    const before = await members.listAll(session, poolId);
    const kept = before.find((m) => m.address === '10.1.16.5');
    const observedForeign = before.find((m) => m.id === foreign.id);
    if (kept === undefined || observedForeign === undefined) throw new Error('setup members missing');

    await members.replaceAll(session, poolId, [
      member('10.1.16.5'),
      member('10.1.16.8'),
      members.keepMember(observedForeign),
    ]);
    expect((await waitSettled(session, lbId)).provisioningStatus).toBe('ACTIVE');

    const after = await members.listAll(session, poolId);
    expect(after.map((m) => m.address).sort()).toEqual(['10.1.16.5', '10.1.16.7', '10.1.16.8']);
    expect(after.find((m) => m.address === '10.1.16.5')?.id).toBe(kept.id);
    expect(after.find((m) => m.address === '10.1.16.7')).toMatchObject({
      id: foreign.id,
      name: 'not-ours',
      protocolPort: 9090,
      subnetId: observedForeign.subnetId,
      tags: [],
    });
    expect(after.find((m) => m.address === '10.1.16.8')).toMatchObject({
      subnetId: info.pod_subnet_id,
      tags: [tag, 'member'].sort(),
    });
    expect(after.every((m) => m.provisioningStatus === 'ACTIVE')).toBe(true);
  });

  it('creates a listener without pool, gives it a pool (members follow in a batch), updates and deletes both', async () => {
    const bare = listeners.buildListenerFields({ ...tcpListener(), name: 'extra', protocolPort: 8443 });
    const listener = await listeners.create(session, { listener: { ...bare, loadbalancer_id: lbId } });
    await waitSettled(session, lbId);
    expect((await listeners.get(session, listener.id)).defaultPoolId).toBeNull();

    const pool = await pools.create(
      session,
      pools.buildCreateBody(listener.id, { ...tcpListener().pool, name: 'extra-pool' }),
    );
    await waitSettled(session, lbId);
    expect((await listeners.get(session, listener.id)).defaultPoolId).toBe(pool.id);
    expect(await members.listAll(session, pool.id)).toEqual([]);
    await members.replaceAll(session, pool.id, tcpListener().pool.members);
    await waitSettled(session, lbId);
    expect(await members.listAll(session, pool.id)).toHaveLength(2);

    await pools.update(session, pool.id, { lbAlgorithm: 'LEAST_CONNECTIONS', sessionPersistence: null });
    await waitSettled(session, lbId);
    expect(await pools.get(session, pool.id)).toMatchObject({
      lbAlgorithm: 'LEAST_CONNECTIONS',
      sessionPersistence: null,
      listenerId: listener.id,
    });

    await pools.delete(session, pool.id);
    await waitSettled(session, lbId);
    await expect(pools.get(session, pool.id)).rejects.toBeInstanceOf(NotFoundError);
    await listeners.delete(session, listener.id);
    await waitSettled(session, lbId);
    await expect(listeners.get(session, listener.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('creates, updates and deletes a health monitor on a pool', async () => {
    const pool = (await pools.listAll(session, { loadBalancerId: lbId })).find((p) => p.protocol === 'UDP');
    const poolId = pool?.id ?? 'missing';
    const spec = {
      poolId,
      name: 'hm',
      type: 'UDP-CONNECT',
      delay: 5,
      timeout: 3,
      maxRetries: 2,
      tags: [tag],
    } as const;
    const hm = await healthmonitors.create(session, spec);
    await waitSettled(session, lbId);
    expect(await healthmonitors.get(session, hm.id)).toMatchObject({
      type: 'UDP-CONNECT',
      poolIds: [poolId],
      provisioningStatus: 'ACTIVE',
    });
    expect((await pools.get(session, poolId)).healthMonitorId).toBe(hm.id);
    await healthmonitors.update(session, hm.id, { delay: 7, maxRetriesDown: 4 });
    await waitSettled(session, lbId);
    expect(await healthmonitors.get(session, hm.id)).toMatchObject({ delay: 7, maxRetriesDown: 4 });
    expect((await healthmonitors.listAll(session, { tags: [tag] })).map((h) => h.id)).toEqual([hm.id]);
    await healthmonitors.delete(session, hm.id);
    await waitSettled(session, lbId);
    await expect(healthmonitors.get(session, hm.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('cascade-deletes the load balancer with its listeners, pools and members', async () => {
    const poolIds = (await pools.listAll(session, { loadBalancerId: lbId })).map((p) => p.id);
    await loadbalancers.delete(session, lbId, { cascade: true });
    await waitGone(session, lbId);
    expect(await listeners.listAll(session, { loadBalancerId: lbId })).toEqual([]);
    for (const id of poolIds) await expect(pools.get(session, id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('leaves nothing tagged with the run tag', async () => {
    await cleanupTagged(session, tag);
    expect(await remainingTagged(session, tag)).toEqual([]);
  });
});
