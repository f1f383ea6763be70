import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeApiError } from '../../../../src/kube/errors.js';
import { leaseClientFor } from '../../../../src/kube/leader/client.js';
import {
  LeaderElectionConfigError,
  LeaderElectionStoppedError,
  LeaderElector,
  type Leadership,
  type LeadershipEnd,
} from '../../../../src/kube/leader/leader.js';
import { silentLogger } from '../../../../src/engine/observability.js';
import { LEASE, LeaseWorld, openGates, type Candidate } from './harness.js';

/** A promise whose outcome the test can look at without awaiting it. */
interface Watched<T> {
  value: T | undefined;
  error: unknown;
  settledAt: number | undefined;
}

function watch<T>(world: LeaseWorld, promise: Promise<T>): Watched<T> {
  const w: Watched<T> = { value: undefined, error: undefined, settledAt: undefined };
  promise.then(
    (value) => {
      w.value = value;
      w.settledAt = world.clock.now();
    },
    (error: unknown) => {
      w.error = error;
      w.settledAt = world.clock.now();
    },
  );
  return w;
}

let world: LeaseWorld;
const stops: AbortController[] = [];
const held: Leadership[] = [];

beforeEach(async () => {
  world = await LeaseWorld.start();
});
afterEach(async () => {
  for (const s of stops.splice(0)) s.abort();
  await Promise.all(held.splice(0).map((l) => l.release()));
  await world.settle();
  await world.stop();
});

function campaign(c: Candidate): Watched<Leadership> {
  const stop = new AbortController();
  stops.push(stop);
  return watch(world, c.elector.campaign(stop.signal));
}

async function leaderOf(c: Candidate): Promise<Leadership> {
  const w = campaign(c);
  await world.advance(250);
  if (w.value === undefined) throw new Error(`${c.identity} did not acquire the lease`);
  held.push(w.value);
  return w.value;
}

function renewTimeMs(): number {
  const spec = world.lease()?.spec as { renewTime?: string } | undefined;
  return Date.parse(spec?.renewTime ?? '');
}

describe('LeaderElector', () => {
  it('a single candidate creates the lease and holds it (0 transitions, 15 s)', async () => {
    const a = world.candidate('pod-a_1');
    const leadership = await leaderOf(a);
    expect(leadership.isLeading()).toBe(true);
    expect(world.leaseSpec()).toMatchObject({
      holderIdentity: 'pod-a_1',
      leaseTransitions: 0,
      leaseDurationSeconds: 15,
    });
    expect(renewTimeMs()).toBe(world.clock.now() - 250);
  });

  it('a second candidate waits as long as the holder renews', async () => {
    const a = await leaderOf(world.candidate('pod-a_1'));
    const b = campaign(world.candidate('pod-b_2'));
    const before = renewTimeMs();
    await world.advance(60_000);
    expect(b.settledAt).toBeUndefined();
    expect(a.isLeading()).toBe(true);
    expect(world.leaseSpec().holderIdentity).toBe('pod-a_1');
    expect(renewTimeMs()).toBeGreaterThan(before + 55_000);
    expect(world.leaseSpec().leaseTransitions).toBe(0);
  });

  it('takes over once the holder stops renewing for leaseDuration, one transition more', async () => {
    const a = world.candidate('pod-a_1');
    const leadershipA = await leaderOf(a);
    const b = campaign(world.candidate('pod-b_2'));
    await world.advance(3_000);
    a.link.partitioned = true;
    const lastRenew = renewTimeMs();
    const endA = watch(world, leadershipA.ended);
    await world.advance(22_000);
    expect(b.value?.isLeading()).toBe(true);
    if (b.value !== undefined) held.push(b.value);
    expect(world.leaseSpec()).toMatchObject({ holderIdentity: 'pod-b_2', leaseTransitions: 1 });
    // Never earlier than leaseDuration after the last renewal it saw.
    expect(b.settledAt).toBeGreaterThanOrEqual(lastRenew + 15_000);
    // The old holder gave up first: renewDeadline (10 s) < leaseDuration (15 s).
    expect(endA.value?.kind).toBe('lost');
    expect(endA.settledAt).toBeLessThanOrEqual(lastRenew + 10_000);
    expect(endA.settledAt).toBeLessThan(b.settledAt ?? 0);
    expect(leadershipA.isLeading()).toBe(false);
  });

  it('a graceful release lets the waiting candidate take over within one retry period', async () => {
    const a = await leaderOf(world.candidate('pod-a_1'));
    const b = campaign(world.candidate('pod-b_2'));
    await world.advance(5_000);
    await a.release();
    expect(world.leaseSpec()).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    const releasedAt = world.clock.now();
    expect(await a.ended).toEqual({ kind: 'released' });
    await world.advance(2_500);
    expect(b.value?.isLeading()).toBe(true);
    if (b.value !== undefined) held.push(b.value);
    // One retry period, plus one 250 ms clock step for the HTTP round trip.
    expect(b.settledAt).toBeLessThanOrEqual(releasedAt + 2_250);
    expect(world.leaseSpec()).toMatchObject({ holderIdentity: 'pod-b_2', leaseTransitions: 1 });
  });

  it('release is idempotent and writes nothing once the lease is lost', async () => {
    const a = world.candidate('pod-a_1');
    const leadership = await leaderOf(a);
    a.link.partitioned = true;
    await world.advance(12_000);
    expect((await leadership.ended).kind).toBe('lost');
    a.link.partitioned = false;
    world.server.store.patch(
      { apiVersion: 'coordination.k8s.io/v1', plural: 'leases', ...LEASE },
      { spec: { holderIdentity: 'pod-c_3' } },
    );
    await Promise.all([leadership.release(), leadership.release()]);
    expect(world.leaseSpec().holderIdentity).toBe('pod-c_3');
  });

  it('two candidates racing for a free lease: one write wins, the 409 loser keeps waiting', async () => {
    world.server.store.create(
      { apiVersion: 'coordination.k8s.io/v1', plural: 'leases', namespace: LEASE.namespace },
      { metadata: { name: LEASE.name }, spec: { holderIdentity: '', leaseTransitions: 4 } },
    );
    const a = world.candidate('pod-a_1');
    const b = world.candidate('pod-b_2');
    a.link.gate = { waiting: [] };
    b.link.gate = { waiting: [] };
    const wa = campaign(a);
    const wb = campaign(b);
    await world.writesHeld([a.link, b.link], 2);
    openGates([a.link, b.link]);
    await world.settle();
    const winners = [wa, wb].filter((w) => w.value !== undefined);
    expect(winners).toHaveLength(1);
    const winner = winners[0]?.value;
    if (winner !== undefined) held.push(winner);
    expect(world.leaseSpec()).toMatchObject({ holderIdentity: winner?.identity, leaseTransitions: 5 });
    await world.advance(30_000);
    expect([wa, wb].filter((w) => w.value !== undefined)).toHaveLength(1);
    expect(world.leaseSpec().holderIdentity).toBe(winner?.identity);
  });

  it('two candidates creating the lease at once: AlreadyExists leaves exactly one leader', async () => {
    const a = world.candidate('pod-a_1');
    const b = world.candidate('pod-b_2');
    a.link.gate = { waiting: [] };
    b.link.gate = { waiting: [] };
    const wa = campaign(a);
    const wb = campaign(b);
    await world.writesHeld([a.link, b.link], 2);
    openGates([a.link, b.link]);
    await world.settle();
    const winners = [wa, wb].flatMap((w) => (w.value === undefined ? [] : [w.value]));
    held.push(...winners);
    expect(winners.map((l) => l.identity)).toEqual([world.leaseSpec().holderIdentity]);
    expect(world.leaseSpec().leaseTransitions).toBe(0);
  });

  it('losing the lease ends the leadership: renewals failing past renewDeadline', async () => {
    const a = world.candidate('pod-a_1');
    const leadership = await leaderOf(a);
    const ended = watch(world, leadership.ended);
    const start = world.clock.now();
    await world.advance(1_000);
    a.link.partitioned = true;
    await world.advance(8_000);
    expect(ended.settledAt).toBeUndefined();
    expect(leadership.isLeading()).toBe(true);
    await world.advance(3_000);
    const end: LeadershipEnd | undefined = ended.value;
    expect(end?.kind).toBe('lost');
    expect(end?.kind === 'lost' ? end.error.message : '').toMatch(
      /lost lease kube-system\/kuryr-services-controller .*no successful renewal within 10000 ms/,
    );
    // The only success was the acquisition, sent 250 ms before `start`.
    expect(ended.settledAt).toBeLessThanOrEqual(start + 10_000);
    expect(leadership.isLeading()).toBe(false);
  });

  it('losing the lease ends the leadership at once when another holder shows up', async () => {
    const leadership = await leaderOf(world.candidate('pod-a_1'));
    world.server.store.patch(
      { apiVersion: 'coordination.k8s.io/v1', plural: 'leases', ...LEASE },
      { spec: { holderIdentity: 'intruder' } },
    );
    const ended = watch(world, leadership.ended);
    await world.advance(2_000);
    expect(ended.value?.kind).toBe('lost');
    expect(world.leaseSpec().holderIdentity).toBe('intruder');
  });

  it('a Lease deleted under the holder: the holder stops, the standby waits it out, then creates one', async () => {
    const leadership = await leaderOf(world.candidate('pod-a_1'));
    const b = campaign(world.candidate('pod-b_2'));
    await world.advance(1_000);
    world.server.store.delete({ apiVersion: 'coordination.k8s.io/v1', plural: 'leases', ...LEASE });
    const deletedAt = world.clock.now();
    const ended = watch(world, leadership.ended);
    await world.advance(2_000);
    expect(ended.value?.kind === 'lost' ? ended.value.error.message : '').toMatch(
      /held by \(deleted lease\)/,
    );
    expect(world.lease()).toBeUndefined();
    await world.advance(16_000);
    expect(b.value?.isLeading()).toBe(true);
    if (b.value !== undefined) held.push(b.value);
    expect(b.settledAt).toBeGreaterThanOrEqual(deletedAt + 15_000);
    expect(world.leaseSpec()).toMatchObject({ holderIdentity: 'pod-b_2', leaseTransitions: 0 });
  });

  it('keeps campaigning through API errors, and stops when its signal aborts', async () => {
    world.server.failNext({ pathRegex: /leases/, status: 503, times: 3 });
    const a = world.candidate('pod-a_1');
    const w = campaign(a);
    await world.advance(7_000);
    expect(w.value?.isLeading()).toBe(true);
    if (w.value !== undefined) held.push(w.value);

    const b = world.candidate('pod-b_2');
    const stop = new AbortController();
    const wb = watch(world, b.elector.campaign(stop.signal));
    await world.advance(1_000);
    stop.abort();
    await world.advance(250);
    expect(wb.error).toBeInstanceOf(LeaderElectionStoppedError);
  });

  it('refuses timings that would allow two leaders', () => {
    const client = leaseClientFor(world.server.kubeConfig(), LEASE);
    const make = (timing: object) => () =>
      new LeaderElector({ client, identity: 'x', clock: world.clock, logger: silentLogger(), timing });
    expect(make({ leaseDurationMs: 10_000, renewDeadlineMs: 10_000 })).toThrow(LeaderElectionConfigError);
    expect(make({ renewDeadlineMs: 2_000, retryPeriodMs: 2_000 })).toThrow(LeaderElectionConfigError);
    expect(make({ retryPeriodMs: 0 })).toThrow(LeaderElectionConfigError);
    expect(make({})).not.toThrow();
  });
});

describe('leaseClientFor', () => {
  it('reads a missing lease as null, then creates and replaces it conditionally', async () => {
    const client = leaseClientFor(world.server.kubeConfig(), LEASE);
    const signal = new AbortController().signal;
    expect(await client.get(signal)).toBeNull();
    const created = await client.create({ holderIdentity: 'a', leaseDurationSeconds: 15 }, signal);
    const replaced = await client.replace(created, { holderIdentity: 'b', leaseDurationSeconds: 15 }, signal);
    expect(replaced.record.holderIdentity).toBe('b');
    const stale = client.replace(created, { holderIdentity: 'c' }, signal);
    await expect(stale).rejects.toSatisfy((e: unknown) => e instanceof KubeApiError && e.isConflict);
    expect(world.leaseSpec().holderIdentity).toBe('b');
  });

  it('passes its signal to the request: an aborted call fails without an answer', async () => {
    const client = leaseClientFor(world.server.kubeConfig(), LEASE);
    const aborted = AbortSignal.abort(new Error('gone'));
    await expect(client.create({ holderIdentity: 'a' }, aborted)).rejects.toSatisfy(
      (e: unknown) => e instanceof KubeApiError && e.status === 0,
    );
    expect(world.lease()).toBeUndefined();
  });
});
