/**
 * E2E in-place changes: timeouts (annotations), sessionAffinity and loadBalancerSourceRanges
 * of a live Service are applied to its listener and pool where they are (updateListener /
 * updatePool): same load balancer, same listener and pool ids, members untouched. Then
 * everything is switched back.
 */
import type { V1Service } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObservedLoadBalancer } from '../../src/core/model.js';
import {
  TIMEOUT_CLIENT_DATA_ANNOTATION,
  TIMEOUT_MEMBER_DATA_ANNOTATION,
} from '../../src/core/translate/options.js';
import { sliceManifest, startHarness, type Harness } from '../support/e2e-harness.js';
import { actions } from './support/kube-reads.js';
import { memberTargets, poolOf, waitForTree } from './support/octavia-reads.js';
import { STEP_MS } from './support/timeouts.js';
import { createWithSlices, updateService } from './support/user-edits.js';

const NAME = 'inplace';

function ids(lb: ObservedLoadBalancer): string[] {
  return [lb.id, ...lb.listeners.map((l) => l.id), ...lb.pools.map((p) => p.id)].sort();
}

function listener(lb: ObservedLoadBalancer) {
  const [only] = lb.listeners;
  if (only === undefined) throw new Error('no listener');
  return only;
}

describe('e2e in-place changes', { timeout: STEP_MS }, () => {
  let h: Harness;
  let before: ObservedLoadBalancer;

  beforeAll(async () => {
    h = await startHarness({ extraConf: 'enable_session_affinity = true\nenable_source_ranges = true' });
    await h.startController();
    await createWithSlices(
      h,
      NAME,
      { clusterIP: '10.2.73.10', ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
      [sliceManifest(NAME, ['10.1.73.1', '10.1.73.2'], [{ name: 'http', port: 8080 }])],
    );
    before = await waitForTree(h, NAME, '2 members', (t) => poolOf(t, 'TCP', 80)?.members.length === 2);
  }, STEP_MS);

  afterAll(async () => {
    await h.dispose();
  }, STEP_MS);

  it('timeouts, ClientIP affinity and source ranges change the listener and pool in place', async () => {
    expect(listener(before)).toMatchObject({ timeoutClientData: 50000, allowedCidrs: [] });
    expect(poolOf(before, 'TCP', 80)?.sessionPersistence).toBeNull();

    await updateService(h, NAME, (svc: V1Service) => {
      svc.metadata = Object.assign(svc.metadata ?? {}, {
        annotations: {
          [TIMEOUT_CLIENT_DATA_ANNOTATION]: '120000',
          [TIMEOUT_MEMBER_DATA_ANNOTATION]: '90000',
        },
      });
      if (svc.spec === undefined) return;
      svc.spec.sessionAffinity = 'ClientIP';
      svc.spec.loadBalancerSourceRanges = ['192.0.2.0/24', '198.51.100.7/32'];
    });
    const changed = await waitForTree(h, NAME, 'options applied', (t) => {
      const l = t.listeners[0];
      return (
        l?.timeoutClientData === 120000 &&
        l.timeoutMemberData === 90000 &&
        l.allowedCidrs.length === 2 &&
        poolOf(t, 'TCP', 80)?.sessionPersistence?.type === 'SOURCE_IP'
      );
    });
    expect(ids(changed)).toEqual(ids(before));
    expect(listener(changed).allowedCidrs).toEqual(['192.0.2.0/24', '198.51.100.7/32']);
    expect(memberTargets(poolOf(changed, 'TCP', 80))).toEqual(['10.1.73.1:8080', '10.1.73.2:8080']);
    expect(await actions(h, 'createLoadBalancer')).toBe(1);
    expect(await actions(h, 'updateListener')).toBeGreaterThanOrEqual(1);
    expect(await actions(h, 'updatePool')).toBeGreaterThanOrEqual(1);
    expect(await actions(h, 'replaceMembers')).toBe(0);

    await updateService(h, NAME, (svc: V1Service) => {
      if (svc.metadata !== undefined) svc.metadata.annotations = {};
      if (svc.spec === undefined) return;
      svc.spec.sessionAffinity = 'None';
      svc.spec.loadBalancerSourceRanges = [];
    });
    const back = await waitForTree(h, NAME, 'options reverted', (t) => {
      const l = t.listeners[0];
      return (
        l?.timeoutClientData === 50000 &&
        l.allowedCidrs.length === 0 &&
        poolOf(t, 'TCP', 80)?.sessionPersistence === null
      );
    });
    expect(ids(back)).toEqual(ids(before));
    expect(await actions(h, 'createLoadBalancer')).toBe(1);
  });
});
