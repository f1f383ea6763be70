/** Table tests of `plan` at the load balancer level: which LB is kept, what is deleted, waits. */
import { describe, expect, it } from 'vitest';
import { isOctaviaWrite } from '../../../../src/core/plan/actions.js';
import type { Observed, ObservedLoadBalancer, ProvisioningStatus } from '../../../../src/core/model.js';
import {
  built,
  desiredLb,
  EMPTY,
  FOREIGN,
  OLD_INCARNATION,
  onlyLb,
  OWNED,
  planFor,
  summary,
} from './fixtures.js';

const desired = desiredLb();
const existing = onlyLb(built(desired));
const LB = existing.id;

function lbs(...list: ObservedLoadBalancer[]): Observed {
  return { loadBalancers: list, floatingIps: [] };
}

function variant(id: string, overrides: Partial<ObservedLoadBalancer> = {}): ObservedLoadBalancer {
  return { ...existing, id, vipPortId: `port-${id}`, ...overrides };
}

describe('plan: load balancers', () => {
  it('from nothing creates the load balancer in one fully-populated call', () => {
    const result = planFor(desired, EMPTY);
    expect(result).toEqual({ actions: [{ kind: 'createLoadBalancer', loadBalancer: desired }], wait: null });
  });

  it('ignores foreign load balancers, even with the same name and VIP', () => {
    const foreign = variant('lb-foreign', { tags: FOREIGN });
    const result = planFor(desired, lbs(foreign));
    expect(summary(result.actions)).toEqual(['createLoadBalancer default/web']);
    expect(planFor(null, lbs(foreign)).actions).toEqual([]);
  });

  it('plans nothing when OpenStack already matches', () => {
    expect(planFor(desired, built(desired))).toEqual({ actions: [], wait: null });
  });

  it('replaces a load balancer whose VIP changed, delete first', () => {
    const moved = desiredLb({ vipAddress: '10.2.0.9' });
    const result = planFor(moved, built(desired));
    expect(result.actions).toEqual([
      { kind: 'deleteLoadBalancer', loadBalancerId: LB, reason: 'VIP changed 10.2.0.5 → 10.2.0.9' },
      { kind: 'createLoadBalancer', loadBalancer: moved },
    ]);
    expect(result.wait).toBeNull();
  });

  it('replaces a load balancer whose VIP subnet or provider changed', () => {
    const resubnet = planFor(desiredLb({ vipSubnetId: 'other', vipAddress: '10.3.0.5' }), built(desired));
    expect(summary(resubnet.actions)).toEqual([`deleteLoadBalancer ${LB}`, 'createLoadBalancer default/web']);
    const ovn = planFor(desiredLb({ provider: 'ovn' }), built(desired));
    expect(ovn.actions).toEqual([
      { kind: 'deleteLoadBalancer', loadBalancerId: LB, reason: 'provider changed amphora → ovn' },
    ]);
    expect(ovn.wait?.loadBalancerId).toBe(LB); // the same VIP is free only once the old LB is gone
  });

  it("treats Octavia's 'octavia' provider as amphora", () => {
    expect(planFor(desired, lbs({ ...existing, provider: 'octavia' })).actions).toEqual([]);
  });

  it('deletes a load balancer in ERROR and creates a new one once its VIP is free', () => {
    const first = planFor(desired, lbs({ ...existing, provisioningStatus: 'ERROR' }));
    expect(first.actions).toEqual([{ kind: 'deleteLoadBalancer', loadBalancerId: LB, reason: 'in ERROR' }]);
    expect(first.wait).toMatchObject({ loadBalancerId: LB });
    const later = planFor(desired, lbs({ ...existing, provisioningStatus: 'PENDING_DELETE' }));
    expect(later.actions).toEqual([]);
    expect(later.wait?.loadBalancerId).toBe(LB);
    expect(later.wait?.reason).toContain('10.2.0.5');
    expect(summary(planFor(desired, EMPTY).actions)).toEqual(['createLoadBalancer default/web']);
  });

  it('waits, with no Octavia write, while the kept load balancer is PENDING_CREATE or PENDING_UPDATE', () => {
    const changed = desiredLb({ listeners: [] });
    for (const status of ['PENDING_CREATE', 'PENDING_UPDATE'] as const) {
      const result = planFor(changed, lbs({ ...existing, provisioningStatus: status }));
      expect(result.actions).toEqual([]);
      expect(result.wait?.loadBalancerId).toBe(LB);
      expect(result.wait?.reason).toContain(status);
    }
  });

  it('still deletes other load balancers while the kept one is pending', () => {
    const pending = { ...existing, provisioningStatus: 'PENDING_UPDATE' as const };
    const old = variant('lb-old', { tags: OLD_INCARNATION, vipAddress: '10.2.0.1' });
    const result = planFor(desired, lbs(pending, old));
    expect(result.actions).toEqual([
      { kind: 'deleteLoadBalancer', loadBalancerId: 'lb-old', reason: 'previous incarnation (uid uid-0)' },
    ]);
    expect(result.wait?.loadBalancerId).toBe(LB);
  });

  it('never re-deletes a load balancer already PENDING_DELETE, and it blocks nothing else', () => {
    const dying = variant('lb-dying', { provisioningStatus: 'PENDING_DELETE', vipAddress: '10.2.0.1' });
    expect(planFor(desired, lbs(existing, dying))).toEqual({ actions: [], wait: null });
    expect(planFor(null, lbs(dying))).toEqual({ actions: [], wait: null });
  });

  it('keeps one of several duplicates (ACTIVE first, then lowest id) and deletes the others', () => {
    const dupes = [
      variant('lb-c'),
      variant('lb-b', { provisioningStatus: 'PENDING_UPDATE' }),
      variant('lb-a'),
    ];
    const result = planFor(desired, lbs(...dupes));
    expect(result.actions).toEqual([
      { kind: 'deleteLoadBalancer', loadBalancerId: 'lb-c', reason: 'duplicate of lb-a' },
    ]);
    expect(result.wait?.loadBalancerId).toBe('lb-b');
    expect(result.wait?.reason).toContain('duplicate of lb-a');
  });

  it('deletes a previous incarnation of the Service and creates the new one', () => {
    const old = variant('lb-old', { tags: OLD_INCARNATION, vipAddress: '10.2.0.1' });
    expect(planFor(desired, lbs(old)).actions).toEqual([
      { kind: 'deleteLoadBalancer', loadBalancerId: 'lb-old', reason: 'previous incarnation (uid uid-0)' },
      { kind: 'createLoadBalancer', loadBalancer: desired },
    ]);
  });

  it('postpones the create while a load balancer being deleted holds the same VIP', () => {
    const old = variant('lb-old', { tags: OLD_INCARNATION });
    const result = planFor(desired, lbs(old));
    expect(summary(result.actions)).toEqual(['deleteLoadBalancer lb-old']);
    expect(result.wait?.loadBalancerId).toBe('lb-old');
  });

  it('an owned load balancer without a uid tag is not this incarnation', () => {
    const noUid = variant('lb-x', {
      tags: OWNED.filter((t) => !t.startsWith('ks-uid=')),
      vipAddress: '10.2.0.1',
    });
    expect(planFor(desired, lbs(noUid)).actions[0]).toMatchObject({
      reason: 'previous incarnation (uid unknown)',
    });
  });

  it('desired null deletes every owned load balancer, whatever its state', () => {
    const states: ProvisioningStatus[] = ['ACTIVE', 'ERROR', 'PENDING_UPDATE', 'PENDING_DELETE'];
    const all = states.map((s, i) => variant(`lb-${i}`, { provisioningStatus: s }));
    const result = planFor(null, lbs(...all, variant('lb-foreign', { tags: FOREIGN })));
    const reason = 'Service no longer wants a load balancer';
    expect(result.actions).toEqual([
      { kind: 'deleteLoadBalancer', loadBalancerId: 'lb-0', reason },
      { kind: 'deleteLoadBalancer', loadBalancerId: 'lb-1', reason },
    ]);
    expect(result.wait?.loadBalancerId).toBe('lb-2');
  });

  it('from nothing, with foreign objects around, has exactly one Octavia write', () => {
    const observed = { ...lbs(variant('lb-f', { tags: FOREIGN })), floatingIps: [] };
    const writes = planFor(
      desiredLb({ floatingIp: { method: 'pool', networkId: 'ext' } }),
      observed,
    ).actions.filter(isOctaviaWrite);
    expect(summary(writes)).toEqual(['createLoadBalancer default/web']);
  });
});
