/**
 * Settled licences (src/core/plan/settled.ts): granted by converged full observations,
 * confirmed by a second one at least confirmAfterMs later, used on the resync's lists only
 * while every version still matches; anything else observes in full.
 */
import { describe, expect, it } from 'vitest';
import type { Observed } from '../../../../src/core/model.js';
import { decide } from '../../../../src/core/plan/decide.js';
import {
  FRESH_PROGRESS,
  type DecisionInput,
  type Intent,
  type Licence,
  type Observation,
  type SettledView,
} from '../../../../src/core/plan/decision.js';
import { KEEP_NOTHING } from '../../../../src/core/plan/floating-ips.js';
import { anOwner } from '../../../support/builders.js';
import { built, CLUSTER, desiredLb, onlyLb, SERVICE, withLb } from './fixtures.js';

const TIMING = { confirmAfterMs: 60_000, maxAgeMs: 3_600_000 };
const T0 = 1_000_000;
const desired = desiredLb();
const ensure: Intent = { kind: 'ensure', desired, keep: KEEP_NOTHING };
const VERSION = '2026-12-07T09:00:00';
const observed: Observed = withLb(built(desired), (lb) => ({ ...lb, version: VERSION }));
const lbId = onlyLb(observed).id;

function input(over: Partial<DecisionInput> & { observation: Observation }): DecisionInput {
  return {
    service: SERVICE,
    owner: anOwner(CLUSTER),
    intent: ensure,
    progress: FRESH_PROGRESS,
    licence: null,
    createMode: 'auto',
    recordedReady: 'True',
    now: T0,
    stuckChildrenMs: 60_000,
    settledTiming: TIMING,
    ...over,
  };
}

function licenceOf(over: Partial<DecisionInput> & { observation: Observation }): Licence {
  const d = decide(input(over));
  if (d.next.kind !== 'converged' || d.next.licence == null) throw new Error(`no licence: ${d.next.kind}`);
  return d.next.licence;
}

const full = (o: Observed = observed): Observation => ({ kind: 'full', observed: o });
const view = (over: Partial<SettledView> = {}): Observation => ({
  kind: 'settled',
  view: {
    loadBalancers: [{ id: lbId, provisioningStatus: 'ACTIVE', version: VERSION }],
    floatingIps: [],
    ...over,
  },
});

/** A licence confirmed by two full observations a minute apart. */
function confirmed(): Licence {
  const first = licenceOf({ observation: full() });
  return licenceOf({ observation: full(), licence: first, now: T0 + 60_000 });
}

describe('settled licences', () => {
  it('a converged pass grants one, unconfirmed; a second observation a minute later confirms it', () => {
    const first = licenceOf({ observation: full() });
    expect(first.mode).toBe('settled');
    expect(first.settled).toMatchObject({ version: VERSION, confirmed: false, since: T0 });
    const soon = licenceOf({ observation: full(), licence: first, now: T0 + 59_999 });
    expect(soon.settled?.confirmed).toBe(false);
    expect(confirmed().settled).toMatchObject({ confirmed: true, since: T0, observedAt: T0 + 60_000 });
  });

  it('another version starts the seal over', () => {
    const moved = withLb(observed, (lb) => ({ ...lb, version: '2026-12-07T09:00:05' }));
    const again = licenceOf({ observation: full(moved), licence: confirmed(), now: T0 + 120_000 });
    expect(again.settled).toMatchObject({ confirmed: false, since: T0 + 120_000 });
  });

  it('no licence without a version, with a second tagged load balancer, or without the switch', () => {
    const noVersion = decide(input({ observation: full(built(desired)) }));
    expect(noVersion.next).toEqual({ kind: 'converged' });
    const twin = { ...onlyLb(observed), id: 'lb-late', provisioningStatus: 'PENDING_DELETE' as const };
    const two = decide(
      input({ observation: full({ ...observed, loadBalancers: [...observed.loadBalancers, twin] }) }),
    );
    expect(two.next.kind === 'converged' && two.next.licence != null).toBe(false);
    const withoutTiming: { settledTiming?: unknown } = { ...input({ observation: full() }) };
    delete withoutTiming.settledTiming;
    const off = decide(withoutTiming as DecisionInput);
    expect(off.next).toEqual({ kind: 'converged' });
  });

  it('a confirmed licence decides on matching lists: converged, no action, the same licence', () => {
    const licence = confirmed();
    const d = decide(input({ observation: view(), licence, now: T0 + 600_000 }));
    expect(d.actions).toEqual([]);
    expect(d.next).toEqual({ kind: 'converged', licence });
    expect(d.record).toBeNull();
  });

  it.each([
    [
      'another updated_at',
      view({ loadBalancers: [{ id: lbId, provisioningStatus: 'ACTIVE', version: 'x' }] }),
    ],
    ['busy', view({ loadBalancers: [{ id: lbId, provisioningStatus: 'PENDING_UPDATE', version: VERSION }] })],
    ['gone', view({ loadBalancers: [] })],
    [
      'a second load balancer',
      view({
        loadBalancers: [
          { id: lbId, provisioningStatus: 'ACTIVE', version: VERSION },
          { id: 'late', provisioningStatus: 'ACTIVE', version: VERSION },
        ],
      }),
    ],
    ['a floating IP appeared', view({ floatingIps: [{ id: 'f', revision: 1 }] })],
  ])('observes in full when the lists show %s', (_why, observation) => {
    const d = decide(input({ observation, licence: confirmed(), now: T0 + 600_000 }));
    expect(d.next).toEqual({ kind: 'observe' });
  });

  it('observes in full when unconfirmed, too old, not Ready, or the desired state changed', () => {
    const first = licenceOf({ observation: full() });
    expect(decide(input({ observation: view(), licence: first, now: T0 + 600_000 })).next.kind).toBe(
      'observe',
    );
    const old = decide(input({ observation: view(), licence: confirmed(), now: T0 + 60_000 + 3_600_000 }));
    expect(old.next.kind).toBe('observe');
    const notReady = decide(
      input({ observation: view(), licence: confirmed(), recordedReady: 'False', now: T0 + 600_000 }),
    );
    expect(notReady.next.kind).toBe('observe');
    const other: Intent = {
      kind: 'ensure',
      desired: desiredLb({ vipAddress: '10.2.0.99' }),
      keep: KEEP_NOTHING,
    };
    const changed = decide(
      input({ observation: view(), licence: confirmed(), intent: other, now: T0 + 600_000 }),
    );
    expect(changed.next.kind).toBe('observe');
  });
});
