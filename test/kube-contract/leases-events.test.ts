/**
 * Contract: coordination.k8s.io/v1 Leases as the leader election uses them (create, read,
 * replace with optimistic concurrency, MicroTime with microseconds) and core/v1 Events as
 * the event recorder writes them (create with generateName, merge-patch of count and
 * lastTimestamp, list by involvedObject field selectors).
 */
import { PatchStrategy, setHeaderOptions, V1MicroTime, type CoreV1Event } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFailure, edited } from '../support/kube-apiserver/recorder.js';
import { target, testNamespace } from './target.js';

const t = target();
let ns: Awaited<ReturnType<typeof testNamespace>>;

beforeAll(async () => {
  ns = await testNamespace(t, 'leases');
});
afterAll(async () => {
  await ns.remove();
});

describe('leases', () => {
  it('round-trips MicroTimes with microseconds and refuses a stale replace with 409', async () => {
    const at = new V1MicroTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    const lease = await t.coordination.createNamespacedLease({
      namespace: ns.name,
      body: {
        metadata: { name: 'leader' },
        spec: {
          holderIdentity: 'a',
          leaseDurationSeconds: 15,
          acquireTime: at,
          renewTime: at,
          leaseTransitions: 0,
        },
      },
    });
    expect(lease.spec).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 });
    expect(lease.spec?.renewTime).toBe('2026-01-02T03:04:05.678000Z');
    const read = await t.coordination.readNamespacedLease({ namespace: ns.name, name: 'leader' });
    expect(read.spec?.acquireTime).toBe('2026-01-02T03:04:05.678000Z');

    const renewed = await t.coordination.replaceNamespacedLease({
      namespace: ns.name,
      name: 'leader',
      body: edited(read, (l) => {
        Object.assign((l.spec ??= {}), { renewTime: new V1MicroTime(Date.UTC(2026, 0, 2, 3, 4, 7, 1)) });
      }),
    });
    expect(renewed.spec?.renewTime).toBe('2026-01-02T03:04:07.001000Z');
    const stale = await apiFailure(
      t.coordination.replaceNamespacedLease({
        namespace: ns.name,
        name: 'leader',
        body: edited(read, (l) => {
          Object.assign((l.spec ??= {}), { holderIdentity: 'b' });
        }),
      }),
    );
    expect(stale.code).toBe(409);
    expect(stale.status).toMatchObject({
      reason: 'Conflict',
      details: { name: 'leader', group: 'coordination.k8s.io', kind: 'leases' },
    });
  });
});

describe('core/v1 events', () => {
  it('creates with generateName, merge-patches count and lastTimestamp, lists by involvedObject', async () => {
    const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    const body: CoreV1Event = {
      metadata: { generateName: 'web.', namespace: ns.name },
      involvedObject: {
        apiVersion: 'v1',
        kind: 'Service',
        namespace: ns.name,
        name: 'web',
        uid: '00000000-0000-0000-0000-000000000001',
      },
      type: 'Normal',
      reason: 'KuryrEnsuredLB',
      message: 'load balancer ready',
      source: { component: 'kuryr-services' },
      reportingComponent: 'kuryr-services',
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
    };
    const created = await t.core.createNamespacedEvent({ namespace: ns.name, body });
    expect(created.metadata.name).toMatch(/^web\.[a-z0-9]+$/);
    expect(created.count).toBe(1);
    const later = '2026-01-02T03:05:05Z';
    const bumped = await t.core.patchNamespacedEvent(
      { namespace: ns.name, name: created.metadata.name ?? '', body: { count: 2, lastTimestamp: later } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(bumped.count).toBe(2);
    expect(bumped.lastTimestamp).toEqual(new Date(later));
    expect(bumped.firstTimestamp).toEqual(at);
    await t.core.createNamespacedEvent({
      namespace: ns.name,
      body: edited(body, (e) => {
        e.involvedObject.name = 'other';
      }),
    });
    const forWeb = await t.core.listNamespacedEvent({
      namespace: ns.name,
      fieldSelector: 'involvedObject.kind=Service,involvedObject.name=web',
    });
    expect(forWeb.items.map((e) => e.metadata.name)).toEqual([created.metadata.name]);
  });
});
