/** Property tests of `plan` and `apply` over random desired LBs and mutated observed trees. */
import { anOwner } from '../../../support/builders.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Action, isOctaviaWrite } from '../../../../src/core/plan/actions.js';
import { apply } from '../../../support/plan-oracle/apply.js';
import type { DesiredLoadBalancer, Observed, ObservedLoadBalancer } from '../../../../src/core/model.js';
import { isOwnedForService } from '../../../../src/core/ownership.js';
import { plan } from '../../../../src/core/plan/plan.js';
import { foreignBatchMember } from '../../../../src/core/plan/members.js';
import {
  arbDesired,
  arbObservedForeignOnly,
  arbScenario,
  CLUSTER,
  SERVICE,
  type Scenario,
} from '../../../support/arbitraries-core.js';

const RUNS = { numRuns: 1000 };
/** 1000 runs of a property take seconds on the shared 2-core machine. */
const TIMEOUT = 120_000;

function planOf(desired: DesiredLoadBalancer | null, observed: Observed) {
  const { actions, wait } = plan({ service: SERVICE, owner: anOwner(CLUSTER), desired, observed });
  return { actions, wait };
}

const owned = (tags: readonly string[]) => isOwnedForService(tags, anOwner(CLUSTER), SERVICE);

/** Every array of the tree in reverse order: the same state, listed differently. */
function reversed(observed: Observed): Observed {
  const lb = (l: ObservedLoadBalancer): ObservedLoadBalancer => ({
    ...l,
    listeners: [...l.listeners].reverse(),
    pools: [...l.pools].reverse().map((p) => ({ ...p, members: [...p.members].reverse() })),
  });
  return {
    ...observed,
    loadBalancers: [...observed.loadBalancers].reverse().map(lb),
    floatingIps: [...observed.floatingIps].reverse(),
  };
}

/** Why `action` touches something not provably ours, or null. */
function trespass(action: Action, { desired, observed }: Scenario): string | null {
  const lbs = observed.loadBalancers;
  const lbOf = (id: string) => lbs.find((lb) => lb.id === id);
  const fips = [...observed.floatingIps, ...(observed.userFloatingIp ? [observed.userFloatingIp] : [])];
  const fipOf = (id: string) => fips.find((f) => f.id === id);
  const ourPorts = new Set(lbs.filter((lb) => owned(lb.tags)).map((lb) => lb.vipPortId));
  switch (action.kind) {
    case 'createLoadBalancer':
    case 'createFloatingIp':
      return null;
    case 'deleteFloatingIp':
      return owned(fipOf(action.floatingIpId)?.tags ?? []) ? null : 'deletes a floating IP not ours';
    case 'tagFloatingIp':
      return owned(fipOf(action.floatingIpId)?.tags ?? []) ? null : 'tags a floating IP not ours';
    case 'disownFloatingIp':
      return owned(fipOf(action.floatingIpId)?.tags ?? []) ? null : 'disowns a floating IP not ours';
    case 'disassociateFloatingIp': {
      const fip = fipOf(action.floatingIpId);
      return fip && (owned(fip.tags) || ourPorts.has(fip.portId))
        ? null
        : 'disassociates a floating IP off our ports';
    }
    case 'associateFloatingIp': {
      const fip = fipOf(action.floatingIpId);
      if (fip && owned(fip.tags)) return null;
      const isUser = desired?.floatingIp?.method === 'user' && fip?.id === observed.userFloatingIp?.id;
      return isUser && (fip?.portId === null || ourPorts.has(fip?.portId ?? null))
        ? null
        : 'steals a floating IP';
    }
    case 'setVipSecurityGroups':
      return lbs.some((lb) => owned(lb.tags) && lb.vipPortId === action.portId)
        ? null
        : 'sets the security groups of a port that is no VIP of ours';
    default: {
      const lb = lbOf(action.loadBalancerId);
      if (lb === undefined || !owned(lb.tags)) return `${action.kind} on a load balancer not ours`;
      return trespassInside(action, lb);
    }
  }
}

function trespassInside(action: Action, lb: ObservedLoadBalancer): string | null {
  const listener = (id: string) => lb.listeners.find((l) => l.id === id);
  const pool = (id: string) => lb.pools.find((p) => p.id === id);
  switch (action.kind) {
    case 'updateListener':
    case 'deleteListener':
    case 'createPool':
      return owned(listener(action.listenerId)?.tags ?? []) ? null : `${action.kind} on a listener not ours`;
    case 'updatePool':
    case 'deletePool':
      return owned(pool(action.poolId)?.tags ?? []) ? null : `${action.kind} on a pool not ours`;
    case 'createHealthMonitor':
      return owned(pool(action.poolId)?.tags ?? []) ? null : 'creates a monitor on a pool not ours';
    case 'updateHealthMonitor':
    case 'deleteHealthMonitor': {
      const monitor = lb.pools.find((p) => p.healthMonitor?.id === action.healthMonitorId)?.healthMonitor;
      return owned(monitor?.tags ?? []) ? null : `${action.kind} on a monitor not ours`;
    }
    case 'replaceMembers': {
      const target = pool(action.poolId);
      if (!target || !owned(target.tags)) return 'replaceMembers on a pool not ours';
      const foreign = target.members
        .filter((m) => !owned(m.tags))
        .map((m) => JSON.stringify(foreignBatchMember(m)));
      const sent = action.members.filter((m) => 'foreign' in m).map((m) => JSON.stringify(m));
      return sameSet(sent, foreign) ? null : 'drops or alters a foreign member';
    }
    default:
      return null;
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
}

/** Rank of each action in the required order; a plan's ranks never decrease. */
const RANK: Readonly<Record<Action['kind'], number>> = {
  disassociateFloatingIp: 0,
  disownFloatingIp: 0,
  deleteFloatingIp: 0,
  deleteLoadBalancer: 1,
  createLoadBalancer: 2,
  deletePool: 3,
  deleteListener: 3,
  createListener: 4,
  createPool: 4,
  updateListener: 5,
  updatePool: 5,
  replaceMembers: 6,
  deleteHealthMonitor: 6.5,
  createHealthMonitor: 6.5,
  updateHealthMonitor: 6.5,
  setVipSecurityGroups: 6.8,
  // Adoption only (never in an ordinary plan): the last write of its own plan.
  tagLoadBalancer: 8,
  createFloatingIp: 7,
  tagFloatingIp: 7,
  associateFloatingIp: 7,
};

describe('plan properties', () => {
  it(
    'is idempotent: after applying a plan without wait, the next plan is empty',
    () => {
      fc.assert(
        fc.property(arbScenario, ({ desired, observed }) => {
          const first = planOf(desired, observed);
          fc.pre(first.wait === null);
          expect(planOf(desired, apply(observed, first.actions))).toEqual({ actions: [], wait: null });
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    'never acts on an object lacking our ownership tags (user floating IPs only moved off or onto our ports)',
    () => {
      fc.assert(
        fc.property(arbScenario, (scenario) => {
          const problems = planOf(scenario.desired, scenario.observed).actions.flatMap((a) => {
            const why = trespass(a, scenario);
            return why === null ? [] : [`${a.kind}: ${why}`];
          });
          expect(problems).toEqual([]);
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    'from nothing (only others’ objects), exactly one Octavia write: the load balancer create',
    () => {
      fc.assert(
        fc.property(arbDesired, arbObservedForeignOnly, (desired, observed) => {
          const result = planOf(desired, observed);
          expect(result.actions.filter(isOctaviaWrite)).toEqual([
            { kind: 'createLoadBalancer', loadBalancer: desired },
          ]);
          expect(result.wait).toBeNull();
          expect(planOf(null, observed)).toEqual({ actions: [], wait: null });
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    'emits at most one replaceMembers per pool',
    () => {
      fc.assert(
        fc.property(arbScenario, ({ desired, observed }) => {
          const pools = planOf(desired, observed).actions.flatMap((a) =>
            a.kind === 'replaceMembers' ? [a.poolId] : [],
          );
          expect(new Set(pools).size).toBe(pools.length);
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    'is deterministic, whatever order OpenStack lists things in',
    () => {
      fc.assert(
        fc.property(arbScenario, ({ desired, observed }) => {
          const result = planOf(desired, observed);
          expect(planOf(desired, structuredClone(observed))).toEqual(result);
          expect(planOf(desired, reversed(observed))).toEqual(result);
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    'orders actions: releases, LB deletes, LB create, child deletes, creates, updates, members, monitors, VIP port, attaches',
    () => {
      fc.assert(
        fc.property(arbScenario, ({ desired, observed }) => {
          const ranks = planOf(desired, observed).actions.map((a) => RANK[a.kind]);
          expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    'never names an object twice for deletion, and apply accepts every plan',
    () => {
      fc.assert(
        fc.property(arbScenario, ({ desired, observed }) => {
          const actions = planOf(desired, observed).actions;
          const deleted = actions.flatMap((a) =>
            a.kind === 'deleteLoadBalancer'
              ? [a.loadBalancerId]
              : a.kind === 'deletePool'
                ? [a.poolId]
                : a.kind === 'deleteListener'
                  ? [a.listenerId]
                  : a.kind === 'deleteFloatingIp'
                    ? [a.floatingIpId]
                    : [],
          );
          expect(new Set(deleted).size).toBe(deleted.length);
          expect(() => apply(observed, actions)).not.toThrow();
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    'converges: after a plan without wait, the Service has exactly what it wants',
    () => {
      fc.assert(
        fc.property(arbScenario, ({ desired, observed }) => {
          const first = planOf(desired, observed);
          fc.pre(first.wait === null && desired !== null);
          const after = apply(observed, first.actions);
          expect(convergenceProblems(desired, after)).toEqual([]);
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    'releases everything: after a plan for nothing without wait, nothing of ours remains',
    () => {
      fc.assert(
        fc.property(arbScenario, ({ observed }) => {
          const first = planOf(null, observed);
          fc.pre(first.wait === null);
          const after = apply(observed, first.actions);
          const lbs = after.loadBalancers.filter((lb) => owned(lb.tags));
          expect(
            lbs.every(
              (lb) => lb.provisioningStatus === 'PENDING_DELETE' || lb.provisioningStatus === 'DELETED',
            ),
          ).toBe(true);
          expect(after.floatingIps.filter((f) => owned(f.tags))).toEqual([]);
          const ports = new Set(lbs.map((lb) => lb.vipPortId));
          expect(after.floatingIps.filter((f) => f.portId !== null && ports.has(f.portId))).toEqual([]);
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );
});

/** What `after` lacks of `desired` (slots held by objects not ours excepted). */
function convergenceProblems(desired: DesiredLoadBalancer, after: Observed): string[] {
  const live = after.loadBalancers.filter(
    (lb) =>
      owned(lb.tags) && lb.provisioningStatus !== 'PENDING_DELETE' && lb.provisioningStatus !== 'DELETED',
  );
  const [lb, ...extra] = live;
  if (lb === undefined || extra.length > 0) return [`${live.length} live load balancers`];
  const problems: string[] = [];
  if (lb.vipAddress !== desired.vipAddress) problems.push('VIP differs');
  for (const wanted of desired.listeners) {
    const same = lb.listeners.filter(
      (l) => l.protocol === wanted.protocol && l.protocolPort === wanted.protocolPort,
    );
    const blocked = same.some((l) => !owned(l.tags) || l.provisioningStatus === 'PENDING_DELETE');
    if (!blocked && !same.some((l) => owned(l.tags) && l.provisioningStatus !== 'ERROR')) {
      problems.push(`listener ${wanted.protocol}:${wanted.protocolPort} missing`);
    }
  }
  problems.push(...monitorProblems(desired, lb));
  if (desired.vipSecurityGroupIds !== undefined && lb.vipSecurityGroupIds !== undefined) {
    const same = sameSet([...desired.vipSecurityGroupIds], [...lb.vipSecurityGroupIds]);
    if (!same && lb.provisioningStatus === 'ACTIVE') problems.push('VIP port security groups differ');
  }
  const intent = desired.floatingIp;
  const onPort = after.floatingIps.filter((f) => f.portId === lb.vipPortId);
  if (intent?.method === 'pool' && !onPort.some((f) => owned(f.tags) && f.networkId === intent.networkId)) {
    problems.push('no pool floating IP on the VIP port');
  }
  if (intent === null && onPort.length > 0) problems.push('a floating IP on the VIP port of a ClusterIP');
  return problems;
}

/** Pools of ours whose monitor is not the wanted one (a foreign or dying monitor excepted). */
function monitorProblems(desired: DesiredLoadBalancer, lb: ObservedLoadBalancer): string[] {
  return desired.listeners.flatMap((wanted) => {
    const listener = lb.listeners.find(
      (l) =>
        owned(l.tags) &&
        l.provisioningStatus !== 'PENDING_DELETE' &&
        l.protocol === wanted.protocol &&
        l.protocolPort === wanted.protocolPort,
    );
    const pool = lb.pools.find((p) => p.id === listener?.defaultPoolId);
    if (pool === undefined || !owned(pool.tags) || pool.provisioningStatus !== 'ACTIVE') return [];
    const seen = pool.healthMonitor;
    if (seen !== undefined && (!owned(seen.tags) || seen.provisioningStatus === 'PENDING_DELETE')) return [];
    const want = wanted.pool.healthMonitor;
    const fields = (h: typeof want | typeof seen) =>
      h === undefined
        ? 'none'
        : JSON.stringify([h.type, h.delay, h.timeout, h.maxRetries, h.maxRetriesDown ?? 3]);
    return fields(seen) === fields(want)
      ? []
      : [`monitor of ${wanted.name}: ${fields(seen)} ≠ ${fields(want)}`];
  });
}
