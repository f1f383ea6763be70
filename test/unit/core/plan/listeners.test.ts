/** Table tests of `plan` on the children of an existing load balancer. */
import { describe, expect, it } from 'vitest';
import type { Action } from '../../../../src/core/plan/actions.js';
import { apply } from '../../../support/plan-oracle/apply.js';
import { TIMEOUT_CLIENT_TAG, TIMEOUT_MEMBER_TAG } from '../../../../src/core/ownership.js';
import { listenerChanges } from '../../../../src/core/plan/listeners.js';
import type { ObservedListener, ObservedLoadBalancer, ObservedPool } from '../../../../src/core/model.js';
import { built, desiredLb, FOREIGN, listener, member, OWNED, planFor, summary, withLb } from './fixtures.js';

const desired = desiredLb();
const observed = built(desired);
const L80 = 'listener-default/web:TCP:80';
const L443 = 'listener-default/web:TCP:443';
const P80 = 'pool-default/web:TCP:80';
const P443 = 'pool-default/web:TCP:443';

function editListener(id: string, fn: (l: ObservedListener) => ObservedListener) {
  return withLb(observed, (lb) => ({ ...lb, listeners: lb.listeners.map((l) => (l.id === id ? fn(l) : l)) }));
}

function editPool(id: string, fn: (p: ObservedPool) => ObservedPool) {
  return withLb(observed, (lb) => ({ ...lb, pools: lb.pools.map((p) => (p.id === id ? fn(p) : p)) }));
}

function expectConverges(actions: readonly Action[], from = observed, target = desired): void {
  expect(planFor(target, apply(from, actions))).toEqual({ actions: [], wait: null });
}

describe('plan: listeners and pools', () => {
  it('deletes a listener no longer desired: its owned pool first, then the listener', () => {
    const result = planFor(desiredLb({ listeners: [listener({ port: 80 })] }), observed);
    expect(summary(result.actions)).toEqual([`deletePool ${P443}`, `deleteListener ${L443}`]);
  });

  it('creates a missing listener with its pool and members nested', () => {
    const wanted = desiredLb({ listeners: [...desired.listeners, listener({ protocol: 'UDP', port: 53 })] });
    const result = planFor(wanted, observed);
    expect(result.actions).toEqual([
      {
        kind: 'createListener',
        loadBalancerId: 'lb-default/web',
        listener: listener({ protocol: 'UDP', port: 53 }),
      },
    ]);
  });

  it('a changed port is a delete of the old listener and a create of the new one, deletes first', () => {
    const wanted = desiredLb({ listeners: [listener({ port: 80 }), listener({ port: 8443 })] });
    expect(summary(planFor(wanted, observed).actions)).toEqual([
      `deletePool ${P443}`,
      `deleteListener ${L443}`,
      'createListener TCP:8443',
    ]);
  });

  it('updates only the changed listener fields; allowed CIDRs compare as sets', () => {
    const cidrs = ['10.0.0.0/8', '192.168.0.0/16'];
    const wanted = desiredLb({
      listeners: [listener({ port: 80, allowedCidrs: cidrs }), listener({ port: 443 })],
    });
    const same = editListener(L80, (l) => ({ ...l, allowedCidrs: [...cidrs].reverse() }));
    expect(planFor(wanted, same).actions).toEqual([]);
    expect(planFor(wanted, observed).actions).toEqual([
      {
        kind: 'updateListener',
        loadBalancerId: 'lb-default/web',
        listenerId: L80,
        changes: { allowedCidrs: cidrs },
      },
    ]);
  });

  it("treats Octavia's 0.0.0.0/0 as no restriction", () => {
    const open = editListener(L80, (l) => ({ ...l, allowedCidrs: ['0.0.0.0/0', '::/0'] }));
    expect(planFor(desired, open).actions).toEqual([]);
  });

  it('updates timeouts when desired, and leaves them alone when the desired value is null', () => {
    const timed = desiredLb({
      listeners: [
        { ...listener({ port: 80 }), timeoutClientData: 5000, timeoutMemberData: null },
        listener({ port: 443 }),
      ],
    });
    const observedTimed = editListener(L80, (l) => ({
      ...l,
      timeoutClientData: 50000,
      timeoutMemberData: 50000,
    }));
    expect(planFor(timed, observedTimed).actions).toEqual([
      {
        kind: 'updateListener',
        loadBalancerId: 'lb-default/web',
        listenerId: L80,
        changes: { timeoutClientData: 5000 },
      },
    ]);
  });

  it('updates the pool algorithm and session persistence', () => {
    const base = listener({ port: 80 });
    const wanted = desiredLb({
      listeners: [
        {
          ...base,
          pool: { ...base.pool, lbAlgorithm: 'SOURCE_IP_PORT', sessionPersistence: { type: 'SOURCE_IP' } },
        },
        listener({ port: 443 }),
      ],
    });
    const result = planFor(wanted, observed);
    expect(result.actions).toEqual([
      {
        kind: 'updatePool',
        loadBalancerId: 'lb-default/web',
        poolId: P80,
        changes: { lbAlgorithm: 'SOURCE_IP_PORT', sessionPersistence: { type: 'SOURCE_IP' } },
      },
    ]);
    expectConverges(result.actions, observed, wanted);
  });

  it('creates the pool of a listener that lacks one', () => {
    const noPool = withLb(
      editListener(L80, (l) => ({ ...l, defaultPoolId: null })),
      (lb) => ({
        ...lb,
        pools: lb.pools.filter((p) => p.id !== P80),
      }),
    );
    const result = planFor(desired, noPool);
    expect(result.actions).toEqual([
      {
        kind: 'createPool',
        loadBalancerId: 'lb-default/web',
        listenerId: L80,
        pool: listener({ port: 80 }).pool,
      },
    ]);
    expectConverges(result.actions, noPool);
  });

  it('deletes and recreates an owned listener in ERROR', () => {
    const result = planFor(
      desired,
      editListener(L80, (l) => ({ ...l, provisioningStatus: 'ERROR' })),
    );
    expect(summary(result.actions)).toEqual([
      `deletePool ${P80}`,
      `deleteListener ${L80}`,
      'createListener TCP:80',
    ]);
  });

  it('deletes and recreates an owned pool in ERROR', () => {
    const broken = editPool(P443, (p) => ({ ...p, provisioningStatus: 'ERROR' }));
    const result = planFor(desired, broken);
    expect(summary(result.actions)).toEqual([`deletePool ${P443}`, `createPool ${L443}`]);
    expectConverges(result.actions, broken);
  });

  it('deletes an owned pool that no listener uses', () => {
    const orphan: ObservedPool = { ...onlyPool(P80), id: 'pool-orphan', listenerId: null, members: [] };
    const withOrphan = withLb(observed, (lb) => ({ ...lb, pools: [...lb.pools, orphan] }));
    expect(summary(planFor(desired, withOrphan).actions)).toEqual(['deletePool pool-orphan']);
  });

  it('never touches a foreign listener, nor creates ours on the port it occupies', () => {
    const foreign = editListener(L443, (l) => ({ ...l, tags: FOREIGN, provisioningStatus: 'ERROR' }));
    expect(planFor(desiredLb({ listeners: [listener({ port: 80 })] }), foreign).actions).toEqual([]);
    const foreignPool = withLb(foreign, (lb) => ({
      ...lb,
      pools: lb.pools.map((p) => ({ ...p, tags: FOREIGN })),
    }));
    expect(planFor(desired, foreignPool).actions).toEqual([]);
  });

  it('leaves alone children already PENDING_DELETE', () => {
    const dying = editListener(L443, (l) => ({ ...l, provisioningStatus: 'PENDING_DELETE' }));
    expect(planFor(desired, dying).actions).toEqual([]);
    // Its pool stays until the listener is gone; then it is an orphan and deleted.
    expect(planFor(desiredLb({ listeners: [listener({ port: 80 })] }), dying).actions).toEqual([]);
  });

  it('orders deletes, creates, updates, member batches', () => {
    const l80 = listener({ port: 80, members: [member('10.0.0.11')], allowedCidrs: ['10.0.0.0/8'] });
    const wanted = desiredLb({ listeners: [l80, listener({ port: 8080 })] });
    expect(summary(planFor(wanted, observed).actions)).toEqual([
      `deletePool ${P443}`,
      `deleteListener ${L443}`,
      'createListener TCP:8080',
      `updateListener ${L80}`,
      `replaceMembers ${P80}`,
    ]);
  });
});

function onlyPool(id: string): ObservedPool {
  const lb: ObservedLoadBalancer | undefined = observed.loadBalancers[0];
  const pool = lb?.pools.find((p) => p.id === id);
  if (pool === undefined) throw new Error(`no pool ${id}`);
  return { ...pool, tags: OWNED };
}

describe('listenerChanges: timeouts we set, and only those, go back to Octavia’s default', () => {
  const base = listener({ port: 80 });
  const seen = (l: Partial<ObservedListener>): ObservedListener => {
    const found = observed.loadBalancers[0]?.listeners.find((x) => x.protocolPort === 80);
    if (found === undefined) throw new Error('fixture lacks TCP:80');
    return { ...found, ...l };
  };
  const marked = [...base.tags, TIMEOUT_CLIENT_TAG, TIMEOUT_MEMBER_TAG];

  it('setting timeouts sends them with the marker tags', () => {
    const wanted = { ...base, timeoutClientData: 120000, timeoutMemberData: 90000, tags: marked };
    expect(listenerChanges(seen({ timeoutClientData: 50000, timeoutMemberData: 50000 }), wanted)).toEqual({
      timeoutClientData: 120000,
      timeoutMemberData: 90000,
      tags: marked,
    });
  });

  it('a timeout no longer wanted is reset (null) where our marker says we set it, and the marker goes', () => {
    const now = seen({ timeoutClientData: 120000, timeoutMemberData: 90000, tags: marked });
    const wanted = {
      ...base,
      timeoutClientData: null,
      timeoutMemberData: 90000,
      tags: [...base.tags, TIMEOUT_MEMBER_TAG],
    };
    expect(listenerChanges(now, wanted)).toEqual({ timeoutClientData: null, tags: wanted.tags });
  });

  it('an unmarked timeout (Octavia’s default, or set by someone else) is left alone', () => {
    const wanted = { ...base, timeoutClientData: null, timeoutMemberData: null };
    expect(listenerChanges(seen({ timeoutClientData: 120000, timeoutMemberData: 50000 }), wanted)).toEqual(
      {},
    );
  });
});
