import { CoordinationV1Api, V1MicroTime } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiFailure } from '../../support/kube-apiserver/recorder.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/server.js';

const LEASES = { apiVersion: 'coordination.k8s.io/v1', plural: 'leases', namespace: 'kube-system' };

let server: KubeApiServer;
let leases: CoordinationV1Api;

beforeEach(async () => {
  server = await startKubeApiServer();
  leases = server.kubeConfig().makeApiClient(CoordinationV1Api);
});
afterEach(async () => {
  await server.stop();
});

const create = (name: string, spec: object) =>
  leases.createNamespacedLease({ namespace: 'kube-system', body: { metadata: { name }, spec } });

describe('leases', () => {
  it('stores MicroTimes given with an offset in UTC', async () => {
    const at = new V1MicroTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    await create('a', { holderIdentity: 'x', renewTime: at, acquireTime: at });
    server.store.patch({ ...LEASES, name: 'a' }, { spec: { renewTime: '2026-01-02T05:04:05.123456+02:00' } });
    expect(server.store.get({ ...LEASES, name: 'a' })?.spec).toMatchObject({
      renewTime: '2026-01-02T03:04:05.123456Z',
      acquireTime: '2026-01-02T03:04:05.678000Z',
    });
  });

  it('refuses a time that is not RFC3339Micro (a plain Date serializes with milliseconds) with 400', async () => {
    const failure = await apiFailure(create('b', { holderIdentity: 'x', renewTime: new Date(0) }));
    expect(failure.code).toBe(400);
    expect(failure.status.message).toMatch(
      /Lease in version "v1" cannot be handled as a Lease: parsing time .*1970-01-01T00:00:00\.000Z/,
    );
    expect(server.store.get({ ...LEASES, name: 'b' })).toBeUndefined();
  });

  it('validates the spec: duration > 0, transitions >= 0, preferredHolder only with strategy (422)', async () => {
    const duration = await apiFailure(create('c', { leaseDurationSeconds: 0 }));
    expect(duration.code).toBe(422);
    expect(duration.status.message).toBe(
      'Lease "c" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    );
    const transitions = await apiFailure(create('c', { leaseTransitions: -1 }));
    expect(transitions.status.message).toMatch(/spec\.leaseTransitions: Invalid value: -1/);
    const preferred = await apiFailure(create('c', { preferredHolder: 'x' }));
    expect(preferred.status.message).toMatch(/spec\.preferredHolder: Forbidden/);

    const ok = await create('c', { leaseDurationSeconds: 15, leaseTransitions: 0 });
    const update = await apiFailure(
      leases.replaceNamespacedLease({
        name: 'c',
        namespace: 'kube-system',
        body: { metadata: ok.metadata ?? {}, spec: { leaseDurationSeconds: -5 } },
      }),
    );
    expect(update.code).toBe(422);
    expect(server.store.get({ ...LEASES, name: 'c' })?.spec).toMatchObject({ leaseDurationSeconds: 15 });
  });
});
