/**
 * plan/decide: health monitors (in the fully-populated create; created, updated, replaced and
 * deleted in place on a kept load balancer), flavor and availability zone (never a recreate:
 * a Warning notice), and the VIP port's security groups.
 */
import { describe, expect, it } from 'vitest';
import { buildCreateBody } from '../../../../src/openstack/octavia/loadbalancers.js';
import type {
  DesiredHealthMonitor,
  DesiredListener,
  DesiredLoadBalancer,
  Observed,
  ObservedLoadBalancer,
} from '../../../../src/core/model.js';
import { decide } from '../../../../src/core/plan/decide.js';
import { FRESH_PROGRESS, type DecisionInput } from '../../../../src/core/plan/decision.js';
import { KEEP_NOTHING } from '../../../../src/core/plan/floating-ips.js';
import { anOwner } from '../../../support/builders.js';
import { apply } from '../../../support/plan-oracle/apply.js';
import {
  built,
  CLUSTER,
  desiredLb,
  EMPTY,
  FOREIGN,
  listener,
  onlyLb,
  OWNED,
  planFor,
  SERVICE,
  summary,
  withLb,
} from './fixtures.js';

function monitor(name: string, over: Partial<DesiredHealthMonitor> = {}): DesiredHealthMonitor {
  return { name, type: 'TCP', delay: 5, timeout: 3, maxRetries: 1, maxRetriesDown: 3, tags: OWNED, ...over };
}

function monitored(l: DesiredListener, over: Partial<DesiredHealthMonitor> = {}): DesiredListener {
  return { ...l, pool: { ...l.pool, healthMonitor: monitor(l.pool.name, over) } };
}

const plain = desiredLb({ listeners: [listener({ port: 80 })] });
const withMonitor = (over: Partial<DesiredHealthMonitor> = {}): DesiredLoadBalancer =>
  desiredLb({ listeners: [monitored(listener({ port: 80 }), over)] });

function monitorOf(observed: Observed) {
  return onlyLb(observed).pools[0]?.healthMonitor;
}

function poolId(observed: Observed): string {
  return onlyLb(observed).pools[0]?.id ?? 'none';
}

describe('plan: health monitors', () => {
  it('creates the monitor inside the fully-populated create body (one call)', () => {
    const { actions } = planFor(withMonitor(), EMPTY);
    expect(summary(actions)).toEqual(['createLoadBalancer default/web']);
    const [create] = actions;
    if (create?.kind !== 'createLoadBalancer') throw new Error('expected a create');
    const pool = buildCreateBody(create.loadBalancer).loadbalancer.listeners[0]?.default_pool;
    expect(pool?.healthmonitor).toEqual({
      name: 'default/web:TCP:80',
      type: 'TCP',
      delay: 5,
      timeout: 3,
      max_retries: 1,
      max_retries_down: 3,
      tags: [...OWNED],
    });
  });

  it('adds a monitor to a kept pool, then is converged', () => {
    const before = built(plain);
    const { actions } = planFor(withMonitor(), before);
    expect(summary(actions)).toEqual([`createHealthMonitor ${poolId(before)} TCP`]);
    expect(planFor(withMonitor(), apply(before, actions)).actions).toEqual([]);
  });

  it('updates only the fields that changed, in place (same id)', () => {
    const before = built(withMonitor());
    const id = monitorOf(before)?.id ?? 'none';
    const { actions } = planFor(withMonitor({ delay: 10, maxRetriesDown: 5 }), before);
    expect(actions).toEqual([
      {
        kind: 'updateHealthMonitor',
        loadBalancerId: onlyLb(before).id,
        healthMonitorId: id,
        changes: { delay: 10, maxRetriesDown: 5 },
      },
    ]);
    const after = apply(before, actions);
    expect(monitorOf(after)).toMatchObject({ id, delay: 10, maxRetriesDown: 5 });
  });

  it("reads Octavia's missing max_retries_down as its default 3 (no update for it)", () => {
    const before = withLb(built(withMonitor()), (lb) => ({
      ...lb,
      pools: lb.pools.map((p) =>
        p.healthMonitor === undefined
          ? p
          : { ...p, healthMonitor: { ...p.healthMonitor, maxRetriesDown: null } },
      ),
    }));
    expect(planFor(withMonitor(), before).actions).toEqual([]);
  });

  it('replaces a monitor of another type or in ERROR: delete, then create', () => {
    const before = built(withMonitor());
    const id = monitorOf(before)?.id ?? 'none';
    const expected = [`deleteHealthMonitor ${id}`, `createHealthMonitor ${poolId(before)} PING`];
    expect(summary(planFor(withMonitor({ type: 'PING' }), before).actions)).toEqual(expected);
    const broken = withLb(before, (lb) => editMonitor(lb, { provisioningStatus: 'ERROR' }));
    expect(summary(planFor(withMonitor(), broken).actions)).toEqual([
      `deleteHealthMonitor ${id}`,
      `createHealthMonitor ${poolId(before)} TCP`,
    ]);
  });

  it('deletes our monitor when no longer wanted', () => {
    const before = built(withMonitor());
    const { actions } = planFor(plain, before);
    expect(summary(actions)).toEqual([`deleteHealthMonitor ${monitorOf(before)?.id ?? 'none'}`]);
    expect(monitorOf(apply(before, actions))).toBeUndefined();
  });

  it("never touches a monitor someone else put on our pool, nor creates ours beside it (Octavia's one per pool)", () => {
    const before = withLb(built(withMonitor()), (lb) => editMonitor(lb, { tags: FOREIGN, delay: 60 }));
    expect(planFor(withMonitor(), before).actions).toEqual([]);
    expect(planFor(plain, before).actions).toEqual([]);
  });

  it('waits for a monitor being deleted instead of creating a second one', () => {
    const before = withLb(built(withMonitor()), (lb) =>
      editMonitor(lb, { provisioningStatus: 'PENDING_DELETE' }),
    );
    expect(planFor(withMonitor({ delay: 9 }), before).actions).toEqual([]);
  });
});

function editMonitor(
  lb: ObservedLoadBalancer,
  changes: Partial<NonNullable<ObservedLoadBalancer['pools'][number]['healthMonitor']>>,
): ObservedLoadBalancer {
  return {
    ...lb,
    pools: lb.pools.map((p) =>
      p.healthMonitor === undefined ? p : { ...p, healthMonitor: { ...p.healthMonitor, ...changes } },
    ),
  };
}

const FLAVOR_A = '5f1e0a4e-8a43-4c1e-9f1a-0a3e7c2d9b11';
const FLAVOR_B = '0b7c2a51-2f0e-4d5c-8a8e-51d1c0de0002';

function decideFor(desired: DesiredLoadBalancer, observed: Observed) {
  const input: DecisionInput = {
    service: SERVICE,
    owner: anOwner(CLUSTER),
    intent: { kind: 'ensure', desired, keep: KEEP_NOTHING },
    progress: FRESH_PROGRESS,
    licence: null,
    createMode: 'auto',
    recordedReady: 'True',
    now: 1_000_000,
    stuckChildrenMs: 60_000,
    observation: { kind: 'full', observed },
  };
  return decide(input);
}

describe('plan: flavor and availability zone cannot change', () => {
  it('sends them in the create', () => {
    const desired = desiredLb({ flavorId: FLAVOR_A, availabilityZone: 'az-1' });
    const [create] = planFor(desired, EMPTY).actions;
    if (create?.kind !== 'createLoadBalancer') throw new Error('expected a create');
    const body = buildCreateBody(create.loadBalancer).loadbalancer;
    expect([body.flavor_id, body.availability_zone]).toEqual([FLAVOR_A, 'az-1']);
  });

  it('keeps a load balancer whose flavor or zone differ, with a Warning notice and no write', () => {
    const before = built(desiredLb({ flavorId: FLAVOR_A }));
    const d = decideFor(desiredLb({ flavorId: FLAVOR_B, availabilityZone: 'az-2' }), before);
    expect(d.actions).toEqual([]);
    expect(d.next.kind).toBe('converged');
    const id = onlyLb(before).id;
    expect(d.notices.filter((n) => n.reason === 'KuryrImmutableOption')).toEqual([
      {
        type: 'Warning',
        reason: 'KuryrImmutableOption',
        message: `load balancer ${id} was created with flavor ${FLAVOR_A}, the Service now asks for ${FLAVOR_B}: Octavia cannot change a load balancer's flavor, so it is kept as it is; the new flavor applies when the load balancer is next created (e.g. after the Service is recreated)`,
      },
      {
        type: 'Warning',
        reason: 'KuryrImmutableOption',
        message: `load balancer ${id} was created with no availability zone, the Service now asks for az-2: Octavia cannot change a load balancer's availability zone, so it is kept as it is; the new availability zone applies when the load balancer is next created (e.g. after the Service is recreated)`,
      },
    ]);
  });

  it('says nothing when they match or were not read', () => {
    const desired = desiredLb({ flavorId: FLAVOR_A });
    expect(decideFor(desired, built(desired)).notices.filter((n) => n.type === 'Warning')).toEqual([]);
    const unread = withLb(built(desired), (lb) => {
      const rest = { ...lb };
      delete rest.flavorId;
      delete rest.availabilityZone;
      return rest;
    });
    expect(decideFor(desiredLb(), unread).notices.filter((n) => n.type === 'Warning')).toEqual([]);
  });
});

describe('plan: the VIP port security groups (enforce_sg_rules = false)', () => {
  const open = desiredLb({ vipSecurityGroupIds: [] });
  const withGroups = (groups: readonly string[] | undefined) =>
    withLb(built(open), (lb) => {
      const rest = { ...lb };
      delete rest.vipSecurityGroupIds;
      return groups === undefined ? rest : { ...rest, vipSecurityGroupIds: groups };
    });

  it('empties them once the load balancer is ACTIVE, as kuryr did, then leaves them', () => {
    const before = withGroups(['sg-lb-octavia']);
    const { actions } = planFor(open, before);
    const port = onlyLb(before).vipPortId ?? 'none';
    expect(summary(actions)).toEqual([`setVipSecurityGroups ${port} []`]);
    expect(planFor(open, apply(before, actions)).actions).toEqual([]);
  });

  it('waits while the load balancer is not ACTIVE, and writes nothing when they were not read', () => {
    const pending = withLb(withGroups(['sg-lb-octavia']), (lb) => ({
      ...lb,
      provisioningStatus: 'PENDING_UPDATE',
    }));
    expect(planFor(open, pending).actions).toEqual([]);
    expect(planFor(open, withGroups(undefined)).actions).toEqual([]);
  });

  it('never touches them under enforce_sg_rules = true (the desired state names none)', () => {
    expect(planFor(desiredLb(), withGroups(['sg-lb-octavia'])).actions).toEqual([]);
  });
});
