/**
 * decide(): the whole decision of one pass, as tables. Each row gives what the pass wants,
 * what it saw, what the record remembers and the time, and checks the actions, the next
 * step, the record, the ingress, the progress and the events.
 */
import { describe, expect, it } from 'vitest';
import type { ObservedLoadBalancer } from '../../../../src/core/model.js';
import { ownershipTags } from '../../../../src/core/ownership.js';
import { decide } from '../../../../src/core/plan/decide.js';
import {
  FRESH_PROGRESS,
  type DecisionInput,
  type Intent,
  type Licence,
  type Observation,
  type Progress,
} from '../../../../src/core/plan/decision.js';
import { KEEP_NOTHING } from '../../../../src/core/plan/floating-ips.js';
import { fingerprintOf } from '../../../../src/core/plan/licence.js';
import { settle } from '../../../../src/core/plan/settle.js';
import { anOwner } from '../../../support/builders.js';
import {
  built,
  CLUSTER,
  desiredLb,
  EMPTY,
  EXT_NET,
  fip,
  onlyLb,
  OWNED,
  SERVICE,
  summary,
  withLb,
} from './fixtures.js';

const STUCK_MS = 60_000;
const NOW = 1_000_000;
const desired = desiredLb();
const ensure: Intent = { kind: 'ensure', desired, keep: KEEP_NOTHING };
const release: Intent = { kind: 'release', keep: KEEP_NOTHING };

function input(over: Partial<DecisionInput> & { observation: Observation }): DecisionInput {
  return {
    service: SERVICE,
    owner: anOwner(CLUSTER),
    intent: ensure,
    progress: FRESH_PROGRESS,
    licence: null,
    createMode: 'auto',
    recordedReady: null,
    now: NOW,
    stuckChildrenMs: STUCK_MS,
    ...over,
  };
}

const full = (observed = EMPTY): Observation => ({ kind: 'full', observed });
const converged = built(desired);
const lb = onlyLb(converged);
const withStatus = (status: ObservedLoadBalancer['provisioningStatus']) =>
  withLb(converged, (l) => ({ ...l, provisioningStatus: status }));
/** The kept load balancer ACTIVE, its first listener still PENDING_CREATE. */
const pendingChild = withLb(converged, (l) => ({
  ...l,
  listeners: l.listeners.map((x, i) => (i === 0 ? { ...x, provisioningStatus: 'PENDING_CREATE' } : x)),
}));

describe('decide: ensure', () => {
  it('from nothing: one fully-populated create, then verify under a licence not yet bound to an id; the record says Reconciling', () => {
    const d = decide(input({ observation: full() }));
    expect(summary(d.actions)).toEqual(['createLoadBalancer default/web']);
    expect(d.next).toEqual({
      kind: 'verify',
      reason: 'verifying changes',
      // creating: its polls may share one list with other Services' (src/openstack/heads.ts).
      licence: {
        mode: 'ensure',
        fingerprint: expect.any(String) as string,
        loadBalancerIds: [],
        creating: true,
      },
    });
    expect(d.record?.ready).toMatchObject({ status: 'False', reason: 'Reconciling' });
    expect(d.ingress).toBeNull();
    expect(d.progress).toEqual(FRESH_PROGRESS);
  });

  it('the step-by-step path (from progress under auto, or the mode) creates a bare load balancer', () => {
    const stepwise: Progress = { createPath: 'step-by-step', unsettled: null };
    for (const d of [
      decide(input({ observation: full(), progress: stepwise })),
      decide(input({ observation: full(), createMode: 'step-by-step' })),
    ]) {
      const [create] = d.actions;
      expect(create?.kind === 'createLoadBalancer' && create.loadBalancer.listeners).toEqual([]);
    }
    const forced = decide(input({ observation: full(), progress: stepwise, createMode: 'fully-populated' }));
    const [create] = forced.actions;
    expect(create?.kind === 'createLoadBalancer' && create.loadBalancer.listeners.length).toBe(2);
  });

  it('converged: done, Ready=True, ingress from the floating IP, KuryrEnsuredLB only on the transition', () => {
    const first = decide(input({ observation: full(converged) }));
    expect(first.actions).toEqual([]);
    expect(first.next).toEqual({ kind: 'converged' });
    expect(first.record?.ready).toMatchObject({ status: 'True', reason: 'LoadBalancerActive' });
    expect(first.ingress).toEqual([]);
    expect(first.notices.map((n) => n.reason)).toEqual(['KuryrEnsuredLB']);
    const again = decide(input({ observation: full(converged), recordedReady: 'True' }));
    expect(again.notices).toEqual([]);
  });

  it('converged with a Pool floating IP reports it as ingress', () => {
    const withFip = desiredLb({ floatingIp: { method: 'pool', networkId: EXT_NET } });
    const observed = built(withFip);
    const d = decide(
      input({
        intent: { kind: 'ensure', desired: withFip, keep: KEEP_NOTHING },
        observation: full(observed),
      }),
    );
    expect(d.next.kind).toBe('converged');
    expect(d.ingress).toEqual([observed.floatingIps[0]?.address]);
    expect(d.record?.floatingIp?.method).toBe('pool');
  });

  it('an internal Service reports its VIP as ingress and no floating IP', () => {
    const internal = desiredLb({ internal: true });
    const d = decide(
      input({
        intent: { kind: 'ensure', desired: internal, keep: KEEP_NOTHING },
        observation: full(built(internal)),
      }),
    );
    expect(d.ingress).toEqual([lb.vipAddress]);
    expect(d.record?.ready.message).toContain('internal');
  });

  it('a busy kept load balancer: wait on it with a licence for the same desired state', () => {
    const d = decide(input({ observation: full(withStatus('PENDING_UPDATE')) }));
    expect(d.actions).toEqual([]);
    expect(d.next).toEqual({
      kind: 'wait',
      token: `busy:${lb.id}`,
      reason: expect.stringContaining('PENDING_UPDATE') as unknown,
      licence: {
        mode: 'ensure',
        fingerprint: fingerprintOf(desired),
        loadBalancerIds: [lb.id],
        updating: true,
      },
    });
    expect(d.record?.ready).toMatchObject({ status: 'False', reason: 'Pending' });
  });

  it('a user floating IP that does not exist blocks the Service with a Warning', () => {
    const user = desiredLb({ floatingIp: { method: 'user', address: '203.0.113.99' } });
    const d = decide(
      input({
        intent: { kind: 'ensure', desired: user, keep: KEEP_NOTHING },
        observation: full({ ...converged, userFloatingIp: null }),
      }),
    );
    expect(d.next.kind).toBe('blocked');
    expect(d.record?.ready.reason).toBe('FloatingIpUnavailable');
    expect(d.notices.map((n) => `${n.type} ${n.reason}`)).toEqual(['Warning KuryrFloatingIpUnavailable']);
  });

  it('an object with our cluster id but another writer is never touched, and is reported', () => {
    const theirs = ownershipTags({ clusterId: CLUSTER, writer: 'other-cluster' }, SERVICE);
    const collision = withLb(converged, (l) => ({ ...l, tags: theirs }));
    const d = decide(input({ observation: full(collision) }));
    expect(summary(d.actions)).toEqual(['createLoadBalancer default/web']);
    expect(d.notices.map((n) => n.reason)).toContain('KuryrOwnershipConflict');
  });
});

describe('decide: children stuck PENDING_* under an ACTIVE load balancer (durable progress)', () => {
  it('first seen: wait, and remember since when', () => {
    const d = decide(input({ observation: full(pendingChild) }));
    expect(d.next).toMatchObject({ kind: 'wait', token: `children:${lb.id}` });
    expect(d.progress.unsettled).toEqual({ loadBalancerId: lb.id, since: NOW });
  });

  it('within the limit: still a wait; the remembered time is kept (a restart does not restart it)', () => {
    const progress: Progress = {
      createPath: 'fully-populated',
      unsettled: { loadBalancerId: lb.id, since: NOW - 10_000 },
    };
    const d = decide(input({ observation: full(pendingChild), progress }));
    expect(d.next.kind).toBe('wait');
    expect(d.progress).toEqual(progress);
  });

  it('past the limit under auto: condemned (deleted) and the next create goes step by step', () => {
    const progress: Progress = {
      createPath: 'fully-populated',
      unsettled: { loadBalancerId: lb.id, since: NOW - STUCK_MS },
    };
    const d = decide(input({ observation: full(pendingChild), progress }));
    expect(summary(d.actions)).toEqual([`deleteLoadBalancer ${lb.id}`]);
    expect(d.progress).toEqual({ createPath: 'step-by-step', unsettled: null });
    expect(d.next.kind === 'verify' || d.next.kind === 'wait').toBe(true);
  });

  it('past the limit under fully-populated: reported as stuck, never recreated', () => {
    const progress: Progress = {
      createPath: 'fully-populated',
      unsettled: { loadBalancerId: lb.id, since: NOW - STUCK_MS },
    };
    const d = decide(input({ observation: full(pendingChild), progress, createMode: 'fully-populated' }));
    expect(d.actions).toEqual([]);
    expect(d.next).toMatchObject({ kind: 'wait', token: `stuck:${lb.id}` });
    expect(d.record?.ready.reason).toBe('ChildrenStuck');
  });

  it('children settled: the memory is cleared and auto goes back to fully-populated', () => {
    const progress: Progress = {
      createPath: 'step-by-step',
      unsettled: { loadBalancerId: lb.id, since: NOW - 5 },
    };
    const d = decide(input({ observation: full(converged), progress }));
    expect(d.progress).toEqual(FRESH_PROGRESS);
  });
});

describe('decide: light passes on the heads a licence names', () => {
  const licence: Licence = { mode: 'ensure', fingerprint: fingerprintOf(desired), loadBalancerIds: [lb.id] };
  const head = (status: ObservedLoadBalancer['provisioningStatus'], tags = OWNED) => ({
    kind: 'heads' as const,
    heads: [{ id: lb.id, head: { id: lb.id, name: lb.name, tags, provisioningStatus: status } }],
  });

  it('still busy, same desired state: keep waiting on the same token, record nothing', () => {
    const d = decide(input({ licence, observation: head('PENDING_UPDATE') }));
    expect(d.next).toMatchObject({ kind: 'wait', token: `busy:${lb.id}`, licence });
    expect(d.record).toBeNull();
    expect(d.ingress).toBeNull();
  });

  it.each([
    ['no longer busy', { observation: head('ACTIVE') }],
    [
      'the desired state changed',
      {
        observation: head('PENDING_UPDATE'),
        intent: { kind: 'ensure', desired: desiredLb({ listeners: [] }), keep: KEEP_NOTHING } as Intent,
      },
    ],
    ['gone (404)', { observation: { kind: 'heads' as const, heads: [{ id: lb.id, head: null }] } }],
    ['not ours any more', { observation: head('PENDING_UPDATE', ['someone-else']) }],
    ['no licence', { observation: head('PENDING_UPDATE'), licence: null }],
  ])('%s: observe in full', (_why, over) => {
    expect(decide(input({ licence, ...over })).next).toEqual({ kind: 'observe' });
  });
});

describe('decide: release', () => {
  it('nothing of ours: released, ingress cleared', () => {
    const d = decide(input({ intent: release, observation: full() }));
    expect(d.next).toEqual({ kind: 'released' });
    expect(d.ingress).toEqual([]);
  });

  it('an owned load balancer: one cascade delete, then a light wait on it', () => {
    const d = decide(input({ intent: release, observation: full(converged) }));
    expect(summary(d.actions)).toEqual([`deleteLoadBalancer ${lb.id}`]);
    expect(d.next).toMatchObject({
      kind: 'wait',
      token: `deleting:${lb.id}`,
      licence: { mode: 'release', loadBalancerIds: [lb.id] },
    });
  });

  it('heads: still PENDING_DELETE → wait; every licensed one 404 → released', () => {
    const licence: Licence = { mode: 'release', fingerprint: '', loadBalancerIds: [lb.id] };
    const deleting = {
      id: lb.id,
      head: { id: lb.id, name: lb.name, tags: OWNED, provisioningStatus: 'PENDING_DELETE' as const },
    };
    expect(
      decide(input({ intent: release, licence, observation: { kind: 'heads', heads: [deleting] } })).next
        .kind,
    ).toBe('wait');
    const gone = decide(
      input({ intent: release, licence, observation: { kind: 'heads', heads: [{ id: lb.id, head: null }] } }),
    );
    // A live 404 for every licensed load balancer, and nothing else of ours was left: released.
    expect(gone.next).toEqual({ kind: 'released' });
    const none = decide(input({ intent: release, licence, observation: { kind: 'heads', heads: [] } }));
    expect(none.next).toEqual({ kind: 'observe' });
  });

  it('a Pool floating IP is deleted; one whose address the user named is disowned and kept', () => {
    const ours = fip({ id: 'fip-1', portId: lb.vipPortId });
    const observed = { ...converged, floatingIps: [ours] };
    const plain = decide(input({ intent: release, observation: full(observed) }));
    expect(summary(plain.actions)).toContain('deleteFloatingIp fip-1');
    const keep = { kind: 'release' as const, keep: { addresses: [ours.address], poolFloatingIps: false } };
    const kept = decide(input({ intent: keep, observation: full(observed) }));
    expect(summary(kept.actions)).toEqual([
      'disassociateFloatingIp fip-1',
      'disownFloatingIp fip-1',
      `deleteLoadBalancer ${lb.id}`,
    ]);
    // Only the delete is left once the floating IP is disowned: the next passes read the head only.
    expect(kept.next).toMatchObject({ kind: 'wait', licence: { mode: 'release', loadBalancerIds: [lb.id] } });
  });
});

describe('settle: the decision after the executor ran', () => {
  it('a 409 turns verify into a wait on the busy load balancer; the Reconciling message counts what ran', () => {
    const d = decide(input({ observation: full(withLb(converged, (l) => ({ ...l, listeners: [] }))) }));
    expect(d.next.kind).toBe('verify');
    const busy = settle(d, { done: [], deferred: d.actions, conflict: true });
    expect(busy.next).toMatchObject({ kind: 'wait', token: `busy:${lb.id}` });
    expect(busy.record?.ready.reason).toBe('Pending');
    const ran = settle(d, { done: d.actions.slice(0, 1), deferred: d.actions.slice(1), conflict: false });
    expect(ran.record?.ready.message).toBe('1 change(s) sent to OpenStack');
  });

  it("a create's licence is bound to the id Octavia answered, and dropped when the create did not run", () => {
    const d = decide(input({ observation: full() }));
    const created = settle(d, {
      done: d.actions,
      deferred: [],
      conflict: false,
      createdLoadBalancerId: 'lb-new',
    });
    expect(created.next).toMatchObject({
      kind: 'verify',
      licence: { mode: 'ensure', loadBalancerIds: ['lb-new'] },
    });
    const refused = settle(d, { done: [], deferred: d.actions, conflict: true });
    expect(refused.next).toMatchObject({ licence: null });
    const noId = settle(d, { done: d.actions, deferred: [], conflict: false });
    expect(noId.next).toMatchObject({ licence: null });
  });
});
