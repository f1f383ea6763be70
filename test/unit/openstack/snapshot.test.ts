/**
 * The resync's shared lists (src/openstack/snapshot.ts): indexed by Service tag, answered only
 * while fresh, and never answered after a failed list — a failure must send every pass to a
 * full observation (null), not to an empty view that would look like "nothing in OpenStack".
 */
import { describe, expect, it } from 'vitest';
import { clusterTag, OWNER_TAG, serviceTag, writerTag, type Owner } from '../../../src/core/ownership.js';
import { makeSnapshotReader } from '../../../src/openstack/snapshot.js';
import type { OpenStackRequest, OpenStackSession } from '../../../src/openstack/session.js';
import { FakeCloud } from './observe-fake-cloud.js';

const owner: Owner = { clusterId: 'c-1', writer: 'w-1' };
const web = { namespace: 'default', name: 'web' };
const db = { namespace: 'default', name: 'db' };
const ours = (svc: typeof web): string[] => [OWNER_TAG, clusterTag('c-1'), writerTag('w-1'), serviceTag(svc)];

/** The fake cloud behind a switch: while `failing`, every request rejects as a 503 would. */
function world(): { cloud: FakeCloud; session: OpenStackSession; fail(on: boolean): void; calls(): number } {
  const cloud = new FakeCloud();
  let failing = false;
  let calls = 0;
  const session: OpenStackSession = {
    request<T>(req: OpenStackRequest) {
      calls += 1;
      if (failing) return Promise.reject(new Error(`503 on ${req.path}`));
      return cloud.session.request<T>(req);
    },
    endpoint: (s) => cloud.session.endpoint(s),
    projectId: () => cloud.session.projectId(),
  };
  return { cloud, session, fail: (on) => void (failing = on), calls: () => calls };
}

function reader(session: OpenStackSession, clock: { t: number }) {
  return makeSnapshotReader({ session, owner, projectId: 'p', now: () => clock.t, freshMs: 120_000 });
}

describe('snapshot reader', () => {
  it('indexes our load balancers and floating IPs by Service tag; a Service with none gets an empty view', async () => {
    const w = world();
    w.cloud.addLb('lb-web', 'default/web', ours(web));
    w.cloud.addLb('lb-foreign', 'default/web', ['someone-else']);
    w.cloud.addFip({ id: 'fip-web', tags: ours(web) });
    const snap = reader(w.session, { t: 0 });
    const owned = await snap.refresh(new AbortController().signal);
    expect(owned.keys).toEqual(['default/web']);
    const view = await snap.view(web);
    expect(view?.loadBalancers.map((lb) => [lb.id, lb.provisioningStatus])).toEqual([['lb-web', 'ACTIVE']]);
    expect(view?.floatingIps.map((f) => f.id)).toEqual(['fip-web']);
    expect(await snap.view(db)).toEqual({ loadBalancers: [], floatingIps: [] });
  });

  it('answers no view before the first refresh and after the snapshot is older than freshMs', async () => {
    const w = world();
    w.cloud.addLb('lb-web', 'default/web', ours(web));
    const clock = { t: 1_000 };
    const snap = reader(w.session, clock);
    expect(await snap.view(web)).toBeNull();
    await snap.refresh(new AbortController().signal);
    clock.t += 119_999;
    expect(await snap.view(web)).not.toBeNull();
    clock.t += 1;
    expect(await snap.view(web)).toBeNull();
  });

  it('a failed list rejects the refresh and answers null, dropping the older good snapshot too', async () => {
    const w = world();
    w.cloud.addLb('lb-web', 'default/web', ours(web));
    const snap = reader(w.session, { t: 0 });
    await snap.refresh(new AbortController().signal);
    expect((await snap.view(web))?.loadBalancers).toHaveLength(1);

    w.fail(true);
    await expect(snap.refresh(new AbortController().signal)).rejects.toThrow(/503/);
    // Neither the stale good snapshot nor an empty view: the pass must observe in full.
    expect(await snap.view(web)).toBeNull();
    expect(await snap.view(db)).toBeNull();

    w.fail(false);
    await snap.refresh(new AbortController().signal);
    expect((await snap.view(web))?.loadBalancers).toHaveLength(1);
  });

  it('a view asked while a refresh is in flight waits for it, and reads nothing of its own', async () => {
    const w = world();
    w.cloud.addLb('lb-web', 'default/web', ours(web));
    const snap = reader(w.session, { t: 0 });
    const refreshing = snap.refresh(new AbortController().signal);
    const viewing = snap.view(web);
    await refreshing;
    const before = w.calls();
    expect((await viewing)?.loadBalancers.map((lb) => lb.id)).toEqual(['lb-web']);
    await snap.view(web);
    expect(w.calls()).toBe(before);
  });

  it('a view waiting on a refresh that then fails answers null', async () => {
    const w = world();
    w.fail(true);
    const snap = reader(w.session, { t: 0 });
    const refreshing = snap.refresh(new AbortController().signal).catch((e: unknown) => e);
    expect(await snap.view(web)).toBeNull();
    expect(await refreshing).toBeInstanceOf(Error);
  });
});
