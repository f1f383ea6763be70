/**
 * E2E create_mode = step-by-step: for an Octavia whose fully-populated create is known to
 * leave children PENDING (ADR 0002/0006), the operator skips the first attempt. Against the
 * real cloud, a two-port LoadBalancer Service must end with the same tree a fully-populated
 * create gives: a bare load balancer first, then per listener the listener, its pool and its
 * members, one Octavia write per pass; its Pool floating IP on the VIP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sliceManifest, startHarness, type Harness } from '../support/e2e-harness.js';
import { waitFor } from '../support/wait.js';
import { actions, counterValue, serviceOf } from './support/kube-reads.js';
import { listenerKeys, memberTargets, poolOf, waitForTree } from './support/octavia-reads.js';
import { SETTLE_MS, STEP_MS } from './support/timeouts.js';
import { createWithSlices } from './support/user-edits.js';

describe('e2e create_mode = step-by-step', { timeout: STEP_MS }, () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ extraConf: 'create_mode = step-by-step' });
    await h.startController();
  }, STEP_MS);

  afterAll(async () => {
    await h.dispose();
  }, STEP_MS);

  it('builds the whole tree one write at a time and attaches the Pool floating IP', async () => {
    await createWithSlices(
      h,
      'stepwise',
      {
        type: 'LoadBalancer',
        clusterIP: '10.2.71.10',
        ports: [
          { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
          { name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' },
        ],
      },
      [
        sliceManifest(
          'stepwise',
          ['10.1.71.1', '10.1.71.2'],
          [
            { name: 'http', port: 8080 },
            { name: 'dns', port: 5353, protocol: 'UDP' },
          ],
        ),
      ],
    );
    const lb = await waitForTree(h, 'stepwise', 'two listeners with their members', (t) => {
      return t.listeners.length === 2 && t.pools.length === 2 && t.pools.every((p) => p.members.length === 2);
    });
    expect(listenerKeys(lb)).toEqual(['TCP:80', 'UDP:53']);
    expect(memberTargets(poolOf(lb, 'TCP', 80))).toEqual(['10.1.71.1:8080', '10.1.71.2:8080']);
    expect(memberTargets(poolOf(lb, 'UDP', 53))).toEqual(['10.1.71.1:5353', '10.1.71.2:5353']);
    expect(lb.vipAddress).toBe('10.2.71.10');

    await waitFor('stepwise: ingress is the floating IP on the VIP port', SETTLE_MS, async () => {
      const fips = await h.ownedFloatingIps();
      const ingress = serviceOf(h, 'stepwise')?.status?.loadBalancer?.ingress?.[0]?.ip;
      return fips.length === 1 && fips[0]?.portId === lb.vipPortId && ingress === fips[0].address;
    });
    expect(await counterValue(h, 'kuryr_loadbalancer_creates_total', { path: 'step-by-step' })).toBe(1);
    expect(await counterValue(h, 'kuryr_loadbalancer_creates_total', { path: 'fully-populated' })).toBe(0);
    // One bare load balancer, then listener + pool (+ members unless the pool was created with them) per port.
    expect(await actions(h, 'createLoadBalancer')).toBe(1);
    expect(await actions(h, 'createListener')).toBe(2);
    expect(await actions(h, 'createPool')).toBe(2);
  });
});
