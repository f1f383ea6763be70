/**
 * The pure half of leader election over a `coordination.k8s.io/v1` Lease: reading a Lease
 * spec into a record, deciding whether a candidate may take or keep it, and the specs to
 * write when acquiring, renewing and releasing. No I/O and no clock: times are arguments.
 *
 * Expiry follows client-go's leaderelection: a lease is expired when its record has not
 * changed for `leaseDurationSeconds` as observed on the candidate's own clock
 * (`observedAtMs`), never by comparing the holder's `renewTime` with our clock, so a skew
 * between nodes cannot make two candidates lead at once (docs/adr/0007-leader-election.md).
 */
import { V1MicroTime, type V1LeaseSpec } from '@kubernetes/client-node';

/** What a Lease says about its holder; `holderIdentity` '' means nobody holds it. */
export interface LeaseRecord {
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number | undefined;
  /** As stored (RFC 3339 with microseconds), or undefined. */
  readonly acquireTime: string | undefined;
  readonly renewTime: string | undefined;
  readonly leaseTransitions: number;
}

/** The outcome of {@link decideLease}. */
export type LeaseDecision =
  /** No Lease object yet: create it, holding it. */
  | { readonly kind: 'create' }
  /** This candidate holds it: write a fresh renewTime. */
  | { readonly kind: 'renew' }
  /** Free (released) or expired: take it over, one more transition. */
  | { readonly kind: 'takeOver'; readonly previousHolder: string }
  /** Someone else holds a valid lease: try again later. */
  | { readonly kind: 'wait'; readonly holder: string; readonly expiresAtMs: number };

/** Inputs of {@link decideLease}. */
export interface LeaseDecisionInput {
  /** The Lease as last read; null when it does not exist. */
  readonly record: LeaseRecord | null;
  readonly identity: string;
  /** Our clock's time when `record` was first seen in its current form. */
  readonly observedAtMs: number;
  readonly nowMs: number;
  /** Used when the record does not say how long it lasts. */
  readonly defaultLeaseDurationSeconds: number;
  /** This candidate has read the Lease before: its disappearance is a change to wait out. */
  readonly leaseSeenBefore: boolean;
}

/** A MicroTime read back from client-node: typed as a Date, delivered as a string. */
function timeText(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Reads a Lease spec (missing fields as Kubernetes defaults them). */
export function leaseRecordOf(spec: V1LeaseSpec | undefined): LeaseRecord {
  const duration = spec?.leaseDurationSeconds;
  const transitions = spec?.leaseTransitions;
  return {
    holderIdentity: spec?.holderIdentity ?? '',
    leaseDurationSeconds: typeof duration === 'number' && duration > 0 ? duration : undefined,
    acquireTime: timeText(spec?.acquireTime),
    renewTime: timeText(spec?.renewTime),
    leaseTransitions: typeof transitions === 'number' && transitions > 0 ? transitions : 0,
  };
}

/** True when both records say the same thing (a change resets the observed time). */
export function sameLeaseRecord(a: LeaseRecord | null, b: LeaseRecord | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.holderIdentity === b.holderIdentity &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.acquireTime === b.acquireTime &&
    a.renewTime === b.renewTime &&
    a.leaseTransitions === b.leaseTransitions
  );
}

/** May `identity` take or keep the lease now? Pure; see the file comment for expiry. */
export function decideLease(input: LeaseDecisionInput): LeaseDecision {
  const { record } = input;
  if (record === null) {
    // Deleted under a holder that may not have noticed yet: wait as for an expiry.
    const expiresAtMs = input.observedAtMs + input.defaultLeaseDurationSeconds * 1000;
    if (!input.leaseSeenBefore || expiresAtMs <= input.nowMs) return { kind: 'create' };
    return { kind: 'wait', holder: '(deleted lease)', expiresAtMs };
  }
  if (record.holderIdentity === input.identity) return { kind: 'renew' };
  if (record.holderIdentity === '') return { kind: 'takeOver', previousHolder: '' };
  const seconds = record.leaseDurationSeconds ?? input.defaultLeaseDurationSeconds;
  const expiresAtMs = input.observedAtMs + seconds * 1000;
  if (expiresAtMs > input.nowMs) return { kind: 'wait', holder: record.holderIdentity, expiresAtMs };
  return { kind: 'takeOver', previousHolder: record.holderIdentity };
}

/** What a holder writes into the lease. */
export interface HolderTerms {
  readonly identity: string;
  readonly nowMs: number;
  readonly leaseDurationSeconds: number;
}

const microTime = (ms: number): V1MicroTime => new V1MicroTime(ms);

/**
 * The spec that makes `terms.identity` the holder: a new acquireTime and one more transition
 * when taking over `previous` (0 transitions for a new Lease), both kept when renewing.
 */
export function holderSpec(
  previous: LeaseRecord | null,
  decision: Exclude<LeaseDecision, { kind: 'wait' }>,
  terms: HolderTerms,
): V1LeaseSpec {
  const renewing = decision.kind === 'renew' && previous !== null;
  const now = microTime(terms.nowMs);
  const acquired =
    renewing && previous.acquireTime !== undefined ? new V1MicroTime(previous.acquireTime) : now;
  return {
    holderIdentity: terms.identity,
    leaseDurationSeconds: terms.leaseDurationSeconds,
    acquireTime: acquired,
    renewTime: now,
    leaseTransitions: previous === null ? 0 : previous.leaseTransitions + (renewing ? 0 : 1),
  };
}

/**
 * The spec a holder writes when it steps down (client-go's release): no holder, a 1 s
 * duration and fresh times, so the next candidate takes over at once; transitions kept.
 */
export function releasedSpec(previous: LeaseRecord, nowMs: number): V1LeaseSpec {
  const now = microTime(nowMs);
  return {
    holderIdentity: '',
    leaseDurationSeconds: 1,
    acquireTime: now,
    renewTime: now,
    leaseTransitions: previous.leaseTransitions,
  };
}
