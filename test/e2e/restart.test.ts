/**
 * E2E restart in the middle: the controller is stopped like a crash (in-flight work
 * aborted) right after a create, a scale or a delete was applied, then started again. It
 * must converge with exactly one load balancer per Service and leak nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sliceManifest, startHarness, type Harness } from '../support/e2e-harness.js';
import { waitFor } from '../support/wait.js';
import { actions, klbOf, serviceOf } from './support/kube-reads.js';
import { lbsOf, memberTargets, poolOf, waitForTree } from './support/octavia-reads.js';
import { SETTLE_MS, STEP_MS } from './support/timeouts.js';
import { createWithSlices, replaceSlice } from './support/user-edits.js';

const PORTS = [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }];
const HTTP = [{ name: 'http', port: 8080 }];

describe('e2e restart in the middle', { timeout: STEP_MS }, () => {
  let h: Harness;
  const seen: string[] = [];

  beforeAll(async () => {
    h = await startHarness();
    await h.startController();
    await Promise.all([
      createWithSlices(h, 'rs-scale', { clusterIP: '10.2.44.10', ports: PORTS }, [
        sliceManifest('rs-scale', ['10.1.44.1', '10.1.44.2'], HTTP),
      ]),
      createWithSlices(h, 'rs-delete', { type: 'LoadBalancer', clusterIP: '10.2.44.11', ports: PORTS }, [
        sliceManifest('rs-delete', ['10.1.44.20'], HTTP),
      ]),
    ]);
    await waitForTree(h, 'rs-scale', '2 members', (t) => poolOf(t, 'TCP', 80)?.members.length === 2);
    await waitForTree(h, 'rs-delete', '1 member', (t) => poolOf(t, 'TCP', 80)?.members.length === 1);
    await waitFor('rs-delete: floating IP bound', SETTLE_MS, async () =>
      (await h.ownedFloatingIps()).some((f) => f.portId !== null),
    );
  }, STEP_MS);

  afterAll(async () => {
    // What the crash points looked like in Octavia, for the report.
    console.info(`restart e2e crash points: ${seen.join('; ')}`);
    await h.dispose();
  }, STEP_MS);

  it('create: a crash while the new load balancer is pending leaves no duplicate', async () => {
    await createWithSlices(h, 'rs-create', { clusterIP: '10.2.44.12', ports: PORTS }, [
      sliceManifest('rs-create', ['10.1.44.10', '10.1.44.11'], HTTP),
    ]);
    let firstId = '';
    await waitFor('rs-create: load balancer shows up', SETTLE_MS, async () => {
      const lb = (await lbsOf(h, 'rs-create'))[0];
      if (lb !== undefined) {
        firstId = lb.id;
        seen.push(`create: ${lb.provisioningStatus}`);
      }
      return lb !== undefined;
    });
    await h.stopController(0);
    await h.startController();
    const lb = await waitForTree(
      h,
      'rs-create',
      '2 members',
      (t) => poolOf(t, 'TCP', 80)?.members.length === 2,
    );
    expect(lb.id).toBe(firstId);
    expect(memberTargets(poolOf(lb, 'TCP', 80))).toEqual(['10.1.44.10:8080', '10.1.44.11:8080']);
    expect(await actions(h, 'createLoadBalancer')).toBe(0);
    await waitFor('rs-create: record names it', SETTLE_MS, () =>
      Promise.resolve(klbOf(h, 'rs-create')?.status?.loadbalancer?.id === firstId),
    );
  });

  // Timed out once (300 s settle) while Octavia was saturated by other testers' 20-LB bench;
  // not yet seen green. Re-enable after one green run on a quieter cloud.
  it('scale: a crash right after the member update, more changes while down, converges', async () => {
    const before = await waitForTree(h, 'rs-scale', 'settled');
    await replaceSlice(
      h,
      sliceManifest('rs-scale', ['10.1.44.1', '10.1.44.2', '10.1.44.3', '10.1.44.4'], HTTP),
    );
    await waitFor('rs-scale: member update under way', 30_000, async () => {
      const lb = (await lbsOf(h, 'rs-scale'))[0];
      const moving =
        lb !== undefined &&
        (lb.provisioningStatus !== 'ACTIVE' || (poolOf(lb, 'TCP', 80)?.members.length ?? 0) > 2);
      if (moving) seen.push(`scale: ${lb.provisioningStatus}`);
      return moving;
    });
    await h.stopController(0);
    const final = ['10.1.44.2', '10.1.44.3', '10.1.44.4', '10.1.44.5', '10.1.44.6'];
    await replaceSlice(h, sliceManifest('rs-scale', final, HTTP, { notReady: ['10.1.44.1'] }));
    await h.startController();
    const lb = await waitForTree(
      h,
      'rs-scale',
      '5 members',
      (t) => memberTargets(poolOf(t, 'TCP', 80)).join() === final.map((a) => `${a}:8080`).join(),
    );
    expect(lb.id).toBe(before.id);
    expect(lb.listeners.map((l) => l.id)).toEqual(before.listeners.map((l) => l.id));
  });

  it('delete: a crash right after the delete started still releases everything', async () => {
    const fips = (await h.ownedFloatingIps()).map((f) => f.id);
    expect(fips).toHaveLength(1);
    await h.core.deleteNamespacedService({ name: 'rs-delete', namespace: 'default' });
    await waitFor('rs-delete: release under way', 30_000, async () => {
      const lb = (await lbsOf(h, 'rs-delete'))[0];
      const moving = lb === undefined || lb.provisioningStatus === 'PENDING_DELETE';
      if (moving) seen.push(`delete: ${lb?.provisioningStatus ?? 'gone'}`);
      return moving;
    });
    await h.stopController(0);
    await h.startController();
    await waitFor('rs-delete: everything released', SETTLE_MS, async () => {
      return (
        (await lbsOf(h, 'rs-delete')).length === 0 &&
        (await h.ownedFloatingIps()).length === 0 &&
        klbOf(h, 'rs-delete') === null &&
        serviceOf(h, 'rs-delete') === null
      );
    });
    expect((await h.ownedLoadBalancers()).map((lb) => lb.name).sort()).toEqual([
      'default/rs-create',
      'default/rs-scale',
    ]);
  });
});
