/** Table tests of the pending memory (backoff, light-poll licence), the licence rules and the create modes. */
import { describe, expect, it } from 'vitest';
import type { Action, Plan } from '../../../src/core/plan/actions.js';
import { apply } from '../../support/plan-oracle/apply.js';
import type {
  DesiredLoadBalancer,
  ObservedLoadBalancer,
  ProvisioningStatus,
} from '../../../src/core/model.js';
import { translate } from '../../../src/core/translate.js';
import {
  desiredFingerprint,
  licensedAfterWait,
  licensedAfterWrite,
  type LicenceView,
} from '../../../src/services/light-poll.js';
import { nextDelay, PENDING_MEMORY_CAPACITY, PendingMemory } from '../../../src/services/pending.js';
import type { ExecuteOutcome } from '../../../src/services/ports.js';
import { StuckTracker } from '../../../src/services/stuck.js';
import { aService, aTranslateInput } from '../../support/builders.js';

const CLUSTER = 'c1';
const timing = { pendingRequeueMs: 500, pendingRequeueMaxMs: 2000 };

function desiredOf(name = 'web'): DesiredLoadBalancer {
  const t = translate(aTranslateInput({ service: aService({ name, type: 'LoadBalancer' }) }));
  if (t.kind !== 'desired') throw new Error(t.kind);
  return t.loadBalancer;
}

function built(desired: DesiredLoadBalancer, id: string, status: ProvisioningStatus): ObservedLoadBalancer {
  const [lb] = apply({ loadBalancers: [], floatingIps: [] }, [
    { kind: 'createLoadBalancer', loadBalancer: desired },
  ]).loadBalancers;
  if (lb === undefined) throw new Error('apply made no load balancer');
  return { ...lb, id, provisioningStatus: status };
}

describe('PendingMemory: the growing requeue delay', () => {
  it('grows by 1.5 while the same load balancer stays busy, caps, and starts over when it changes or settles', () => {
    const m = new PendingMemory();
    const note = { loadBalancerId: 'lb-1', licence: null };
    const delays = Array.from({ length: 7 }, (_, i) => m.waiting('default/web', note, i * 100, timing));
    expect(delays).toEqual([500, 750, 1125, 1688, 2000, 2000, 2000]);
    expect(m.waiting('default/web', { ...note, loadBalancerId: 'lb-2' }, 800, timing)).toBe(500);
    expect(m.waiting('default/web', { ...note, loadBalancerId: 'lb-2' }, 900, timing)).toBe(750);
    m.settle('default/web');
    expect(m.waiting('default/web', note, 1000, timing)).toBe(500);
    m.written('default/web', note, 1100);
    expect(m.waiting('default/web', note, 1200, timing)).toBe(500);
    expect(m.waiting('default/api', note, 1200, timing)).toBe(500); // per name
  });

  it('forgets what it knew after 4 × the cap without a pass', () => {
    const m = new PendingMemory();
    const note = { loadBalancerId: 'lb-1', licence: 'f' };
    m.waiting('default/web', note, 0, timing);
    expect(m.waiting('default/web', note, 8000, timing)).toBe(750);
    expect(m.waiting('default/web', note, 16_001, timing)).toBe(500);
    expect(m.lightPollTarget('default/web', { hintId: 'lb-1', fingerprint: 'f' }, 24_002, timing)).toBeNull();
  });

  it.each([
    [500, 500, [500, 500, 500]], // cap = base: no backoff
    [500, 100, [500, 500, 500]], // cap below base: the base wins
    [1000, 600_000, [1000, 1500, 2250]],
  ])('nextDelay with base %i and cap %i', (base, cap, expected) => {
    const t = { pendingRequeueMs: base, pendingRequeueMaxMs: cap };
    const out: number[] = [];
    let d = 0;
    for (let i = 0; i < 3; i++) out.push((d = nextDelay(d, t)));
    expect(out).toEqual(expected);
  });

  it('is bounded: the least recently touched name goes first', () => {
    const m = new PendingMemory();
    const note = { loadBalancerId: 'lb', licence: null };
    for (let i = 0; i <= PENDING_MEMORY_CAPACITY; i++) m.waiting(`ns/s${i}`, note, 0, timing);
    expect(m.size).toBe(PENDING_MEMORY_CAPACITY);
    expect(m.waiting('ns/s0', note, 0, timing)).toBe(500); // s0 was evicted: starts over
    expect(m.waiting(`ns/s${PENDING_MEMORY_CAPACITY}`, note, 0, timing)).toBe(750);
  });
});

describe('PendingMemory: the light-poll licence', () => {
  it('names the load balancer only for the same hint and the same desired fingerprint', () => {
    const m = new PendingMemory();
    const query = { hintId: 'lb-1', fingerprint: 'f1' };
    expect(m.lightPollTarget('default/web', query, 0, timing)).toBeNull();
    m.waiting('default/web', { loadBalancerId: 'lb-1', licence: null }, 0, timing);
    expect(m.lightPollTarget('default/web', query, 0, timing)).toBeNull(); // no licence granted
    m.waiting('default/web', { loadBalancerId: 'lb-1', licence: 'f1' }, 0, timing);
    expect(m.lightPollTarget('default/web', query, 0, timing)).toBe('lb-1');
    expect(m.lightPollTarget('default/web', { ...query, fingerprint: 'f2' }, 0, timing)).toBeNull();
    expect(m.lightPollTarget('default/web', { ...query, hintId: 'lb-9' }, 0, timing)).toBeNull();
    expect(m.stillBusy('default/web', 10, timing)).toBe(1125);
    expect(m.lightPollTarget('default/web', query, 10, timing)).toBe('lb-1'); // kept by stillBusy
    m.forget('default/web');
    expect(m.lightPollTarget('default/web', query, 10, timing)).toBeNull();
  });

  it('the fingerprint follows every change of the desired load balancer', () => {
    const web = desiredOf();
    expect(desiredFingerprint(web)).toBe(desiredFingerprint(desiredOf()));
    expect(desiredFingerprint({ ...web, vipAddress: '10.2.0.99' })).not.toBe(desiredFingerprint(web));
    expect(desiredFingerprint({ ...web, floatingIp: null })).not.toBe(desiredFingerprint(web));
    expect(desiredFingerprint({ ...web, listeners: [] })).not.toBe(desiredFingerprint(web));
  });
});

describe('licence rules: may a light poll stand in for the plan?', () => {
  const desired = desiredOf();
  const busy = built(desired, 'lb-1', 'PENDING_UPDATE');
  const other = (status: ProvisioningStatus) => built(desired, 'lb-0', status);
  const view = (
    lbs: ObservedLoadBalancer[],
    kept: ObservedLoadBalancer | null,
    recovering = false,
  ): LicenceView => ({
    observed: { loadBalancers: lbs, floatingIps: [] },
    kept,
    recovering,
    clusterId: CLUSTER,
    service: desired.service,
  });
  const waitOn = (id: string): Plan => ({ actions: [], wait: { loadBalancerId: id, reason: 'busy' } });
  const listenerOf = (id: string): Action => ({
    kind: 'deleteListener',
    loadBalancerId: id,
    listenerId: 'l',
  });
  const fipAction: Action = { kind: 'deleteFloatingIp', floatingIpId: 'fip-1' };
  const outcome = (done: Action[], deferred: Action[]): ExecuteOutcome => ({
    done,
    deferred,
    requeueAfterMs: 1000,
  });

  it.each([
    ['the kept load balancer busy, nothing else', view([busy], busy), waitOn('lb-1'), true],
    [
      'kept ACTIVE (stuck children)',
      view([{ ...busy, provisioningStatus: 'ACTIVE' }], { ...busy, provisioningStatus: 'ACTIVE' }),
      waitOn('lb-1'),
      false,
    ],
    ['no kept load balancer', view([], null), waitOn('lb-0'), false],
    ['recovering stuck children', view([busy], busy, true), waitOn('lb-1'), false],
    ['another owned one still to delete', view([other('ACTIVE'), busy], busy), waitOn('lb-1'), false],
    [
      'another owned one busy (its delete waits)',
      view([other('PENDING_CREATE'), busy], busy),
      waitOn('lb-1'),
      false,
    ],
    [
      'another owned one already going away',
      view([other('PENDING_DELETE'), busy], busy),
      waitOn('lb-1'),
      true,
    ],
    ['the plan has actions', view([busy], busy), { actions: [fipAction], wait: null }, false],
  ] as const)('after a wait — %s', (_name, v, plan, expected) => {
    expect(licensedAfterWait(v, plan)).toBe(expected);
  });

  it.each([
    ['one write on kept, the rest deferred on kept', [listenerOf('lb-1')], [listenerOf('lb-1')], true],
    ['a floating IP action deferred', [listenerOf('lb-1')], [fipAction], false],
    ['only Neutron writes done', [fipAction], [], false],
    ['a write on another load balancer deferred', [listenerOf('lb-1')], [listenerOf('lb-0')], false],
    [
      'the other owned one deleted in this pass',
      [{ kind: 'deleteLoadBalancer', loadBalancerId: 'lb-0', reason: 'x' }, listenerOf('lb-1')],
      [],
      true,
    ],
  ] as const)('after a write — %s', (_name, done, deferred, expected) => {
    const v = view([other('ACTIVE'), { ...busy, provisioningStatus: 'ACTIVE' }], busy);
    const lone = view([{ ...busy, provisioningStatus: 'ACTIVE' }], busy);
    const deletesOther = done.some((a) => a.kind === 'deleteLoadBalancer');
    expect(licensedAfterWrite(deletesOther ? v : lone, outcome([...done], [...deferred]))).toBe(expected);
  });
});

describe('StuckTracker: create modes', () => {
  const desired = desiredOf();
  const active = built(desired, 'lb-1', 'ACTIVE');
  const stuck = {
    ...active,
    listeners: active.listeners.map((l) => ({ ...l, provisioningStatus: 'PENDING_CREATE' as const })),
  };

  it.each([
    ['auto', ['waiting', 'recover']],
    ['step-by-step', ['waiting', 'recover']],
    ['fully-populated', ['waiting', 'stuck']],
  ] as const)('%s: stuck children past stuckChildrenMs', (mode, verdicts) => {
    const t = new StuckTracker(1000);
    expect([t.check(stuck, 0, mode), t.check(stuck, 1000, mode)]).toEqual(verdicts);
  });

  it('the create path: auto falls back after a recovery until settled, step-by-step always, fully-populated never', () => {
    const t = new StuckTracker(1000);
    expect(
      ['auto', 'fully-populated', 'step-by-step'].map((m) => t.createPath(desired.name, m as 'auto')),
    ).toEqual(['fully-populated', 'fully-populated', 'step-by-step']);
    expect(t.adjustDesired(desired, null, 'step-by-step').listeners).toEqual([]);
    expect(t.adjustDesired(desired, active, 'step-by-step')).toBe(desired);
    t.recoveryPlanInput({ loadBalancers: [stuck], floatingIps: [] }, stuck);
    expect(t.createPath(desired.name, 'auto')).toBe('step-by-step');
    expect(t.createPath(desired.name, 'fully-populated')).toBe('fully-populated');
    t.settle(desired.name);
    expect(t.createPath(desired.name, 'auto')).toBe('fully-populated');
    expect(t.createPath(desired.name, 'step-by-step')).toBe('step-by-step');
  });
});
