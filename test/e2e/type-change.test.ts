/**
 * type LoadBalancer → ClusterIP: the Service keeps its load balancer (same id, same VIP) but
 * loses its external address: a Pool floating IP (ours) is deleted from Neutron, a User
 * floating IP (the user's) is only disassociated and still exists; the ingress is cleared.
 */
import type { V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { type Harness } from '../support/e2e-harness.js';
import { waitFor } from '../support/wait.js';
import { ingressOf, waitIngress } from './support/kube-reads.js';
import { fipById, ownedFips } from './support/neutron-reads.js';
import { treesFor, waitSettled } from './support/octavia-reads.js';
import { useHarness } from './support/scenario.js';
import { CONVERGE_MS, SCENARIO_MS } from './support/timeouts.js';
import { createUserFip, createWeb, updateService, webSpec } from './support/user-edits.js';

/** What `kubectl apply` of a ClusterIP manifest does to a LoadBalancer Service. */
function toClusterIp(svc: V1Service): void {
  if (svc.spec === undefined) return;
  svc.spec.type = 'ClusterIP';
  delete svc.spec.loadBalancerIP;
  delete svc.spec.externalTrafficPolicy;
  for (const port of svc.spec.ports ?? []) delete port.nodePort;
}

describe('type LoadBalancer → ClusterIP', () => {
  let h: Harness;
  const userFips: string[] = [];
  useHarness((harness) => {
    h = harness;
  }, userFips);

  it(
    'Pool FIP: deleted from Neutron, ingress cleared, LB kept',
    async () => {
      const name = 'tc-pool';
      await createWeb(h, name, webSpec('10.2.61.10', { type: 'LoadBalancer' }), { podIps: ['10.1.61.10'] });
      const lb = await waitSettled(h, name, '10.2.61.10', 1);
      let fipId = '';
      await waitFor(`${name}: Pool FIP on the VIP port and in the ingress`, CONVERGE_MS, async () => {
        const fip = (await ownedFips(h)).find((f) => f.portId === lb.vipPortId);
        fipId = fip?.id ?? '';
        return fip !== undefined && (await ingressOf(h, name))[0] === fip.address;
      });

      await updateService(h, name, toClusterIp);
      await waitFor(
        `${name}: Pool FIP gone from Neutron`,
        CONVERGE_MS,
        async () => (await fipById(h, fipId)) === null,
      );
      await waitIngress(h, name, []);
      const after = await waitSettled(h, name, '10.2.61.10', 1);
      expect(after.id).toBe(lb.id);
      expect(await ownedFips(h)).toEqual([]);
    },
    SCENARIO_MS,
  );

  it(
    'User FIP: disassociated but still allocated, ingress cleared, LB kept',
    async () => {
      const name = 'tc-user';
      const user = await createUserFip(h, name);
      userFips.push(user.id);
      const spec = webSpec('10.2.61.20', { type: 'LoadBalancer', loadBalancerIP: user.address });
      await createWeb(h, name, spec, { podIps: ['10.1.61.20'] });
      const lb = await waitSettled(h, name, '10.2.61.20', 1);
      await waitFor(`${name}: user FIP on the VIP port`, CONVERGE_MS, async () => {
        return (await fipById(h, user.id))?.portId === lb.vipPortId;
      });
      await waitIngress(h, name, [user.address]);

      await updateService(h, name, toClusterIp);
      await waitFor(`${name}: user FIP disassociated`, CONVERGE_MS, async () => {
        return (await fipById(h, user.id))?.portId === null;
      });
      await waitIngress(h, name, []);
      const kept = await fipById(h, user.id);
      expect(kept?.address).toBe(user.address);
      expect(kept?.tags).toEqual([]);
      const after = await waitSettled(h, name, '10.2.61.20', 1);
      expect(after.id).toBe(lb.id);
      expect((await treesFor(h, name)).map((t) => t.id)).toEqual([lb.id]);
    },
    SCENARIO_MS,
  );
});
