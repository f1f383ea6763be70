/**
 * ClusterIP change. The API server refuses to change `spec.clusterIP` in place, so in a real
 * cluster the VIP changes when the Service is deleted and re-created under the same name
 * (new uid). Two ways that happens:
 * - with the controller running: the finalizer holds the old Service until its load
 *   balancer and floating IP are released, then the new incarnation gets fresh ones;
 * - while the controller is down and the old Service was force-deleted (its finalizer
 *   stripped by hand): on restart the controller finds the previous incarnation's load
 *   balancer by its Service tag, deletes it (wrong VIP) and creates one on the new VIP.
 *   A Pool floating IP is owned per Service name (any incarnation), so the design keeps it
 *   and re-associates it to the new VIP: the external address survives.
 */
import { describe, expect, it } from 'vitest';
import { type Harness } from '../support/e2e-harness.js';
import { waitFor, waitForValue } from '../support/wait.js';
import { ingressOf, NS, waitIngress, waitServiceGone } from './support/kube-reads.js';
import { fipById, ownedFips } from './support/neutron-reads.js';
import { treesFor, waitSettled } from './support/octavia-reads.js';
import { useHarness } from './support/scenario.js';
import { CONVERGE_MS, SCENARIO_MS } from './support/timeouts.js';
import { createWeb, deleteService, updateService, webSpec } from './support/user-edits.js';

const POD = '10.1.60.10';

/** Creates the Service, retrying while the old incarnation is still terminating (409). */
async function recreate(h: Harness, name: string, clusterIP: string): Promise<void> {
  await waitFor(`${name}: re-created`, CONVERGE_MS, async () => {
    try {
      await createWeb(h, name, webSpec(clusterIP, { type: 'LoadBalancer' }), { podIps: [POD] });
      return true;
    } catch (err) {
      if (typeof err === 'object' && err !== null && 'code' in err && err.code === 409) return false;
      throw err;
    }
  });
}

/** Waits until the Service has one settled LB on `vip` with the one owned FIP on its VIP port and in its ingress. */
async function waitServed(
  h: Harness,
  name: string,
  vip: string,
): Promise<{ lbId: string; fipId: string; address: string }> {
  const lb = await waitSettled(h, name, vip, 1);
  const fip = await waitForValue(
    `${name}: one owned FIP on the VIP port and in the ingress`,
    CONVERGE_MS,
    async () => {
      const fips = await ownedFips(h);
      const [only] = fips.filter((f) => f.portId === lb.vipPortId);
      const ingress = await ingressOf(h, name);
      return only !== undefined && ingress[0] === only.address ? only : null;
    },
  );
  return { lbId: lb.id, fipId: fip.id, address: fip.address };
}

describe('ClusterIP change (delete + re-create under the same name)', () => {
  let h: Harness;
  useHarness((harness) => {
    h = harness;
  });

  it(
    'controller running: the old LB and FIP are released first, the new incarnation gets its own on the new VIP',
    async () => {
      const name = 'cip-live';
      await createWeb(h, name, webSpec('10.2.60.10', { type: 'LoadBalancer' }), { podIps: [POD] });
      const before = await waitServed(h, name, '10.2.60.10');

      await deleteService(h, name);
      await recreate(h, name, '10.2.60.11');
      const after = await waitServed(h, name, '10.2.60.11');

      expect(after.lbId).not.toBe(before.lbId);
      // The finalizer held the old incarnation until its FIP was released: a new one was allocated.
      expect(await fipById(h, before.fipId)).toBeNull();
      expect(after.fipId).not.toBe(before.fipId);
      expect((await treesFor(h, name)).map((lb) => lb.vipAddress)).toEqual(['10.2.60.11']);
      expect((await ownedFips(h)).filter((f) => f.description.includes(`${NS}/${name}`))).toHaveLength(1);
    },
    SCENARIO_MS,
  );

  it(
    'controller down, Service force-deleted and re-created on a new IP: old LB removed, new LB on the new VIP, Pool FIP kept',
    async () => {
      const name = 'cip-down';
      await createWeb(h, name, webSpec('10.2.60.20', { type: 'LoadBalancer' }), { podIps: [POD] });
      const before = await waitServed(h, name, '10.2.60.20');

      await h.stopController();
      await deleteService(h, name);
      await updateService(h, name, (svc) => {
        if (svc.metadata !== undefined) svc.metadata.finalizers = [];
      });
      await waitServiceGone(h, name);
      await recreate(h, name, '10.2.60.21');
      await h.startController();

      const after = await waitServed(h, name, '10.2.60.21');
      expect(after.lbId).not.toBe(before.lbId);
      expect(after.fipId).toBe(before.fipId);
      expect(after.address).toBe(before.address);
      expect((await treesFor(h, name)).map((lb) => lb.vipAddress)).toEqual(['10.2.60.21']);
      expect(await ingressOf(h, name)).toEqual([before.address]);
      await waitIngress(h, name, [before.address]);
    },
    SCENARIO_MS,
  );
});
