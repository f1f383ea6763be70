/** Table tests of member batches: one replaceMembers per pool that differs, foreign members kept. */
import { describe, expect, it } from 'vitest';
import type { Action } from '../../../../src/core/plan/actions.js';
import { apply } from '../../../support/plan-oracle/apply.js';
import type { ObservedMember, ObservedPool } from '../../../../src/core/model.js';
import { planMemberBatch } from '../../../../src/core/plan/members.js';
import { built, desiredLb, FOREIGN, listener, member, OWNED, planFor, withLb } from './fixtures.js';

const desired = desiredLb({ listeners: [listener({ port: 80 })] });
const observed = built(desired);
const POOL = 'pool-default/web:TCP:80';

function editMembers(fn: (members: readonly ObservedMember[]) => readonly ObservedMember[]) {
  return withLb(observed, (lb) => ({
    ...lb,
    pools: lb.pools.map((p): ObservedPool => (p.id === POOL ? { ...p, members: fn(p.members) } : p)),
  }));
}

function batchOf(actions: readonly Action[]) {
  expect(actions).toHaveLength(1);
  const [action] = actions;
  if (action?.kind !== 'replaceMembers') throw new Error('expected replaceMembers');
  expect(action.poolId).toBe(POOL);
  return action.members;
}

const isOwned = (tags: readonly string[]) => tags.includes('ks-uid=uid-1');

describe('plan: members', () => {
  it('no batch when the owned members equal the desired ones', () => {
    expect(planFor(desired, observed).actions).toEqual([]);
  });

  it('one batch with the full desired list when a member is added or removed', () => {
    const more = [member('10.0.0.11'), member('10.0.0.12'), member('10.0.0.13')];
    const wanted = desiredLb({ listeners: [listener({ port: 80, members: more })] });
    expect(batchOf(planFor(wanted, observed).actions)).toEqual(more);
    const fewer = desiredLb({ listeners: [listener({ port: 80, members: [member('10.0.0.12')] })] });
    expect(batchOf(planFor(fewer, observed).actions)).toEqual([member('10.0.0.12')]);
  });

  it('compares port, subnet and name too', () => {
    for (const changed of [
      member('10.0.0.11', 9090),
      member('10.0.0.11', 8080, 'renamed'),
      { ...member('10.0.0.11'), subnetId: 'other-subnet' },
    ]) {
      const wanted = desiredLb({
        listeners: [listener({ port: 80, members: [changed, member('10.0.0.12')] })],
      });
      expect(batchOf(planFor(wanted, observed).actions)).toContainEqual(changed);
    }
  });

  it('keeps a foreign member in the batch exactly as observed', () => {
    const foreign: ObservedMember = {
      id: 'm-foreign',
      name: 'by-hand',
      address: '10.9.9.9',
      protocolPort: 22,
      subnetId: null,
      tags: FOREIGN,
      provisioningStatus: 'ACTIVE',
    };
    const withForeign = editMembers((ms) => [...ms, foreign]);
    expect(planFor(desired, withForeign).actions).toEqual([]);
    const wanted = desiredLb({ listeners: [listener({ port: 80, members: [member('10.0.0.12')] })] });
    const batch = batchOf(planFor(wanted, withForeign).actions);
    expect(batch).toEqual([
      member('10.0.0.12'),
      { name: 'by-hand', address: '10.9.9.9', protocolPort: 22, tags: FOREIGN, foreign: true },
    ]);
    const after = apply(withForeign, planFor(wanted, withForeign).actions);
    expect(after.loadBalancers[0]?.pools[0]?.members).toContainEqual(foreign);
  });

  it('leaves out a desired member whose address and port a foreign member occupies', () => {
    const squatter: ObservedMember = {
      id: 'm-x',
      name: 'x',
      address: '10.0.0.11',
      protocolPort: 8080,
      subnetId: 'pod-subnet',
      tags: FOREIGN,
      provisioningStatus: 'ACTIVE',
    };
    const batch = planMemberBatch({
      desired: [member('10.0.0.11'), member('10.0.0.12')],
      observed: [squatter],
      isOwned,
    });
    expect(batch).toEqual([
      member('10.0.0.12'),
      {
        name: 'x',
        address: '10.0.0.11',
        protocolPort: 8080,
        subnetId: 'pod-subnet',
        tags: FOREIGN,
        foreign: true,
      },
    ]);
  });

  it('emits one batch per differing pool, never more', () => {
    const wanted = desiredLb({
      listeners: [listener({ port: 80, members: [] }), listener({ port: 81, members: [member('10.0.0.1')] })],
    });
    const twoPools = built(desiredLb({ listeners: [listener({ port: 80 }), listener({ port: 81 })] }));
    const batches = planFor(wanted, twoPools).actions.filter((a) => a.kind === 'replaceMembers');
    expect(batches.map((a) => a.poolId)).toEqual([POOL, 'pool-default/web:TCP:81']);
  });

  it('ignores owned members already being deleted when comparing', () => {
    const gone: ObservedMember = {
      id: 'm-dying',
      name: 'pod-gone',
      address: '10.0.0.99',
      protocolPort: 8080,
      subnetId: 'pod-subnet',
      tags: OWNED,
      provisioningStatus: 'PENDING_DELETE',
    };
    expect(
      planFor(
        desired,
        editMembers((ms) => [...ms, gone]),
      ).actions,
    ).toEqual([]);
  });
});
