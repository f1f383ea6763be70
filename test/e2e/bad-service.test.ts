/**
 * Bad Services next to good ones. The simulated API server refuses a clusterIP outside its
 * range (like the real one), so the two bad inputs here are: a malformed timeout annotation
 * (never translatable: InputValid False, no load balancer) and a type=LoadBalancer Service
 * whose loadBalancerIP names a floating IP that does not exist (its load balancer is built,
 * but Ready stays False). Both get a Warning Event and a KuryrLoadBalancer condition, are
 * not retried in a loop, and converge once fixed. The good Services converge regardless.
 */
import { describe, expect, it } from 'vitest';
import { TIMEOUT_CLIENT_DATA_ANNOTATION } from '../../src/core/translate/options.js';
import { type Harness } from '../support/e2e-harness.js';
import { waitFor } from '../support/wait.js';
import { eventCount, ingressOf, klbCondition } from './support/kube-reads.js';
import { ownedFips } from './support/neutron-reads.js';
import { treesFor, waitSettled } from './support/octavia-reads.js';
import { useHarness } from './support/scenario.js';
import { CONVERGE_MS, SCENARIO_MS } from './support/timeouts.js';
import { createWeb, updateService, webSpec } from './support/user-edits.js';

/** An address of TEST-NET-3 (RFC 5737): no floating IP of the test cloud can hold it. */
const MISSING_FIP = '203.0.113.77';

/** Total reconciles run by the current controller instance (all keys). */
async function reconcileCount(h: Harness): Promise<number> {
  const metric = await h.registry().getSingleMetric('kuryr_reconcile_duration_seconds')?.get();
  return (metric?.values ?? [])
    .filter((v) => 'metricName' in v && v.metricName === 'kuryr_reconcile_duration_seconds_count')
    .reduce((sum, v) => sum + v.value, 0);
}

/** Total OpenStack requests sent by the current controller instance. */
async function requestCount(h: Harness): Promise<number> {
  const metric = await h.registry().getSingleMetric('kuryr_openstack_requests_total')?.get();
  return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}

describe('a bad Service next to good ones', () => {
  let h: Harness;
  useHarness((harness) => {
    h = harness;
  });

  it(
    'good ones converge; bad ones are reported once, not retried in a loop, and converge when fixed',
    async () => {
      await createWeb(h, 'bs-good1', webSpec('10.2.63.10'), { podIps: ['10.1.63.10'] });
      await createWeb(h, 'bs-good2', webSpec('10.2.63.11', { type: 'LoadBalancer' }), {
        podIps: ['10.1.63.11'],
      });
      await createWeb(h, 'bs-timeout', webSpec('10.2.63.12'), {
        podIps: ['10.1.63.12'],
        annotations: { [TIMEOUT_CLIENT_DATA_ANNOTATION]: 'abc' },
      });
      await createWeb(
        h,
        'bs-fip',
        webSpec('10.2.63.13', { type: 'LoadBalancer', loadBalancerIP: MISSING_FIP }),
        {
          podIps: ['10.1.63.13'],
        },
      );

      await waitSettled(h, 'bs-good1', '10.2.63.10', 1);
      const good2 = await waitSettled(h, 'bs-good2', '10.2.63.11', 1);
      await waitFor('bs-good2 has its Pool FIP in the ingress', CONVERGE_MS, async () => {
        const fip = (await ownedFips(h)).find((f) => f.portId === good2.vipPortId);
        return fip !== undefined && (await ingressOf(h, 'bs-good2'))[0] === fip.address;
      });

      await waitFor('bs-timeout: InputValid False + Warning', CONVERGE_MS, async () => {
        const c = await klbCondition(h, 'bs-timeout', 'InputValid');
        return c?.status === 'False' && (await eventCount(h, 'bs-timeout', 'KuryrInvalidService')) > 0;
      }).catch(async (err: unknown) => {
        // Name the actual reason in the failure rather than only timing out.
        throw new Error(
          `bs-timeout not reported: ${JSON.stringify(await klbCondition(h, 'bs-timeout', 'InputValid'))}`,
          {
            cause: err,
          },
        );
      });
      const timeoutCondition = await klbCondition(h, 'bs-timeout', 'InputValid');
      expect(timeoutCondition?.message).toContain(TIMEOUT_CLIENT_DATA_ANNOTATION);
      expect(await treesFor(h, 'bs-timeout')).toEqual([]);

      await waitFor('bs-fip: Ready False (floating IP unavailable) + Warning', CONVERGE_MS, async () => {
        const c = await klbCondition(h, 'bs-fip', 'Ready');
        return c?.status === 'False' && (await eventCount(h, 'bs-fip', 'KuryrFloatingIpUnavailable')) > 0;
      });
      expect((await klbCondition(h, 'bs-fip', 'Ready'))?.message).toContain(MISSING_FIP);
      expect(await ingressOf(h, 'bs-fip')).toEqual([]);

      // No hot loop: with everything settled and the resync 600 s away, ~10 s bring (almost) no work.
      const reconciles = await reconcileCount(h);
      const requests = await requestCount(h);
      const warnings =
        (await eventCount(h, 'bs-timeout', 'KuryrInvalidService')) +
        (await eventCount(h, 'bs-fip', 'KuryrFloatingIpUnavailable'));
      await new Promise((r) => setTimeout(r, 10_000));
      expect((await reconcileCount(h)) - reconciles).toBeLessThanOrEqual(2);
      expect((await requestCount(h)) - requests).toBeLessThanOrEqual(20);
      const warningsAfter =
        (await eventCount(h, 'bs-timeout', 'KuryrInvalidService')) +
        (await eventCount(h, 'bs-fip', 'KuryrFloatingIpUnavailable'));
      expect(warningsAfter).toBe(warnings);

      // Fixing them: drop the bad annotation; drop the loadBalancerIP (Pool FIP from the config).
      await updateService(h, 'bs-timeout', (svc) => {
        delete svc.metadata?.annotations?.[TIMEOUT_CLIENT_DATA_ANNOTATION];
      });
      await updateService(h, 'bs-fip', (svc) => {
        if (svc.spec !== undefined) delete svc.spec.loadBalancerIP;
      });
      await waitSettled(h, 'bs-timeout', '10.2.63.12', 1);
      const fixed = await waitSettled(h, 'bs-fip', '10.2.63.13', 1);
      await waitFor('bs-fip has a Pool FIP in the ingress, Ready True', CONVERGE_MS, async () => {
        const fip = (await ownedFips(h)).find((f) => f.portId === fixed.vipPortId);
        const ready = await klbCondition(h, 'bs-fip', 'Ready');
        return (
          fip !== undefined && (await ingressOf(h, 'bs-fip'))[0] === fip.address && ready?.status === 'True'
        );
      });
      await waitFor('bs-timeout Ready True, InputValid True', CONVERGE_MS, async () => {
        const ready = await klbCondition(h, 'bs-timeout', 'Ready');
        const valid = await klbCondition(h, 'bs-timeout', 'InputValid');
        return ready?.status === 'True' && valid?.status === 'True';
      });
    },
    SCENARIO_MS,
  );
});
