/**
 * observeService + executeActions against the real local cloud: a hand-built desired load
 * balancer goes from "nothing observed" to an ACTIVE tree equal to the desired one through
 * one createLoadBalancer action; floating IPs (Pool and User) are attached to its VIP port
 * and released; a member batch keeps a foreign member; busy and 409 paths are reported
 * typed; deleteLoadBalancer cascades. Everything carries the run tag and is removed.
 */
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  DesiredLoadBalancer,
  Observed,
  ObservedLoadBalancer,
  ServiceRef,
} from '../../../src/core/model.js';
import { loadBalancerDescription, loadBalancerName } from '../../../src/core/naming.js';
import { ownershipTags } from '../../../src/core/ownership.js';
import type { Action } from '../../../src/core/plan/actions.js';
import { NotFoundError } from '../../../src/openstack/errors.js';
import { executeActions } from '../../../src/openstack/execute.js';
import type { OpenedSession } from '../../../src/openstack/keystone/open.js';
import { REQUESTS_TOTAL } from '../../../src/openstack/metrics.js';
import * as floatingips from '../../../src/openstack/neutron/floatingips.js';
import { observeService } from '../../../src/openstack/observe.js';
import * as members from '../../../src/openstack/octavia/members.js';
import type { OpenStackSession } from '../../../src/openstack/session.js';
import { anOwner } from '../../support/builders.js';
import { loadTestcloudInfo, testcloudSession, type TestcloudInfo } from '../../support/testcloud.js';
import { cleanupTagged, remainingTagged, runTag, vipAddress, waitForState } from './octavia-cloud.js';

const OCTAVIA_DEFAULT_TIMEOUT_MS = 50_000;

/** The comparable shape of a desired load balancer (Octavia's defaults filled in for nulls). */
function desiredShape(lb: DesiredLoadBalancer) {
  return {
    name: lb.name,
    vipAddress: lb.vipAddress,
    vipSubnetId: lb.vipSubnetId,
    provider: lb.provider,
    tags: [...lb.tags].sort(),
    listeners: lb.listeners.map((l) => ({
      name: l.name,
      protocol: l.protocol,
      protocolPort: l.protocolPort,
      allowedCidrs: [...l.allowedCidrs],
      timeoutClientData: l.timeoutClientData ?? OCTAVIA_DEFAULT_TIMEOUT_MS,
      timeoutMemberData: l.timeoutMemberData ?? OCTAVIA_DEFAULT_TIMEOUT_MS,
      tags: [...l.tags].sort(),
      pool: {
        name: l.pool.name,
        protocol: l.pool.protocol,
        lbAlgorithm: l.pool.lbAlgorithm,
        sessionPersistence: l.pool.sessionPersistence,
        tags: [...l.pool.tags].sort(),
        members: l.pool.members.map((m) => ({
          name: m.name,
          address: m.address,
          protocolPort: m.protocolPort,
          subnetId: m.subnetId ?? null,
          tags: [...m.tags].sort(),
        })),
      },
    })),
  };
}

/** The same shape read from an observed load balancer (each listener with its default pool). */
function observedShape(lb: ObservedLoadBalancer) {
  return {
    name: lb.name,
    vipAddress: lb.vipAddress,
    vipSubnetId: lb.vipSubnetId,
    provider: lb.provider,
    tags: [...lb.tags].sort(),
    listeners: lb.listeners.map((l) => {
      const pool = lb.pools.find((p) => p.id === l.defaultPoolId);
      return {
        name: l.name,
        protocol: l.protocol,
        protocolPort: l.protocolPort,
        allowedCidrs: [...l.allowedCidrs],
        timeoutClientData: l.timeoutClientData,
        timeoutMemberData: l.timeoutMemberData,
        tags: [...l.tags].sort(),
        pool: pool && {
          name: pool.name,
          protocol: pool.protocol,
          lbAlgorithm: pool.lbAlgorithm,
          sessionPersistence: pool.sessionPersistence,
          tags: [...pool.tags].sort(),
          members: pool.members.map(({ name, address, protocolPort, subnetId, tags }) => ({
            name,
            address,
            protocolPort,
            subnetId,
            tags: [...tags].sort(),
          })),
        },
      };
    }),
  };
}

function settled(lb: ObservedLoadBalancer): boolean {
  const states = [
    lb.provisioningStatus,
    ...lb.listeners.map((l) => l.provisioningStatus),
    ...lb.pools.flatMap((p) => [p.provisioningStatus, ...p.members.map((m) => m.provisioningStatus)]),
  ];
  return states.every((s) => s === 'ACTIVE');
}

describe('observeService → executeActions round trip (real cloud)', () => {
  let opened: OpenedSession;
  let session: OpenStackSession;
  let info: TestcloudInfo;
  let desired: DesiredLoadBalancer;
  let vipPortId = '';
  let projectId = '';
  const tag = runTag('obx');
  const registry = new Registry();
  /** Calls the session has counted so far (all services, operations and statuses). */
  const callsSoFar = async () =>
    (await registry.getSingleMetricAsString(REQUESTS_TOTAL))
      .split('\n')
      .filter((l) => !l.startsWith('#') && l.trim() !== '')
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  const clusterId = `it-${tag.slice(-12)}`;
  const service: ServiceRef = { namespace: tag, name: 'web', uid: randomUUID() };
  const owned = () => ownershipTags(anOwner(clusterId), service, [tag]);

  const observe = (extra: { userFloatingIpAddress?: string; hints?: { loadBalancerId: string } } = {}) =>
    observeService({
      session,
      owner: anOwner(clusterId),
      projectId,
      service,
      loadBalancerName: loadBalancerName(service),
      ...extra,
    });

  /** Polls observe until the one load balancer and all its children are ACTIVE. */
  const observeActive = async (): Promise<{ observed: Observed; lb: ObservedLoadBalancer }> =>
    waitForState('the observed tree to be ACTIVE', async () => {
      const observed = await observe();
      const lb = observed.loadBalancers[0];
      return lb !== undefined && settled(lb) ? { observed, lb } : null;
    });

  beforeAll(async () => {
    opened = await testcloudSession({ registry });
    projectId = await opened.session.projectId();
    session = opened.session;
    info = await loadTestcloudInfo();
    const member = (address: string, port: number) => ({
      name: `${tag}/pod-${address}:${port}`,
      address,
      protocolPort: port,
      subnetId: info.pod_subnet_id,
      tags: owned(),
    });
    desired = {
      service,
      name: loadBalancerName(service),
      description: loadBalancerDescription(anOwner(clusterId), service),
      vipAddress: vipAddress(),
      vipSubnetId: info.service_subnet_id,
      provider: 'amphora',
      tags: owned(),
      floatingIp: { method: 'pool', networkId: info.public_net_id },
      listeners: [
        {
          name: `${tag}/web:TCP:80`,
          protocol: 'TCP',
          protocolPort: 80,
          allowedCidrs: ['10.0.0.0/8'],
          timeoutClientData: 30_000,
          timeoutMemberData: 40_000,
          tags: owned(),
          pool: {
            name: `${tag}/web:TCP:80`,
            protocol: 'TCP',
            lbAlgorithm: 'ROUND_ROBIN',
            sessionPersistence: { type: 'SOURCE_IP' },
            members: [member('10.1.17.1', 8080), member('10.1.17.2', 8080)],
            tags: owned(),
          },
        },
        {
          name: `${tag}/web:UDP:53`,
          protocol: 'UDP',
          protocolPort: 53,
          allowedCidrs: [],
          timeoutClientData: null,
          timeoutMemberData: null,
          tags: owned(),
          pool: {
            name: `${tag}/web:UDP:53`,
            protocol: 'UDP',
            lbAlgorithm: 'ROUND_ROBIN',
            sessionPersistence: null,
            members: [member('10.1.17.1', 5353)],
            tags: owned(),
          },
        },
      ],
    };
  });

  afterAll(async () => {
    await cleanupTagged(session, tag);
    for (const fip of await floatingips.listAll(session, { description: tag })) {
      await floatingips.delete(session, fip.id).catch(() => undefined);
    }
    opened.close();
  });

  it('observes nothing before the create (a stale hint is ignored)', async () => {
    expect(await observe({ hints: { loadBalancerId: randomUUID() } })).toEqual({
      loadBalancers: [],
      floatingIps: [],
    });
  });

  it('creates the load balancer with one action and points a Pool floating IP at the VIP port from the create response', async () => {
    const actions: Action[] = [
      { kind: 'createLoadBalancer', loadBalancer: desired },
      {
        kind: 'createFloatingIp',
        networkId: info.public_net_id,
        port: { kind: 'createdLoadBalancer' },
        tags: owned(),
        description: desired.description,
      },
    ];
    const result = await executeActions({ session, actions });
    expect(result.done).toEqual(actions);
    expect(result.deferred).toEqual([]);
    expect(result.requeueAfterMs).toBe(1000);
    vipPortId = result.createdLoadBalancer?.vipPortId ?? '';
    expect(vipPortId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('polls observe until ACTIVE and finds exactly the desired tree and the Pool floating IP', async () => {
    const { observed, lb } = await observeActive();
    expect(observed.loadBalancers).toHaveLength(1);
    expect(observedShape(lb)).toEqual(desiredShape(desired));
    expect(lb.vipPortId).toBe(vipPortId);
    expect(observed.floatingIps).toHaveLength(1);
    expect(observed.floatingIps[0]).toMatchObject({ portId: vipPortId, networkId: info.public_net_id });
    expect([...(observed.floatingIps[0]?.tags ?? [])].sort()).toEqual([...owned()].sort());
    expect('userFloatingIp' in observed).toBe(false);

    // The cost of one observation of this tree (1 LB, 2 listeners, 2 non-empty pools, 1 FIP):
    // LBs by tags + by name, listeners, pools, members x2, FIPs by tags + by description (the VIP
    // port's list is skipped: the tagged FIP on it is the one Neutron allows there).
    const before = await callsSoFar();
    await observe();
    const calls = (await callsSoFar()) - before;
    console.log(`observeService: ${calls} calls for 1 LB / 2 listeners / 2 pools / 1 FIP`);
    expect(calls).toBe(8);
  });

  it('adopts a floating IP with our description marker whose tagging never happened', async () => {
    const orphan = await floatingips.create(session, {
      networkId: info.public_net_id,
      description: desired.description,
    });
    try {
      const observed = await observe();
      const seen = observed.floatingIps.find((f) => f.id === orphan.id);
      expect([...(seen?.tags ?? [])].sort()).toEqual([...ownershipTags(anOwner(clusterId), service)].sort());
    } finally {
      await floatingips.delete(session, orphan.id);
    }
  });

  it('moves to a User floating IP found by address, then releases it (disassociated, still allocated) ', async () => {
    const user = await floatingips.create(session, { networkId: info.public_net_id, description: tag });
    const before = await observe({ userFloatingIpAddress: user.address });
    expect(before.userFloatingIp).toMatchObject({ id: user.id, portId: null, tags: [] });
    expect((await observe({ userFloatingIpAddress: '203.0.113.77' })).userFloatingIp).toBeNull();
    const poolFip = before.floatingIps[0]?.id ?? 'missing';

    const attach: Action[] = [
      { kind: 'deleteFloatingIp', floatingIpId: poolFip },
      { kind: 'associateFloatingIp', floatingIpId: user.id, port: { kind: 'port', portId: vipPortId } },
    ];
    expect(await executeActions({ session, actions: attach })).toEqual({
      done: attach,
      deferred: [],
      createdFloatingIps: [],
      requeueAfterMs: null,
    });
    const attached = await observe({ userFloatingIpAddress: user.address });
    expect(attached.userFloatingIp?.portId).toBe(vipPortId);
    expect(attached.floatingIps.map((f) => f.id)).toEqual([user.id]); // found by the VIP port, untagged
    await expect(floatingips.get(session, poolFip)).rejects.toBeInstanceOf(NotFoundError);

    const release: Action[] = [{ kind: 'disassociateFloatingIp', floatingIpId: user.id }];
    expect((await executeActions({ session, actions: release })).done).toEqual(release);
    const released = await observe({ userFloatingIpAddress: user.address });
    expect(released.userFloatingIp).toMatchObject({ id: user.id, portId: null });
    expect(released.floatingIps).toEqual([]);
    await floatingips.delete(session, user.id);
  });

  it('replaces members keeping a foreign one, defers a second write on the busy LB, and reports a 409 typed', async () => {
    const { lb } = await observeActive();
    const tcpPool = lb.pools.find((p) => p.protocol === 'TCP');
    const listener = lb.listeners.find((l) => l.protocol === 'TCP');
    if (tcpPool === undefined || listener === undefined) throw new Error('tree incomplete');
    await members.create(session, tcpPool.id, {
      name: 'foreign',
      address: '10.1.17.9',
      protocol_port: 9,
      tags: [],
    });
    const { lb: withForeign } = await observeActive();
    const foreign = withForeign.pools
      .find((p) => p.id === tcpPool.id)
      ?.members.find((m) => m.name === 'foreign');
    if (foreign === undefined) throw new Error('foreign member not observed');

    const wanted = {
      name: `${tag}/pod-10.1.17.3:8080`,
      address: '10.1.17.3',
      protocolPort: 8080,
      subnetId: info.pod_subnet_id,
      tags: owned(),
    };
    const kept = desired.listeners[0]?.pool.members[0];
    if (kept === undefined) throw new Error('no desired member');
    const replace: Action = {
      kind: 'replaceMembers',
      loadBalancerId: lb.id,
      poolId: tcpPool.id,
      members: [kept, wanted, members.keepMember(foreign)],
    };
    const update: Action = {
      kind: 'updateListener',
      loadBalancerId: lb.id,
      listenerId: listener.id,
      changes: { allowedCidrs: [] },
    };
    const first = await executeActions({ session, actions: [replace, update] });
    expect(first).toEqual({
      done: [replace],
      deferred: [update],
      createdFloatingIps: [],
      requeueAfterMs: 1000,
    });

    const second = await executeActions({ session, actions: [update] });
    expect(second.done).toEqual([]);
    expect(second.deferred).toEqual([update]);
    expect(second.requeueAfterMs).toBe(2000);
    expect(second.conflict).toMatchObject({
      name: 'ConflictError',
      status: 409,
      operation: 'octavia.listener.update',
    });

    const { lb: after } = await observeActive();
    const afterMembers = after.pools.find((p) => p.id === tcpPool.id)?.members ?? [];
    expect(afterMembers.map((m) => [m.address, m.protocolPort, m.name])).toEqual([
      ['10.1.17.1', 8080, kept.name],
      ['10.1.17.3', 8080, wanted.name],
      ['10.1.17.9', 9, 'foreign'],
    ]);
    expect(afterMembers.find((m) => m.name === 'foreign')).toEqual(foreign);
  });

  it('deletes the load balancer with one cascading action and then observes nothing', async () => {
    const { lb } = await observeActive();
    const actions: Action[] = [{ kind: 'deleteLoadBalancer', loadBalancerId: lb.id, reason: 'test' }];
    expect((await executeActions({ session, actions })).done).toEqual(actions);
    const gone = await waitForState('the load balancer to disappear', async () => {
      const observed = await observe();
      return observed.loadBalancers.length === 0 ? observed : null;
    });
    expect(gone).toEqual({ loadBalancers: [], floatingIps: [] });
  });

  it('leaves nothing tagged with the run tag', async () => {
    await cleanupTagged(session, tag);
    expect(await remainingTagged(session, tag)).toEqual([]);
    expect(await floatingips.listAll(session, { description: tag })).toEqual([]);
  });
});
