/** Table tests of the `apply` model: what each action leaves in the observed state. */
import { describe, expect, it } from 'vitest';
import type { Action } from '../../../../src/core/plan/actions.js';
import { apply, ApplyError } from '../../../support/plan-oracle/apply.js';
import type { Observed, ObservedMember } from '../../../../src/core/model.js';
import {
  built,
  desiredLb,
  EMPTY,
  EXT_NET,
  fip,
  FOREIGN,
  listener,
  member,
  onlyLb,
  OWNED,
} from './fixtures.js';

const desired = desiredLb({ listeners: [listener({ port: 80 })] });
const observed = built(desired);
const LB = 'lb-default/web';
const LISTENER = 'listener-default/web:TCP:80';
const POOL = 'pool-default/web:TCP:80';

function expectApplyError(start: Observed, action: Action, message: string): void {
  let error: unknown;
  try {
    apply(start, [action]);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ApplyError);
  expect(error).toMatchObject({ name: 'ApplyError', message });
}

describe('apply', () => {
  it('creates an ACTIVE load balancer with ids from names and VIP port port-<id>', () => {
    const lb = onlyLb(observed);
    expect(lb).toMatchObject({ id: LB, vipPortId: `port-${LB}`, provisioningStatus: 'ACTIVE', tags: OWNED });
    expect(lb.listeners).toEqual([
      expect.objectContaining({
        id: LISTENER,
        defaultPoolId: POOL,
        protocolPort: 80,
        provisioningStatus: 'ACTIVE',
      }),
    ]);
    expect(lb.pools[0]).toMatchObject({ id: POOL, listenerId: LISTENER });
    expect(lb.pools[0]?.members.map((m) => m.id)).toEqual([
      `member-${POOL}-10.0.0.11-8080`,
      `member-${POOL}-10.0.0.12-8080`,
    ]);
  });

  it('keeps ids unique when a name is taken', () => {
    const twice = apply(observed, [{ kind: 'createLoadBalancer', loadBalancer: desired }]);
    expect(twice.loadBalancers.map((lb) => lb.id)).toEqual([LB, `${LB}-2`]);
    expect(twice.loadBalancers[1]?.listeners[0]?.id).toBe(`${LISTENER}-2`);
  });

  it('deleting a load balancer removes it and frees the floating IPs on its VIP port', () => {
    const user = fip({ id: 'fip-user', tags: [], portId: `port-${LB}` });
    const start: Observed = {
      ...observed,
      floatingIps: [fip({ id: 'fip-1', portId: `port-${LB}` })],
      userFloatingIp: user,
    };
    const after = apply(start, [{ kind: 'deleteLoadBalancer', loadBalancerId: LB, reason: 'test' }]);
    expect(after.loadBalancers).toEqual([]);
    expect(after.floatingIps.map((f) => f.portId)).toEqual([null]);
    expect(after.userFloatingIp?.portId).toBeNull();
  });

  it('deleting a listener leaves its pool; deleting a pool clears the default pool', () => {
    const noListener = apply(observed, [
      { kind: 'deleteListener', loadBalancerId: LB, listenerId: LISTENER },
    ]);
    expect(onlyLb(noListener).pools.map((p) => p.listenerId)).toEqual([null]);
    const noPool = apply(observed, [{ kind: 'deletePool', loadBalancerId: LB, poolId: POOL }]);
    expect(onlyLb(noPool).listeners[0]?.defaultPoolId).toBeNull();
    expect(onlyLb(noPool).pools).toEqual([]);
  });

  it('updates only the fields named', () => {
    const after = apply(observed, [
      {
        kind: 'updateListener',
        loadBalancerId: LB,
        listenerId: LISTENER,
        changes: { timeoutClientData: 1000 },
      },
      { kind: 'updatePool', loadBalancerId: LB, poolId: POOL, changes: { lbAlgorithm: 'SOURCE_IP' } },
    ]);
    expect(onlyLb(after).listeners[0]).toEqual({ ...onlyLb(observed).listeners[0], timeoutClientData: 1000 });
    expect(onlyLb(after).pools[0]).toEqual({ ...onlyLb(observed).pools[0], lbAlgorithm: 'SOURCE_IP' });
  });

  it('a member batch replaces the list, keeping ids of members that stay and foreign members as they were', () => {
    const foreign: ObservedMember = {
      id: 'm-f',
      name: 'by-hand',
      address: '10.9.9.9',
      protocolPort: 22,
      subnetId: null,
      tags: FOREIGN,
      provisioningStatus: 'ERROR',
    };
    const start = apply(observed, []);
    const withForeign: Observed = {
      ...start,
      loadBalancers: [
        {
          ...onlyLb(start),
          pools: onlyLb(start).pools.map((p) => ({ ...p, members: [...p.members, foreign] })),
        },
      ],
    };
    const after = apply(withForeign, [
      {
        kind: 'replaceMembers',
        loadBalancerId: LB,
        poolId: POOL,
        members: [
          member('10.0.0.12'),
          member('10.0.0.13'),
          { name: 'by-hand', address: '10.9.9.9', protocolPort: 22, tags: FOREIGN, foreign: true },
        ],
      },
    ]);
    const members = onlyLb(after).pools[0]?.members ?? [];
    expect(members.map((m) => m.id)).toEqual([
      `member-${POOL}-10.0.0.12-8080`,
      `member-${POOL}-10.0.0.13-8080`,
      'm-f',
    ]);
    expect(members[2]).toEqual(foreign);
  });

  it('creates and associates floating IPs on the created load balancer VIP port', () => {
    const after = apply({ ...EMPTY, userFloatingIp: fip({ id: 'fip-user', tags: [] }) }, [
      { kind: 'createLoadBalancer', loadBalancer: desired },
      {
        kind: 'createFloatingIp',
        networkId: EXT_NET,
        port: { kind: 'createdLoadBalancer' },
        tags: OWNED,
        description: 'd',
      },
      { kind: 'associateFloatingIp', floatingIpId: 'fip-user', port: { kind: 'createdLoadBalancer' } },
    ]);
    expect(after.floatingIps).toEqual([
      expect.objectContaining({ networkId: EXT_NET, portId: `port-${LB}`, tags: OWNED }),
    ]);
    expect(after.userFloatingIp?.portId).toBe(`port-${LB}`);
    const released = apply(after, [
      { kind: 'disassociateFloatingIp', floatingIpId: 'fip-user' },
      { kind: 'deleteFloatingIp', floatingIpId: after.floatingIps[0]?.id ?? '' },
    ]);
    expect(released.floatingIps).toEqual([]);
    expect(released.userFloatingIp?.portId).toBeNull();
  });

  it('does not change its input', () => {
    const copy = structuredClone(observed);
    apply(observed, [{ kind: 'deleteLoadBalancer', loadBalancerId: LB, reason: 'test' }]);
    expect(observed).toEqual(copy);
  });

  it('throws ApplyError naming the operation and the missing object', () => {
    expectApplyError(
      EMPTY,
      { kind: 'deleteLoadBalancer', loadBalancerId: 'x', reason: 'r' },
      'deleteLoadBalancer: load balancer x not found',
    );
    expectApplyError(
      observed,
      { kind: 'deleteListener', loadBalancerId: LB, listenerId: 'x' },
      `deleteListener: listener x not found on load balancer ${LB}`,
    );
    expectApplyError(
      observed,
      { kind: 'deletePool', loadBalancerId: LB, poolId: 'x' },
      `deletePool: pool x not found on load balancer ${LB}`,
    );
    expectApplyError(
      EMPTY,
      { kind: 'disassociateFloatingIp', floatingIpId: 'x' },
      'disassociateFloatingIp: floating IP x not found',
    );
    expectApplyError(
      { ...EMPTY, floatingIps: [fip({ id: 'f' })] },
      { kind: 'associateFloatingIp', floatingIpId: 'f', port: { kind: 'createdLoadBalancer' } },
      'associateFloatingIp: no load balancer was created before',
    );
  });
});
