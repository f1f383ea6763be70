/**
 * `spec.loadBalancerIP` changes on one type=LoadBalancer Service, walking User A → User B →
 * Pool → User A. Each step: the wanted floating IP sits on the VIP port and in the ingress;
 * a user's floating IP let go is only disassociated (it still exists, untagged); a Pool
 * floating IP let go is deleted. The load balancer itself is kept throughout.
 */
import { describe, expect, it } from 'vitest';
import { type Harness } from '../support/e2e-harness.js';
import { waitFor } from '../support/wait.js';
import { ingressOf, waitIngress } from './support/kube-reads.js';
import { fipById, ownedFips } from './support/neutron-reads.js';
import { waitSettled } from './support/octavia-reads.js';
import { useHarness } from './support/scenario.js';
import { CONVERGE_MS, SCENARIO_MS } from './support/timeouts.js';
import { createUserFip, createWeb, updateService, webSpec } from './support/user-edits.js';

const NAME = 'fc';
const VIP = '10.2.62.10';

function setLoadBalancerIp(address: string | null): Parameters<typeof updateService>[2] {
  return (svc) => {
    if (svc.spec === undefined) return;
    if (address === null) delete svc.spec.loadBalancerIP;
    else svc.spec.loadBalancerIP = address;
  };
}

describe('loadBalancerIP change', () => {
  let h: Harness;
  const userFips: string[] = [];
  useHarness((harness) => {
    h = harness;
  }, userFips);

  it(
    'User A → User B → Pool → User A',
    async () => {
      const a = await createUserFip(h, 'A');
      userFips.push(a.id);
      const b = await createUserFip(h, 'B');
      userFips.push(b.id);
      const fipPort = async (id: string): Promise<string | null | undefined> =>
        (await fipById(h, id))?.portId;

      await createWeb(h, NAME, webSpec(VIP, { type: 'LoadBalancer', loadBalancerIP: a.address }), {
        podIps: ['10.1.62.10'],
      });
      const lb = await waitSettled(h, NAME, VIP, 1);
      await waitFor('A on the VIP port', CONVERGE_MS, async () => (await fipPort(a.id)) === lb.vipPortId);
      await waitIngress(h, NAME, [a.address]);

      // User A → User B
      await updateService(h, NAME, setLoadBalancerIp(b.address));
      await waitFor('B on the VIP port', CONVERGE_MS, async () => (await fipPort(b.id)) === lb.vipPortId);
      await waitIngress(h, NAME, [b.address]);
      expect(await fipPort(a.id)).toBeNull();

      // User B → Pool
      await updateService(h, NAME, setLoadBalancerIp(null));
      let pool = { id: '', address: '' };
      await waitFor('a Pool FIP on the VIP port and in the ingress', CONVERGE_MS, async () => {
        const owned = await ownedFips(h);
        const on = owned.find((f) => f.portId === lb.vipPortId);
        if (on === undefined || owned.length !== 1) return false;
        pool = on;
        return (await ingressOf(h, NAME))[0] === on.address;
      });
      expect(await fipPort(b.id)).toBeNull();
      expect(pool.address).not.toBe(a.address);
      expect(pool.address).not.toBe(b.address);

      // Pool → User A
      await updateService(h, NAME, setLoadBalancerIp(a.address));
      await waitFor(
        'A on the VIP port again',
        CONVERGE_MS,
        async () => (await fipPort(a.id)) === lb.vipPortId,
      );
      await waitFor('the Pool FIP deleted', CONVERGE_MS, async () => (await fipById(h, pool.id)) === null);
      await waitIngress(h, NAME, [a.address]);
      expect(await ownedFips(h)).toEqual([]);

      // Users' floating IPs are never deleted nor tagged by the controller.
      for (const id of [a.id, b.id]) expect((await fipById(h, id))?.tags).toEqual([]);
      const after = await waitSettled(h, NAME, VIP, 1);
      expect(after.id).toBe(lb.id);
    },
    SCENARIO_MS,
  );
});
