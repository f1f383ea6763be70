/**
 * Crash safety: the controller is stopped with `stopController(0)` (in-flight reconciles
 * aborted: a crash, as far as OpenStack can tell) at several points of a create and of a
 * delete, then restarted. Afterwards each Service has exactly one load balancer and, being
 * type=LoadBalancer, exactly one floating IP of ours; deleted Services leave nothing behind
 * (also checked by `dispose()`). Floating IPs are also looked up by description (which
 * names the Service uid), so an untagged leftover of a crash would not go unnoticed. A
 * Service removed while the controller is down is found again by the orphan sweep.
 */
import type { V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { loadBalancerDescription } from '../../src/core/naming.js';
import * as floatingips from '../../src/openstack/neutron/floatingips.js';
import * as loadbalancers from '../../src/openstack/octavia/loadbalancers.js';
import { type Harness } from '../support/e2e-harness.js';
import { waitFor, waitForValue } from '../support/wait.js';
import { ingressOf, NS, waitServiceGone } from './support/kube-reads.js';
import { treesFor, waitSettled } from './support/octavia-reads.js';
import { useHarness } from './support/scenario.js';
import { CONVERGE_MS, SCENARIO_MS } from './support/timeouts.js';
import { createWeb, deleteService, webSpec } from './support/user-edits.js';

/** Every floating IP of the project whose description names this Service incarnation (tagged or not). */
async function fipsOfIncarnation(h: Harness, svc: V1Service): Promise<floatingips.FloatingIpRecord[]> {
  const uid = svc.metadata?.uid ?? '';
  const all = await floatingips.listAll(h.cloud.session, {});
  // The marker is `(uid U, cluster C, writer W)`; the legacy one ends after the cluster.
  return all.filter((f) => f.description.includes(`(uid ${uid}, cluster ${h.clusterId}`));
}

/** Load balancers named after the Service, whatever their state (cheap: one list call). */
async function lbsNamed(h: Harness, name: string): Promise<loadbalancers.LoadBalancerRecord[]> {
  return loadbalancers.listAll(h.cloud.session, { name: `${NS}/${name}` });
}

/** One settled LB on `vip`, and exactly one FIP for the incarnation: on the VIP port and in the ingress. */
async function expectServed(h: Harness, svc: V1Service, vip: string): Promise<void> {
  const name = svc.metadata?.name ?? '';
  const lb = await waitSettled(h, name, vip, 1);
  const fip = await waitForValue(
    `${name}: its one FIP on the VIP port and in the ingress`,
    CONVERGE_MS,
    async () => {
      const fips = await fipsOfIncarnation(h, svc);
      const [only] = fips;
      const served = fips.length === 1 && only?.portId === lb.vipPortId;
      return served && (await ingressOf(h, name))[0] === only.address ? only : null;
    },
  );
  expect(fip.tags).toContain(`ks-cluster=${h.clusterId}`);
  expect(await treesFor(h, name)).toHaveLength(1);
}

async function expectReleased(h: Harness, svc: V1Service): Promise<void> {
  const name = svc.metadata?.name ?? '';
  await waitServiceGone(h, name);
  await waitFor(`${name}: no LB and no FIP left`, CONVERGE_MS, async () => {
    return (await lbsNamed(h, name)).length === 0 && (await fipsOfIncarnation(h, svc)).length === 0;
  });
}

function lbSpec(clusterIP: string): NonNullable<V1Service['spec']> {
  return webSpec(clusterIP, { type: 'LoadBalancer' });
}

describe('crash safety', () => {
  let h: Harness;
  const untagged: string[] = [];
  useHarness((harness) => {
    h = harness;
  }, untagged);

  it(
    'create: crash right after the Service is created, and while its LB is PENDING_CREATE',
    async () => {
      const a = await createWeb(h, 'cr-a', lbSpec('10.2.65.10'), { podIps: ['10.1.65.10'] });
      await h.stopController(0);
      await h.startController();

      const b = await createWeb(h, 'cr-b', lbSpec('10.2.65.11'), { podIps: ['10.1.65.11'] });
      await waitFor('cr-b: its LB exists', CONVERGE_MS, async () => (await lbsNamed(h, 'cr-b')).length > 0);
      await h.stopController(0);
      // Let Octavia finish while nobody watches: the restart finds an ACTIVE LB whose floating
      // IP may or may not have been created before the crash.
      await waitFor('cr-b: LB ACTIVE while the controller is down', CONVERGE_MS, async () => {
        return (await lbsNamed(h, 'cr-b')).every((lb) => lb.provisioningStatus === 'ACTIVE');
      });
      await h.startController();

      await expectServed(h, a, '10.2.65.10');
      await expectServed(h, b, '10.2.65.11');
    },
    SCENARIO_MS,
  );

  it(
    'create: crash between the FIP POST and its tags PUT (an untagged FIP with our marker) is adopted, not duplicated',
    async () => {
      await h.stopController();
      const svc = await createWeb(h, 'cr-c', lbSpec('10.2.65.12'), { podIps: ['10.1.65.12'] });
      const ref = { namespace: NS, name: 'cr-c', uid: svc.metadata?.uid ?? '' };
      const orphan = await floatingips.create(h.cloud.session, {
        networkId: h.info.public_net_id,
        subnetId: h.info.public_subnet_id,
        description: loadBalancerDescription(await h.owner(), ref),
      });
      untagged.push(orphan.id);
      await h.startController();

      // Adopted by its description marker, then tagged (the tagFloatingIp action).
      await expectServed(h, svc, '10.2.65.12');
      expect((await fipsOfIncarnation(h, svc)).map((f) => f.id)).toEqual([orphan.id]);
    },
    SCENARIO_MS,
  );

  it(
    'orphan: a Service force-deleted (finalizer removed by hand) while the controller is down is released by the sweep',
    async () => {
      const svc = await createWeb(h, 'cr-d', lbSpec('10.2.65.13'), { podIps: ['10.1.65.13'] });
      await expectServed(h, svc, '10.2.65.13');
      await h.stopController();
      // A second, untagged FIP with our marker: what a crash between a FIP POST and its tags
      // PUT leaves. Only the marker says it is ours, and the Service (hence its uid) will be gone.
      const ref = { namespace: NS, name: 'cr-d', uid: svc.metadata?.uid ?? '' };
      const crashed = await floatingips.create(h.cloud.session, {
        networkId: h.info.public_net_id,
        subnetId: h.info.public_subnet_id,
        description: loadBalancerDescription(await h.owner(), ref),
      });
      untagged.push(crashed.id);
      const current = await h.core.readNamespacedService({ name: 'cr-d', namespace: NS });
      current.metadata = Object.assign(current.metadata ?? {}, { finalizers: [] });
      await h.core.replaceNamespacedService({ name: 'cr-d', namespace: NS, body: current });
      await deleteService(h, 'cr-d');
      await waitServiceGone(h, 'cr-d');
      expect(await lbsNamed(h, 'cr-d')).toHaveLength(1);
      expect(await fipsOfIncarnation(h, svc)).toHaveLength(2);

      await h.startController();
      await expectReleased(h, svc);
    },
    SCENARIO_MS,
  );

  it(
    'delete: crash right after the delete, and while the release is under way',
    async () => {
      const [a, b, c] = await Promise.all(
        ['cr-a', 'cr-b', 'cr-c'].map((name) => h.core.readNamespacedService({ name, namespace: NS })),
      );
      if (a === undefined || b === undefined || c === undefined) throw new Error('Services missing');

      await deleteService(h, 'cr-a');
      await h.stopController(0);
      await h.startController();

      await deleteService(h, 'cr-b');
      await waitFor('cr-b: release under way', CONVERGE_MS, async () => {
        const lbs = await lbsNamed(h, 'cr-b');
        const fips = await fipsOfIncarnation(h, b);
        return (
          lbs.some((lb) => lb.provisioningStatus === 'PENDING_DELETE') ||
          fips.length === 0 ||
          lbs.length === 0
        );
      });
      await h.stopController(0);
      await h.startController();

      await deleteService(h, 'cr-c');
      await expectReleased(h, a);
      await expectReleased(h, b);
      await expectReleased(h, c);
    },
    SCENARIO_MS,
  );
});
