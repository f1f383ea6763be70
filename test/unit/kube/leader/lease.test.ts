import { describe, expect, it } from 'vitest';
import {
  decideLease,
  holderSpec,
  leaseRecordOf,
  releasedSpec,
  sameLeaseRecord,
  type LeaseRecord,
} from '../../../../src/kube/leader/lease.js';

const T0 = Date.UTC(2026, 0, 1);

function record(over: Partial<LeaseRecord> = {}): LeaseRecord {
  return {
    holderIdentity: 'a',
    leaseDurationSeconds: 15,
    acquireTime: '2026-01-01T00:00:00.000000Z',
    renewTime: '2026-01-01T00:00:00.000000Z',
    leaseTransitions: 2,
    ...over,
  };
}

describe('decideLease', () => {
  const base = {
    identity: 'me',
    observedAtMs: T0,
    nowMs: T0,
    defaultLeaseDurationSeconds: 15,
    leaseSeenBefore: false,
  };
  it.each([
    ['no lease: create', null, T0, { kind: 'create' }],
    ['ours: renew', record({ holderIdentity: 'me' }), T0, { kind: 'renew' }],
    [
      'released (no holder): take over at once',
      record({ holderIdentity: '' }),
      T0,
      { kind: 'takeOver', previousHolder: '' },
    ],
    [
      'held, observed 14.999 s ago: wait',
      record(),
      T0 + 14_999,
      { kind: 'wait', holder: 'a', expiresAtMs: T0 + 15_000 },
    ],
    ['held, observed 15 s ago: take over', record(), T0 + 15_000, { kind: 'takeOver', previousHolder: 'a' }],
    [
      'held with its own 40 s duration',
      record({ leaseDurationSeconds: 40 }),
      T0 + 39_000,
      { kind: 'wait', holder: 'a', expiresAtMs: T0 + 40_000 },
    ],
    [
      'held without a duration: ours applies',
      record({ leaseDurationSeconds: undefined }),
      T0 + 15_000,
      { kind: 'takeOver', previousHolder: 'a' },
    ],
  ])('%s', (_name, rec, nowMs, expected) => {
    expect(decideLease({ ...base, record: rec, nowMs })).toEqual(expected);
  });

  it('waits out a Lease deleted under its holder before creating a new one', () => {
    const gone = { ...base, record: null, leaseSeenBefore: true };
    expect(decideLease({ ...gone, nowMs: T0 + 14_000 })).toEqual({
      kind: 'wait',
      holder: '(deleted lease)',
      expiresAtMs: T0 + 15_000,
    });
    expect(decideLease({ ...gone, nowMs: T0 + 15_000 })).toEqual({ kind: 'create' });
  });

  it("ignores the holder's renewTime: a skewed clock cannot shorten the wait", () => {
    const ancient = record({ renewTime: '2000-01-01T00:00:00.000000Z' });
    expect(decideLease({ ...base, record: ancient, nowMs: T0 + 1_000 }).kind).toBe('wait');
  });
});

describe('lease specs', () => {
  const terms = { identity: 'me', nowMs: T0 + 1_500, leaseDurationSeconds: 15 };
  const iso = (spec: { renewTime?: Date; acquireTime?: Date }) => ({
    renew: spec.renewTime?.toISOString(),
    acquire: spec.acquireTime?.toISOString(),
  });

  it('create: transitions 0, acquired now', () => {
    const spec = holderSpec(null, { kind: 'create' }, terms);
    expect(spec).toMatchObject({ holderIdentity: 'me', leaseDurationSeconds: 15, leaseTransitions: 0 });
    expect(iso(spec)).toEqual({
      renew: '2026-01-01T00:00:01.500000Z',
      acquire: '2026-01-01T00:00:01.500000Z',
    });
  });

  it('take over: one more transition, acquired now', () => {
    const spec = holderSpec(record(), { kind: 'takeOver', previousHolder: 'a' }, terms);
    expect(spec.leaseTransitions).toBe(3);
    expect(iso(spec).acquire).toBe('2026-01-01T00:00:01.500000Z');
  });

  it('renew: transitions and acquireTime kept, renewTime now', () => {
    const spec = holderSpec(record({ holderIdentity: 'me' }), { kind: 'renew' }, terms);
    expect(spec.leaseTransitions).toBe(2);
    expect(iso(spec)).toEqual({
      renew: '2026-01-01T00:00:01.500000Z',
      acquire: '2026-01-01T00:00:00.000000Z',
    });
  });

  it('release: no holder, 1 s duration, transitions kept', () => {
    const spec = releasedSpec(record({ holderIdentity: 'me' }), T0 + 2_000);
    expect(spec).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 2 });
    expect(iso(spec).renew).toBe('2026-01-01T00:00:02.000000Z');
  });
});

describe('leaseRecordOf', () => {
  it('reads MicroTimes delivered as strings (client-node) or Dates, and defaults missing fields', () => {
    expect(leaseRecordOf(undefined)).toEqual({
      holderIdentity: '',
      leaseDurationSeconds: undefined,
      acquireTime: undefined,
      renewTime: undefined,
      leaseTransitions: 0,
    });
    const fromString = leaseRecordOf({
      renewTime: '2026-01-01T00:00:00.123456Z' as unknown as Date,
      leaseDurationSeconds: 0,
    });
    expect(fromString.renewTime).toBe('2026-01-01T00:00:00.123456Z');
    expect(fromString.leaseDurationSeconds).toBeUndefined();
    expect(leaseRecordOf({ renewTime: new Date(T0) }).renewTime).toBe('2026-01-01T00:00:00.000Z');
  });

  it('two reads are the same record only when every field matches', () => {
    expect(sameLeaseRecord(record(), record())).toBe(true);
    expect(sameLeaseRecord(record(), record({ renewTime: '2026-01-01T00:00:02.000000Z' }))).toBe(false);
    expect(sameLeaseRecord(null, null)).toBe(true);
    expect(sameLeaseRecord(null, record())).toBe(false);
  });
});
