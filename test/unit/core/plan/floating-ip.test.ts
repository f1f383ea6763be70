/** Table tests of floating IP planning: Pool and User methods, switches, release. */
import { describe, expect, it } from 'vitest';
import { apply } from '../../../support/plan-oracle/apply.js';
import type { FloatingIpIntent, Observed, ObservedFloatingIp } from '../../../../src/core/model.js';
import {
  built,
  desiredLb,
  EMPTY,
  EXT_NET,
  fip,
  FOREIGN,
  onlyLb,
  OWNED,
  planFor,
  summary,
} from './fixtures.js';

const POOL: FloatingIpIntent = { method: 'pool', networkId: EXT_NET };
const USER_ADDRESS = '203.0.113.50';
const USER: FloatingIpIntent = { method: 'user', address: USER_ADDRESS };
const noFip = desiredLb();
const withPool = desiredLb({ floatingIp: POOL });
const withUser = desiredLb({ floatingIp: USER });
const plain = built(noFip);
const LB = onlyLb(plain).id;
const PORT = `port-${LB}`;

function userFip(portId: string | null): ObservedFloatingIp {
  return fip({ id: 'fip-user', address: USER_ADDRESS, tags: [], portId });
}

function observe(floatingIps: readonly ObservedFloatingIp[], user?: ObservedFloatingIp | null): Observed {
  return { ...plain, floatingIps, ...(user === undefined ? {} : { userFloatingIp: user }) };
}

describe('plan: floating IPs, Pool method', () => {
  it('from nothing: the load balancer, then a tagged floating IP bound to its VIP port', () => {
    const intent: FloatingIpIntent = { method: 'pool', networkId: EXT_NET, subnetId: 'ext-subnet' };
    const result = planFor(desiredLb({ floatingIp: intent }), EMPTY);
    expect(result.actions[1]).toEqual({
      kind: 'createFloatingIp',
      networkId: EXT_NET,
      subnetId: 'ext-subnet',
      port: { kind: 'createdLoadBalancer' },
      tags: OWNED,
      description: 'kuryr-services: default/web',
    });
    expect(summary(result.actions)).toEqual([
      'createLoadBalancer default/web',
      'createFloatingIp createdLoadBalancer',
    ]);
  });

  it('creates one for an existing load balancer, or associates an owned free one', () => {
    expect(summary(planFor(withPool, plain).actions)).toEqual([`createFloatingIp ${PORT}`]);
    const free = observe([fip({ id: 'fip-1' })]);
    expect(summary(planFor(withPool, free).actions)).toEqual([`associateFloatingIp fip-1 ${PORT}`]);
  });

  it('completes the tagging of an adopted floating IP (crash between create and tags), then is quiet', () => {
    const adopted = observe([fip({ id: 'fip-1', portId: PORT, tagsMissing: true })]);
    const result = planFor(withPool, adopted);
    expect(summary(result.actions)).toEqual(['tagFloatingIp fip-1']);
    expect(result.actions[0]).toMatchObject({ kind: 'tagFloatingIp', tags: OWNED });
    expect(planFor(withPool, apply(adopted, result.actions)).actions).toEqual([]);
    const free = observe([fip({ id: 'fip-1', tagsMissing: true })]);
    expect(summary(planFor(withPool, free).actions)).toEqual([
      'tagFloatingIp fip-1',
      `associateFloatingIp fip-1 ${PORT}`,
    ]);
  });

  it('plans nothing when the owned floating IP is on the VIP port', () => {
    expect(planFor(withPool, built(withPool))).toEqual({ actions: [], wait: null });
  });

  it('keeps the same external address when the load balancer is recreated', () => {
    const before = built(withPool);
    const moved = desiredLb({ floatingIp: POOL, vipAddress: '10.2.0.9' });
    const result = planFor(moved, before);
    const [kept] = before.floatingIps;
    expect(summary(result.actions)).toEqual([
      `deleteLoadBalancer ${LB}`,
      'createLoadBalancer default/web',
      `associateFloatingIp ${kept?.id ?? ''} createdLoadBalancer`,
    ]);
    const after = apply(before, result.actions);
    expect(after.floatingIps).toEqual([{ ...kept, portId: `port-${onlyLb(after).id}` }]);
  });

  it('deletes extra owned floating IPs and those on another external network', () => {
    const extras = observe([
      fip({ id: 'fip-a' }),
      fip({ id: 'fip-b', portId: PORT }),
      fip({ id: 'fip-c', networkId: 'old-net' }),
    ]);
    expect(summary(planFor(withPool, extras).actions)).toEqual([
      'deleteFloatingIp fip-a',
      'deleteFloatingIp fip-c',
    ]);
    const wrongNet = observe([fip({ id: 'fip-c', networkId: 'old-net', portId: PORT })]);
    expect(summary(planFor(withPool, wrongNet).actions)).toEqual([
      'deleteFloatingIp fip-c',
      `createFloatingIp ${PORT}`,
    ]);
  });
});

describe('plan: floating IPs, User method', () => {
  it('from nothing: the load balancer, then the user floating IP associated to its VIP port', () => {
    const result = planFor(withUser, { ...EMPTY, userFloatingIp: userFip(null) });
    expect(result.actions[1]).toEqual({
      kind: 'associateFloatingIp',
      floatingIpId: 'fip-user',
      port: { kind: 'createdLoadBalancer' },
    });
  });

  it('emits nothing for a user floating IP that was not found', () => {
    expect(summary(planFor(withUser, { ...EMPTY, userFloatingIp: null }).actions)).toEqual([
      'createLoadBalancer default/web',
    ]);
    expect(planFor(withUser, plain).actions).toEqual([]);
  });

  it('never steals a user floating IP associated to a port not ours', () => {
    expect(planFor(withUser, observe([], userFip('port-of-a-vm'))).actions).toEqual([]);
  });

  it('plans nothing when the user floating IP is on our VIP port', () => {
    expect(planFor(withUser, observe([userFip(PORT)], userFip(PORT))).actions).toEqual([]);
  });

  it('moves it from an owned load balancer being replaced to the new one', () => {
    const moved = desiredLb({ floatingIp: USER, vipAddress: '10.2.0.9' });
    const result = planFor(moved, observe([userFip(PORT)], userFip(PORT)));
    expect(summary(result.actions)).toEqual([
      `deleteLoadBalancer ${LB}`,
      'createLoadBalancer default/web',
      'associateFloatingIp fip-user createdLoadBalancer',
    ]);
  });

  it('loadBalancerIP changed: the old one is disassociated before the new one is associated', () => {
    const old = fip({ id: 'fip-old', address: '203.0.113.9', tags: [], portId: PORT });
    const result = planFor(withUser, observe([old], userFip(null)));
    expect(summary(result.actions)).toEqual([
      'disassociateFloatingIp fip-old',
      `associateFloatingIp fip-user ${PORT}`,
    ]);
  });

  it('still associates while the kept load balancer is pending', () => {
    const pending = { ...onlyLb(plain), provisioningStatus: 'PENDING_UPDATE' as const };
    const result = planFor(withUser, {
      loadBalancers: [pending],
      floatingIps: [],
      userFloatingIp: userFip(null),
    });
    expect(summary(result.actions)).toEqual([`associateFloatingIp fip-user ${PORT}`]);
    expect(result.wait?.loadBalancerId).toBe(LB);
  });
});

describe('plan: floating IP switches and release', () => {
  it('Pool → User: the owned floating IP is deleted, then the user one associated', () => {
    const result = planFor(withUser, observe([fip({ id: 'fip-1', portId: PORT })], userFip(null)));
    expect(summary(result.actions)).toEqual([
      'deleteFloatingIp fip-1',
      `associateFloatingIp fip-user ${PORT}`,
    ]);
  });

  it('User → Pool: the user one is disassociated (never deleted), then ours created', () => {
    const result = planFor(withPool, observe([userFip(PORT)]));
    expect(summary(result.actions)).toEqual(['disassociateFloatingIp fip-user', `createFloatingIp ${PORT}`]);
  });

  it('no floating IP wanted: owned ones deleted, user ones on our port disassociated, others untouched', () => {
    const observed = observe([
      fip({ id: 'fip-1', portId: PORT }),
      userFip(PORT),
      fip({ id: 'fip-vm', tags: FOREIGN, portId: 'port-of-a-vm' }),
      fip({ id: 'fip-free', tags: [] }),
    ]);
    expect(summary(planFor(noFip, observed).actions)).toEqual([
      'disassociateFloatingIp fip-user',
      'deleteFloatingIp fip-1',
    ]);
  });

  it('desired null: floating IPs released before the load balancer is deleted', () => {
    const observed = observe([fip({ id: 'fip-1', portId: PORT }), userFip(PORT)]);
    expect(summary(planFor(null, observed).actions)).toEqual([
      'disassociateFloatingIp fip-user',
      'deleteFloatingIp fip-1',
      `deleteLoadBalancer ${LB}`,
    ]);
  });

  it('a floating IP of ours that the user names becomes theirs: disowned, then associated, never deleted', () => {
    const tagged = { ...userFip(null), tags: OWNED };
    expect(summary(planFor(withUser, observe([tagged], tagged)).actions)).toEqual([
      'disownFloatingIp fip-user',
      `associateFloatingIp fip-user ${PORT}`,
    ]);
  });
});
