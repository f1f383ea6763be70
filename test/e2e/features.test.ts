/**
 * The Octavia features users pick cloud-provider-openstack for, through the controller on the
 * real test cloud:
 * - a health monitor asked for by annotation is part of the one fully-populated create (no
 *   separate monitor write), carries the annotated timings, and goes when the annotation does;
 * - with `kubernetes_api_lb = true`, the `default/kubernetes` Service gets the load balancer
 *   pods reach the API servers through: HTTPS (TLS passthrough) 443 → the API servers' 6443,
 *   LEAST_CONNECTIONS, one-hour timeouts, members from its EndpointSlice; deleting the
 *   Service releases it.
 */
import { describe, expect, it } from 'vitest';
import type { Harness } from '../support/e2e-harness.js';
import { sliceManifest } from '../support/e2e-harness.js';
import { actions, klbCondition } from './support/kube-reads.js';
import { memberTargets, poolOf, waitForTree, waitReleased } from './support/octavia-reads.js';
import { useHarness } from './support/scenario.js';
import { STEP_MS } from './support/timeouts.js';
import { waitFor } from '../support/wait.js';
import { createWeb, createWithSlices, deleteService, webSpec } from './support/user-edits.js';

const HM = {
  'loadbalancer.openstack.org/enable-health-monitor': 'true',
  'loadbalancer.openstack.org/health-monitor-delay': '7',
  'loadbalancer.openstack.org/health-monitor-timeout': '4',
  'loadbalancer.openstack.org/health-monitor-max-retries': '2',
};

describe('e2e Octavia features', { timeout: STEP_MS }, () => {
  let h: Harness;
  useHarness((harness) => (h = harness), [], { extraConf: 'kubernetes_api_lb = true\n' });

  it('a health monitor by annotation: in the one create, its timings, removed with the annotation', async () => {
    await createWeb(h, 'hm', webSpec('10.2.81.10'), { podIps: ['10.1.81.10'], annotations: HM });
    const tree = await waitForTree(h, 'hm', 'a pool with a health monitor', (lb) =>
      lb.pools.some((p) => p.healthMonitor !== undefined),
    );
    expect(poolOf(tree, 'TCP', 80)?.healthMonitor).toMatchObject({
      type: 'TCP',
      delay: 7,
      timeout: 4,
      maxRetries: 2,
    });
    expect(await actions(h, 'createLoadBalancer')).toBe(1);
    expect(await actions(h, 'createHealthMonitor')).toBe(0);

    const current = await h.core.readNamespacedService({ namespace: 'default', name: 'hm' });
    if (current.metadata !== undefined) current.metadata.annotations = {};
    await h.core.replaceNamespacedService({ namespace: 'default', name: 'hm', body: current });
    await waitForTree(h, 'hm', 'the health monitor gone', (lb) =>
      lb.pools.every((p) => p.healthMonitor === undefined),
    );
    expect(await actions(h, 'deleteHealthMonitor')).toBe(1);
    await deleteService(h, 'hm');
    await waitReleased(h, 'hm');
  });

  it('default/kubernetes: HTTPS 443 → 6443, LEAST_CONNECTIONS, one-hour timeouts; released with the Service', async () => {
    await createWithSlices(
      h,
      'kubernetes',
      { clusterIP: '10.2.81.1', ports: [{ name: 'https', port: 443, targetPort: 6443, protocol: 'TCP' }] },
      [sliceManifest('kubernetes', ['10.1.81.20', '10.1.81.21'], [{ name: 'https', port: 6443 }])],
    );
    const tree = await waitForTree(h, 'kubernetes', 'the API server tree', (lb) =>
      lb.pools.some((p) => p.members.length === 2),
    );
    const listener = tree.listeners.find((l) => l.protocolPort === 443);
    expect(listener).toMatchObject({
      protocol: 'HTTPS',
      timeoutClientData: 3_600_000,
      timeoutMemberData: 3_600_000,
    });
    const pool = poolOf(tree, 'HTTPS', 443);
    expect(pool).toMatchObject({ protocol: 'HTTPS', lbAlgorithm: 'LEAST_CONNECTIONS' });
    expect(memberTargets(pool)).toEqual(['10.1.81.20:6443', '10.1.81.21:6443']);
    await waitFor(
      'default/kubernetes Ready',
      STEP_MS,
      async () => (await klbCondition(h, 'kubernetes', 'Ready'))?.status === 'True',
    );
    // The harness never deletes default/kubernetes (a real API server keeps it): this test does.
    await deleteService(h, 'kubernetes');
    await waitReleased(h, 'kubernetes');
  });
});
