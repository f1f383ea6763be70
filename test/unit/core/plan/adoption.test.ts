/**
 * Adoption of kuryr-kubernetes's load balancers (src/core/plan/adoption.ts) through decide():
 * a tree made as kuryr makes it (kuryr's names, resource_tags only, an untagged Pool floating
 * IP on the VIP port) is taken over pass after pass with every id and address kept, and
 * whatever fails the proof is never written.
 */
import { describe, expect, it } from 'vitest';
import type { Action } from '../../../../src/core/plan/actions.js';
import { isOctaviaWrite } from '../../../../src/core/plan/actions.js';
import type { Observed, ObservedLoadBalancer } from '../../../../src/core/model.js';
import { NO_EVIDENCE, type KuryrEvidence } from '../../../../src/core/plan/adoption.js';
import { decide } from '../../../../src/core/plan/decide.js';
import {
  FRESH_PROGRESS,
  type Decision,
  type DecisionInput,
  type Intent,
} from '../../../../src/core/plan/decision.js';
import { KEEP_NOTHING } from '../../../../src/core/plan/floating-ips.js';
import { isOwnershipTag, ownershipTags } from '../../../../src/core/ownership.js';
import { apply } from '../../../support/plan-oracle/apply.js';
import { anOwner } from '../../../support/builders.js';
import { built, CLUSTER, desiredLb, EXT_NET, onlyLb, SERVICE, summary, withLb } from './fixtures.js';

const RESOURCE_TAGS = ['kuryr-rt'];
const owner = anOwner(CLUSTER);
const desired = desiredLb({
  floatingIp: { method: 'pool', networkId: EXT_NET },
  tags: ownershipTags(owner, SERVICE, RESOURCE_TAGS),
});
const ensure: Intent = { kind: 'ensure', desired, keep: KEEP_NOTHING };
const release: Intent = { kind: 'release', keep: KEEP_NOTHING };

/** What kuryr leaves: the same tree, resource_tags only, its own member names, an untagged FIP. */
function kuryrs(observed: Observed): Observed {
  const strip = (tags: readonly string[]): string[] => [
    ...tags.filter((t) => !isOwnershipTag(t) && !RESOURCE_TAGS.includes(t)),
    ...RESOURCE_TAGS,
  ];
  return {
    loadBalancers: observed.loadBalancers.map((lb) => ({
      ...lb,
      description: '',
      tags: strip(lb.tags),
      listeners: lb.listeners.map((l) => ({ ...l, tags: strip(l.tags) })),
      pools: lb.pools.map((p) => ({
        ...p,
        tags: strip(p.tags),
        members: p.members.map((m) => ({ ...m, name: `kuryr-${m.address}`, tags: strip(m.tags) })),
      })),
    })),
    floatingIps: observed.floatingIps.map((f) => ({ ...f, tags: [], description: 'kuryr_lb' })),
  };
}

const kuryrTree = kuryrs(built(desired));
const kuryrLb = onlyLb(kuryrTree);
const kuryrFip =
  kuryrTree.floatingIps[0] ??
  (() => {
    throw new Error('no floating IP');
  })();

const evidence: KuryrEvidence = {
  loadBalancerId: kuryrLb.id,
  floatingIp: { id: kuryrFip.id, address: kuryrFip.address, allocMethod: 'pool' },
  resourceTags: RESOURCE_TAGS,
  vip: { address: desired.vipAddress, subnetId: desired.vipSubnetId },
  serviceDeleted: false,
};

function input(observed: Observed, over: Partial<DecisionInput> = {}): DecisionInput {
  return {
    service: SERVICE,
    owner,
    intent: ensure,
    observation: { kind: 'full', observed },
    progress: FRESH_PROGRESS,
    licence: null,
    createMode: 'auto',
    recordedReady: null,
    now: 1_000_000,
    stuckChildrenMs: 60_000,
    kuryr: evidence,
    ...over,
  };
}

/** What the executor runs of a plan: the first Octavia write per load balancer, every Neutron write. */
function executed(actions: readonly Action[]): Action[] {
  let octavia = false;
  return actions.filter((a) => {
    if (!isOctaviaWrite(a)) return true;
    if (octavia) return false;
    octavia = true;
    return true;
  });
}

interface Run {
  readonly decisions: Decision[];
  readonly sent: Action[];
  readonly states: Observed[];
  readonly final: Observed;
}

function run(start: Observed, over: Partial<DecisionInput> = {}, passes = 20): Run {
  let observed = start;
  const decisions: Decision[] = [];
  const sent: Action[] = [];
  const states: Observed[] = [];
  for (let i = 0; i < passes; i++) {
    states.push(observed);
    const d = decide(input(observed, over));
    decisions.push(d);
    if (d.next.kind === 'converged' || d.next.kind === 'released' || d.next.kind === 'blocked') break;
    const ran = executed(d.actions);
    sent.push(...ran);
    observed = apply(observed, ran);
  }
  return { decisions, sent, states, final: observed };
}

describe('adoption of a kuryr load balancer', () => {
  it('takes the tree over with no create, no delete, every id and the address kept; the load balancer is tagged last', () => {
    const r = run(kuryrTree);
    const last = r.decisions.at(-1);
    expect(last?.next).toEqual({ kind: 'converged' });
    expect(last?.record?.ready).toMatchObject({ status: 'True' });
    expect(last?.ingress).toEqual([kuryrFip.address]);
    const kinds = new Set(r.sent.map((a) => a.kind));
    for (const k of [
      'createLoadBalancer',
      'deleteLoadBalancer',
      'createListener',
      'deleteListener',
    ] as const) {
      expect(kinds.has(k)).toBe(false);
    }
    for (const k of ['createPool', 'deletePool', 'createFloatingIp', 'deleteFloatingIp'] as const) {
      expect(kinds.has(k)).toBe(false);
    }
    expect(kinds.has('disassociateFloatingIp')).toBe(false);
    const lb = onlyLb(r.final);
    expect(lb.id).toBe(kuryrLb.id);
    expect(lb.listeners.map((l) => l.id).sort()).toEqual(kuryrLb.listeners.map((l) => l.id).sort());
    expect(lb.pools.map((p) => p.id).sort()).toEqual(kuryrLb.pools.map((p) => p.id).sort());
    const memberIds = (x: ObservedLoadBalancer): string[] =>
      x.pools.flatMap((p) => p.members.map((m) => m.id)).sort();
    expect(memberIds(lb)).toEqual(memberIds(kuryrLb));
    for (const tags of [
      lb.tags,
      ...lb.listeners.map((l) => l.tags),
      ...lb.pools.map((p) => p.tags),
      ...lb.pools.flatMap((p) => p.members.map((m) => m.tags)),
      ...r.final.floatingIps.map((f) => f.tags),
    ]) {
      expect(tags).toEqual(expect.arrayContaining(ownershipTags(owner, SERVICE)));
    }
    expect(r.final.floatingIps.map((f) => [f.id, f.address, f.portId])).toEqual([
      [kuryrFip.id, kuryrFip.address, kuryrFip.portId],
    ]);
    // The load balancer's own tags are the last adoption write: before it, it is still kuryr's.
    const tagIndex = r.sent.findIndex((a) => a.kind === 'tagLoadBalancer');
    expect(tagIndex).toBeGreaterThan(0);
    const tagPass = r.decisions.findIndex((d) => d.actions.some((a) => a.kind === 'tagLoadBalancer'));
    const before = onlyLb(r.states[tagPass] ?? fail());
    const owned = (tags: readonly string[]): boolean => tags.includes(ownershipTags(owner, SERVICE)[1] ?? '');
    expect(owned(before.tags)).toBe(false);
    expect(before.listeners.every((l) => owned(l.tags))).toBe(true);
    expect(before.pools.every((p) => owned(p.tags) && p.members.every((m) => owned(m.tags)))).toBe(true);
    expect(r.decisions.flatMap((d) => d.notices.map((n) => n.reason))).toContain('KuryrAdoptedLB');
  });

  it('a crash after any pass resumes from the same evidence and still creates nothing', () => {
    const whole = run(kuryrTree);
    for (const state of whole.states) {
      const resumed = run(state);
      expect(resumed.decisions.at(-1)?.next.kind).toBe('converged');
      expect(resumed.sent.some((a) => a.kind === 'createLoadBalancer' || a.kind === 'createFloatingIp')).toBe(
        false,
      );
      expect(onlyLb(resumed.final).id).toBe(kuryrLb.id);
    }
  });

  it('members kuryr still has for gone endpoints are replaced in the batch that tags the rest', () => {
    const stale = withLb(kuryrTree, (lb) => ({
      ...lb,
      pools: lb.pools.map((p, i) =>
        i === 0
          ? {
              ...p,
              members: [
                ...p.members,
                { ...(p.members[0] ?? fail()), id: 'old-member', address: '10.0.0.99' },
              ],
            }
          : p,
      ),
    }));
    const r = run(stale);
    expect(r.decisions.at(-1)?.next.kind).toBe('converged');
    const addresses = onlyLb(r.final).pools.flatMap((p) => p.members.map((m) => m.address));
    expect(addresses).not.toContain('10.0.0.99');
    expect(r.sent.some((a) => a.kind === 'createLoadBalancer')).toBe(false);
  });

  it('is proven by resource_tags alone when the record names no id', () => {
    const r = run(kuryrTree, { kuryr: { ...evidence, loadBalancerId: null } });
    expect(r.decisions.at(-1)?.next.kind).toBe('converged');
    expect(onlyLb(r.final).id).toBe(kuryrLb.id);
  });

  it("waits while kuryr's load balancer is busy, writing nothing", () => {
    const busy = withLb(kuryrTree, (lb) => ({ ...lb, provisioningStatus: 'PENDING_UPDATE' }));
    const d = decide(input(busy));
    expect(d.actions).toEqual([]);
    expect(d.next.kind).toBe('wait');
    expect(d.record?.ready.reason).toBe('Adopting');
  });
});

function fail(): never {
  throw new Error('fixture');
}

describe('adoption refused: nothing is written, the owner is told why', () => {
  const cases: [string, Observed, KuryrEvidence, RegExp][] = [
    [
      'no evidence (no recorded id, no resource_tags)',
      kuryrTree,
      { ...evidence, loadBalancerId: null, resourceTags: ['other-tag'] },
      /does not name it and kuryr's resource_tags are not on it/,
    ],
    [
      'another name',
      withLb(kuryrTree, (lb) => ({ ...lb, name: 'default/other' })),
      evidence,
      /its name "default\/other" is not "default\/web"/,
    ],
    [
      'another VIP',
      withLb(kuryrTree, (lb) => ({ ...lb, vipAddress: '10.2.0.77' })),
      evidence,
      /VIP changed 10\.2\.0\.77/,
    ],
    ['in ERROR', withLb(kuryrTree, (lb) => ({ ...lb, provisioningStatus: 'ERROR' })), evidence, /in ERROR/],
    [
      'another provider',
      withLb(kuryrTree, (lb) => ({ ...lb, provider: 'ovn' })),
      evidence,
      /provider changed/,
    ],
    [
      "another cluster's tags on a child",
      withLb(kuryrTree, (lb) => ({
        ...lb,
        listeners: lb.listeners.map((l, i) =>
          i === 0 ? { ...l, tags: ownershipTags(anOwner('other-cluster'), SERVICE) } : l,
        ),
      })),
      evidence,
      /another cluster's tags are on listener/,
    ],
  ];
  it.each(cases)('%s', (_name, observed, kuryr, why) => {
    const d = decide(input(observed, { kuryr }));
    expect(d.actions).toEqual([]);
    expect(d.next.kind).toBe('blocked');
    expect(d.record?.ready).toMatchObject({ status: 'False', reason: 'AdoptionRefused' });
    expect(d.record?.ready.message).toMatch(why);
    expect(d.notices).toEqual([expect.objectContaining({ type: 'Warning', reason: 'KuryrAdoptionRefused' })]);
  });

  it('two candidates and none named by the record: refused', () => {
    const twin = { ...kuryrLb, id: 'lb-twin' };
    const observed = { ...kuryrTree, loadBalancers: [...kuryrTree.loadBalancers, twin] };
    const d = decide(input(observed, { kuryr: { ...evidence, loadBalancerId: null } }));
    expect(d.actions).toEqual([]);
    expect(d.record?.ready.message).toMatch(/several load balancers/);
  });

  it('without evidence a load balancer named as kuryr names it is refused, not duplicated; none at all: a create', () => {
    const d = decide(input(kuryrTree, { kuryr: NO_EVIDENCE }));
    expect(d.record?.ready.reason).toBe('AdoptionRefused');
    const none = decide(input({ ...kuryrTree, loadBalancers: [] }, { kuryr: NO_EVIDENCE }));
    expect(summary(none.actions)).toEqual([
      'createLoadBalancer default/web',
      'createFloatingIp createdLoadBalancer',
    ]);
  });
});

describe('release of a Service kuryr served', () => {
  it('deleted: its Pool floating IP and its load balancer go (cascade)', () => {
    const d = decide(input(kuryrTree, { intent: release, kuryr: { ...evidence, serviceDeleted: true } }));
    expect(summary(d.actions)).toEqual([
      `deleteFloatingIp ${kuryrFip.id}`,
      `deleteLoadBalancer ${kuryrLb.id}`,
    ]);
  });

  it("deleted with a user's floating IP: only disassociated", () => {
    const kuryr = {
      ...evidence,
      serviceDeleted: true,
      floatingIp: { id: kuryrFip.id, address: kuryrFip.address, allocMethod: 'user' },
    };
    const d = decide(input(kuryrTree, { intent: release, kuryr }));
    expect(summary(d.actions)).toEqual([
      `disassociateFloatingIp ${kuryrFip.id}`,
      `deleteLoadBalancer ${kuryrLb.id}`,
    ]);
  });

  it('deleted but the proof fails: nothing is deleted, the release finishes with a warning', () => {
    const other = withLb(kuryrTree, (lb) => ({ ...lb, vipAddress: '10.2.0.77' }));
    const d = decide(input(other, { intent: release, kuryr: { ...evidence, serviceDeleted: true } }));
    expect(d.actions).toEqual([]);
    expect(d.next.kind).toBe('released');
    expect(d.notices.map((n) => n.reason)).toEqual(['KuryrAdoptionRefused']);
  });

  it("no longer served but not deleted: kuryr's load balancer and the record stay", () => {
    const d = decide(input(kuryrTree, { intent: release }));
    expect(d.actions).toEqual([]);
    expect(d.next.kind).toBe('blocked');
    expect(d.notices.map((n) => n.reason)).toEqual(['KuryrLoadBalancerKept']);
  });
});
