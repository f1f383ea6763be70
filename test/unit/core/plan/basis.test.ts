/**
 * The created basis (src/core/plan/basis.ts, docs/adr/0020): when a creating pass may leave
 * it, when the status tree lets it stand for a full observation, and which decisions taken
 * on it may be carried out.
 */
import { describe, expect, it } from 'vitest';
import type { Observed, ObservedLoadBalancer, ProvisioningStatus } from '../../../../src/core/model.js';
import type { Action } from '../../../../src/core/plan/actions.js';
import {
  basisHead,
  basisOf,
  observedOnBasis,
  usableOnBasis,
  type CreatedBasis,
  type StatusTreeView,
} from '../../../../src/core/plan/basis.js';
import { decide } from '../../../../src/core/plan/decide.js';
import { FRESH_PROGRESS, type Decision, type DecisionInput } from '../../../../src/core/plan/decision.js';
import { KEEP_NOTHING } from '../../../../src/core/plan/floating-ips.js';
import { settle } from '../../../../src/core/plan/settle.js';
import { anOwner } from '../../../support/builders.js';
import { built, CLUSTER, desiredLb, EMPTY, EXT_NET, fip, onlyLb, SERVICE } from './fixtures.js';

const desired = desiredLb();
const withPool = desiredLb({ floatingIp: { method: 'pool', networkId: EXT_NET } });
/** The tree as a fully-populated POST answers it: every object PENDING_CREATE, no version. */
function answered(d = desired): ObservedLoadBalancer {
  const lb = onlyLb(built(d));
  const pending = 'PENDING_CREATE' as const;
  // The answer carries no version (`updated_at` is null until the first write).
  const rest = Object.fromEntries(Object.entries(lb).filter(([key]) => key !== 'version')) as Omit<
    ObservedLoadBalancer,
    'version'
  >;
  return {
    ...rest,
    provisioningStatus: pending,
    listeners: lb.listeners.map((l) => ({ ...l, provisioningStatus: pending })),
    pools: lb.pools.map((p) => ({
      ...p,
      provisioningStatus: pending,
      members: p.members.map((m) => ({ ...m, provisioningStatus: pending })),
    })),
  };
}

/** Octavia's status tree of `lb`, every node `status` unless `over` says otherwise. */
function statusOf(
  lb: ObservedLoadBalancer,
  status: ProvisioningStatus,
  over: { readonly listener?: ProvisioningStatus; readonly monitor?: string } = {},
): StatusTreeView {
  return {
    id: lb.id,
    provisioningStatus: status,
    operatingStatus: 'ONLINE',
    listeners: lb.listeners.map((l) => ({
      id: l.id,
      provisioningStatus: over.listener ?? status,
      pools: lb.pools
        .filter((p) => p.listenerId === l.id)
        .map((p) => ({
          id: p.id,
          provisioningStatus: status,
          members: p.members.map((m) => ({ id: m.id, provisioningStatus: status })),
          healthMonitor: over.monitor === undefined ? null : { id: over.monitor, provisioningStatus: status },
        })),
    })),
  };
}

const create: Action = { kind: 'createLoadBalancer', loadBalancer: desired };
const createFip: Action = {
  kind: 'createFloatingIp',
  networkId: EXT_NET,
  port: { kind: 'createdLoadBalancer' },
  description: 'kuryr-services: default/web',
  tags: [],
};

function run(over: Partial<Parameters<typeof basisOf>[1]> = {}): Parameters<typeof basisOf>[1] {
  return { done: [create], deferred: [], conflict: false, createdTree: answered(), ...over };
}

describe('basisOf: only a first create on a clean slate leaves a basis', () => {
  it('a create on nothing: the answered tree, no floating IP', () => {
    const basis = basisOf(EMPTY, run());
    expect(basis?.loadBalancer).toEqual(answered());
    expect(basis?.floatingIps).toEqual([]);
  });

  it('with the Pool floating IP created on the new VIP port: it is in the basis', () => {
    const tree = answered(withPool);
    const made = fip({ id: 'fip-1', portId: tree.vipPortId });
    const basis = basisOf(
      EMPTY,
      run({ done: [create, createFip], createdTree: tree, createdFloatingIps: [made] }),
    );
    expect(basis?.floatingIps).toEqual([made]);
  });

  const refused: [string, Observed, Partial<Parameters<typeof basisOf>[1]>][] = [
    [
      'the observation held a floating IP of the Service',
      { ...EMPTY, floatingIps: [fip({ id: 'old' })] },
      {},
    ],
    ['the observation held a load balancer', built(desired), {}],
    ['a user floating IP was looked up', { ...EMPTY, userFloatingIp: null }, {}],
    ['the answer did not hold the whole tree', EMPTY, { createdTree: null }],
    ['an action was deferred', EMPTY, { deferred: [createFip] }],
    ['Octavia answered 409', EMPTY, { conflict: true }],
    [
      'the pass also deleted a floating IP',
      EMPTY,
      { done: [create, { kind: 'deleteFloatingIp', floatingIpId: 'x' }] },
    ],
    ['a floating IP create did not answer', EMPTY, { done: [create, createFip], createdFloatingIps: [] }],
    [
      'the floating IP answered is on another port',
      EMPTY,
      { done: [create, createFip], createdFloatingIps: [fip({ id: 'f', portId: 'other-port' })] },
    ],
  ];
  it.each(refused)('none when %s', (_why, observed, over) => {
    expect(basisOf(observed, run(over))).toBeNull();
  });
});

describe('observedOnBasis: the status tree must name exactly the answered ids', () => {
  const basis: CreatedBasis = { loadBalancer: answered(), floatingIps: [] };
  const lb = basis.loadBalancer;
  const head = {
    id: lb.id,
    name: lb.name,
    tags: lb.tags,
    provisioningStatus: 'ACTIVE' as const,
    version: 'v7',
  };

  it('the same ids: the answered tree with the tree statuses and the head version', () => {
    const observed = observedOnBasis(basis, head, statusOf(lb, 'ACTIVE'));
    const seen = observed === null ? null : onlyLb(observed);
    expect(seen?.provisioningStatus).toBe('ACTIVE');
    expect(seen?.version).toBe('v7');
    expect(seen?.listeners.every((l) => l.provisioningStatus === 'ACTIVE')).toBe(true);
    expect(seen?.pools.flatMap((p) => p.members).every((m) => m.provisioningStatus === 'ACTIVE')).toBe(true);
    // Everything but statuses and version is the answer's.
    expect(seen).toEqual({ ...onlyLb(built(desired)), operatingStatus: 'ONLINE', version: 'v7' });
  });

  it('a decision on it converges with no action, as on the full observation', () => {
    const observed = observedOnBasis(basis, head, statusOf(lb, 'ACTIVE'));
    const d = decide(inputOn(observed ?? EMPTY));
    expect(d.actions).toEqual([]);
    expect(d.next.kind).toBe('converged');
    expect(usableOnBasis(d)).toBe(true);
  });

  it('a child still PENDING_CREATE under the ACTIVE load balancer is seen (the stuck-children case)', () => {
    const observed = observedOnBasis(basis, head, statusOf(lb, 'ACTIVE', { listener: 'PENDING_CREATE' }));
    const d = decide(inputOn(observed ?? EMPTY));
    expect(d.next.kind).toBe('wait');
    expect(d.record?.ready.reason).toBe('Pending');
  });

  it('none when a member id differs, a listener is missing, a monitor appeared, or it is another load balancer', () => {
    const tree = statusOf(lb, 'ACTIVE');
    const otherMember: StatusTreeView = {
      ...tree,
      listeners: tree.listeners.map((l) => ({
        ...l,
        pools: l.pools.map((p) => ({ ...p, members: p.members.map((m) => ({ ...m, id: `${m.id}-x` })) })),
      })),
    };
    expect(observedOnBasis(basis, head, otherMember)).toBeNull();
    expect(observedOnBasis(basis, head, { ...tree, listeners: tree.listeners.slice(1) })).toBeNull();
    // Zed's fully-populated answer omits the monitor it made: the status tree shows it.
    expect(observedOnBasis(basis, head, statusOf(lb, 'ACTIVE', { monitor: 'hm-1' }))).toBeNull();
    expect(observedOnBasis(basis, { ...head, id: 'other' }, tree)).toBeNull();
    expect(observedOnBasis(basis, head, { ...tree, id: 'other' })).toBeNull();
  });

  it('basisHead: only the one licensed load balancer, ACTIVE', () => {
    expect(basisHead(basis, [{ head }])).toBe(head);
    expect(basisHead(basis, [{ head: { ...head, provisioningStatus: 'PENDING_UPDATE' } }])).toBeNull();
    expect(basisHead(basis, [{ head: null }])).toBeNull();
    expect(basisHead(undefined, [{ head }])).toBeNull();
    expect(basisHead(basis, [{ head }, { head }])).toBeNull();
  });
});

function inputOn(observed: Observed): DecisionInput {
  return {
    service: SERVICE,
    owner: anOwner(CLUSTER),
    intent: { kind: 'ensure', desired, keep: KEEP_NOTHING },
    progress: FRESH_PROGRESS,
    licence: null,
    createMode: 'auto',
    recordedReady: null,
    now: 1_000_000,
    stuckChildrenMs: 60_000,
    observation: { kind: 'full', observed },
  };
}

describe('usableOnBasis: nothing deleted, detached or written to Neutron', () => {
  const decision = (
    actions: Action[],
    next: Decision['next'] = { kind: 'verify', reason: '', licence: null },
  ) => ({ actions, next, record: null, ingress: null, progress: FRESH_PROGRESS, notices: [] }) as Decision;
  it('member writes on the kept load balancer may be carried out', () => {
    const replace: Action = { kind: 'replaceMembers', loadBalancerId: 'lb', poolId: 'p', members: [] };
    expect(usableOnBasis(decision([replace]))).toBe(true);
    expect(usableOnBasis(decision([], { kind: 'converged' }))).toBe(true);
  });
  it('deletes, Neutron writes, another create or a blocked decision may not', () => {
    expect(usableOnBasis(decision([{ kind: 'deleteFloatingIp', floatingIpId: 'f' }]))).toBe(false);
    expect(usableOnBasis(decision([createFip]))).toBe(false);
    expect(usableOnBasis(decision([{ kind: 'deletePool', loadBalancerId: 'lb', poolId: 'p' }]))).toBe(false);
    expect(usableOnBasis(decision([create]))).toBe(false);
    expect(usableOnBasis(decision([], { kind: 'blocked', reason: 'x' }))).toBe(false);
  });
});

describe('settle: the creating licence carries the basis', () => {
  /** A create decided on nothing, and the report of its run (the tree answered). */
  function created() {
    const decision = decide(inputOn(EMPTY));
    const tree = answered();
    const report = {
      done: decision.actions,
      deferred: [],
      conflict: false,
      createdLoadBalancerId: tree.id,
      createdTree: tree,
    };
    return { decision, tree, report };
  }
  it('bound to the id the create answered, with the basis, when the slate was clean', () => {
    const { decision, tree, report } = created();
    const next = settle(decision, report, EMPTY).next;
    const licence = next.kind === 'verify' ? next.licence : null;
    expect(licence?.loadBalancerIds).toEqual([tree.id]);
    expect(licence?.basis?.loadBalancer).toEqual(tree);
  });
  it('without a basis when the decision was not taken on a full observation', () => {
    const { decision, report } = created();
    const next = settle(decision, report).next;
    expect(next.kind === 'verify' ? next.licence?.basis : 'none').toBeUndefined();
  });
});
