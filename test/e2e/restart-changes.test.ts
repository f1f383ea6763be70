/**
 * E2E restart in the middle of a change (issue 4): a port change, a type downgrade
 * (LoadBalancer → ClusterIP) and a loadBalancerIP change. Each time the controller is
 * stopped like a crash (`stopController(0)`: in-flight work aborted) right after the change
 * is written to the API and/or while it is visibly under way in Octavia or Neutron, sometimes
 * more is changed while it is down, and it is started again. It must converge: one load
 * balancer per Service (the same one, the VIP never changes here), listeners, pools and
 * members exactly as desired, floating IPs where they belong, the ingress right, and nothing
 * leaked (`dispose()` checks tagged objects; the users' floating IPs are removed here).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sliceManifest, startHarness, type Harness, type OwnedTree } from '../support/e2e-harness.js';
import { waitFor, waitForValue } from '../support/wait.js';
import { actions, ingressOf, waitIngress } from './support/kube-reads.js';
import { fipById, fipsOnPort, ownedFips, portOfFip } from './support/neutron-reads.js';
import {
  describeTree,
  listenerKeys,
  memberTargets,
  poolOf,
  treesFor,
  untaggedChildren,
  waitForTree,
  waitSettled,
} from './support/octavia-reads.js';
import { Stopwatch } from './support/scenario.js';
import { CONVERGE_MS, CRASH_POINT_POLL_MS, RESTART_HOOK_MS, SCENARIO_MS } from './support/timeouts.js';
import {
  createUserFip,
  createWeb,
  createWithSlices,
  deleteUserFips,
  replaceSlice,
  setPorts,
  toClusterIp,
  updateService,
  webSpec,
  withLoadBalancerIp,
} from './support/user-edits.js';

const HTTP = { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' };
const HTTPS = { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' };
const PORTS_PODS = ['10.1.70.1', '10.1.70.2'];
const SLICE_PORTS = [
  { name: 'http', port: 8080 },
  { name: 'https', port: 8443 },
];
const WEB_PORTS = [{ name: 'http', port: 8080 }];

/** Waits until `name` has its one FIP `address` on the VIP port of `lb` and in the ingress. */
async function waitFipServed(
  h: Harness,
  name: string,
  lb: OwnedTree,
): Promise<{ id: string; address: string }> {
  const portId = lb.vipPortId ?? '';
  return waitForValue(`${name}: one FIP on the VIP port and in the ingress`, CONVERGE_MS, async () => {
    const [only, ...more] = await fipsOnPort(h, portId);
    if (only === undefined || more.length > 0) return null;
    return (await ingressOf(h, name))[0] === only.address ? { id: only.id, address: only.address } : null;
  });
}

describe('e2e restart in the middle of a change', () => {
  let h: Harness;
  const userFips: string[] = [];
  const seen: string[] = [];
  const clock = new Stopwatch();

  beforeAll(async () => {
    h = await startHarness();
    await h.startController();
    const [u, a] = [await createUserFip(h, 'rc-user U'), await createUserFip(h, 'rc-fip A')];
    userFips.push(u.id, a.id);
    await clock.time('setup (4 Services created in parallel)', async () => {
      await Promise.all([
        createWithSlices(h, 'rc-ports', { clusterIP: '10.2.70.10', ports: [HTTP] }, [
          sliceManifest('rc-ports', PORTS_PODS, SLICE_PORTS),
        ]),
        createWeb(h, 'rc-pool', webSpec('10.2.70.20', { type: 'LoadBalancer' }), { podIps: ['10.1.70.20'] }),
        createWeb(h, 'rc-user', webSpec('10.2.70.21', { type: 'LoadBalancer', loadBalancerIP: u.address }), {
          podIps: ['10.1.70.21'],
        }),
        createWeb(h, 'rc-fip', webSpec('10.2.70.30', { type: 'LoadBalancer', loadBalancerIP: a.address }), {
          podIps: ['10.1.70.30'],
        }),
      ]);
      await waitForTree(h, 'rc-ports', 'TCP:80 with 2 members', (t) => t.pools[0]?.members.length === 2);
      for (const [name, vip] of [
        ['rc-pool', '10.2.70.20'],
        ['rc-user', '10.2.70.21'],
        ['rc-fip', '10.2.70.30'],
      ] as const) {
        await waitFipServed(h, name, await waitSettled(h, name, vip, 1));
      }
    });
  }, RESTART_HOOK_MS);

  afterAll(async () => {
    console.info(`restart-changes e2e crash points:\n${seen.join('\n')}`);
    console.info(`restart-changes e2e durations:\n${clock.report()}`);
    // Before dispose, which closes the cloud session; a user may delete a FIP at any time.
    try {
      await deleteUserFips(h, userFips);
    } finally {
      await h.dispose();
    }
  }, RESTART_HOOK_MS);

  it(
    'port change: crash while the old listener goes, more changes while down, crash while the new ones come',
    () =>
      clock.time('port change', async () => {
        const name = 'rc-ports';
        const before = await waitForTree(h, name, 'settled', (t) => t.listeners.length === 1);
        const old = before.listeners[0];
        // Renumber http 80 → 8000 and add https 443.
        await setPorts(h, name, [{ ...HTTP, port: 8000 }, HTTPS]);
        await waitFor(
          `${name}: port change under way`,
          CONVERGE_MS,
          async () => {
            const [lb] = await treesFor(h, name);
            const moving =
              lb !== undefined &&
              (lb.provisioningStatus !== 'ACTIVE' ||
                lb.pools.length !== 1 ||
                listenerKeys(lb).join() !== 'TCP:80');
            if (moving) seen.push(`ports crash 1: ${describeTree(lb)}`);
            return moving;
          },
          { intervalMs: CRASH_POINT_POLL_MS },
        );
        await h.stopController(0);
        // While down: https moves from 443 to 9443.
        await setPorts(h, name, [
          { ...HTTP, port: 8000 },
          { ...HTTPS, port: 9443 },
        ]);
        await h.startController();
        await waitFor(
          `${name}: a new listener shows up`,
          CONVERGE_MS,
          async () => {
            const [lb] = await treesFor(h, name);
            const keys = lb === undefined ? [] : listenerKeys(lb);
            const appeared = keys.includes('TCP:8000') || keys.includes('TCP:9443');
            if (appeared) seen.push(`ports crash 2: ${describeTree(lb)}`);
            return appeared;
          },
          { intervalMs: CRASH_POINT_POLL_MS },
        );
        await h.stopController(0);
        await h.startController();

        const after = await waitForTree(
          h,
          name,
          'TCP:8000 and TCP:9443 with 2 members each',
          (t) =>
            listenerKeys(t).join() === 'TCP:8000,TCP:9443' &&
            t.pools.length === 2 &&
            t.pools.every((p) => p.members.length === 2),
        );
        expect(after.id).toBe(before.id);
        expect(await treesFor(h, name)).toHaveLength(1);
        expect(after.listeners.map((l) => l.id)).not.toContain(old?.id);
        expect(after.pools.map((p) => p.id)).not.toContain(old?.defaultPoolId);
        expect(memberTargets(poolOf(after, 'TCP', 8000))).toEqual(['10.1.70.1:8080', '10.1.70.2:8080']);
        expect(memberTargets(poolOf(after, 'TCP', 9443))).toEqual(['10.1.70.1:8443', '10.1.70.2:8443']);
        expect(untaggedChildren(h, after)).toEqual([]);
        expect(await actions(h, 'createLoadBalancer')).toBe(0);
      }),
    SCENARIO_MS,
  );

  it(
    'type downgrade: crash right after the write and once the FIPs are released; Pool FIP deleted, User FIP kept free',
    () =>
      clock.time('type downgrade', async () => {
        const [pool, user] = [
          await waitSettled(h, 'rc-pool', '10.2.70.20', 1),
          await waitSettled(h, 'rc-user', '10.2.70.21', 1),
        ];
        const poolFip = await waitFipServed(h, 'rc-pool', pool);
        const userFip = await waitFipServed(h, 'rc-user', user);
        expect(userFip.id).toBe(userFips[0]);

        await updateService(h, 'rc-pool', toClusterIp);
        await updateService(h, 'rc-user', toClusterIp);
        await h.stopController(0);
        seen.push(
          `downgrade crash 1: pool FIP ${(await fipById(h, poolFip.id)) === null ? 'deleted' : 'kept'}, ` +
            `user FIP port ${String(await portOfFip(h, userFip.id))}`,
        );
        await h.startController();
        await waitFor(
          'downgrade: a FIP released',
          CONVERGE_MS,
          async () => {
            const [poolGone, userPort] = [
              (await fipById(h, poolFip.id)) === null,
              await portOfFip(h, userFip.id),
            ];
            const released = poolGone || userPort === null;
            if (released) {
              const ingress = [...(await ingressOf(h, 'rc-pool')), ...(await ingressOf(h, 'rc-user'))];
              seen.push(
                `downgrade crash 2: pool FIP ${poolGone ? 'deleted' : 'kept'}, user FIP port ${String(userPort)}, ` +
                  `ingress still [${ingress.join(', ')}]`,
              );
            }
            return released;
          },
          { intervalMs: CRASH_POINT_POLL_MS },
        );
        await h.stopController(0);
        // While down: rc-pool scales to two pods.
        await replaceSlice(h, sliceManifest('rc-pool', ['10.1.70.20', '10.1.70.22'], WEB_PORTS));
        await h.startController();

        await waitIngress(h, 'rc-pool', []);
        await waitIngress(h, 'rc-user', []);
        const poolAfter = await waitSettled(h, 'rc-pool', '10.2.70.20', 2);
        const userAfter = await waitSettled(h, 'rc-user', '10.2.70.21', 1);
        expect([poolAfter.id, userAfter.id]).toEqual([pool.id, user.id]);
        expect(memberTargets(poolAfter.pools[0])).toEqual(['10.1.70.20:8080', '10.1.70.22:8080']);
        expect(await fipById(h, poolFip.id)).toBeNull();
        const kept = await fipById(h, userFip.id);
        expect({ address: kept?.address, port: kept?.portId, tags: kept?.tags }).toEqual({
          address: userFip.address,
          port: null,
          tags: [],
        });
        expect(await fipsOnPort(h, pool.vipPortId ?? '')).toEqual([]);
        expect(await fipsOnPort(h, user.vipPortId ?? '')).toEqual([]);
        expect(await ownedFips(h)).toEqual([]);
        expect(await actions(h, 'createLoadBalancer')).toBe(0);
      }),
    SCENARIO_MS,
  );

  it(
    'loadBalancerIP change A → B: crash right after the write and once A is let go; A kept free, B on the VIP',
    () =>
      clock.time('loadBalancerIP change', async () => {
        const name = 'rc-fip';
        const lb = await waitSettled(h, name, '10.2.70.30', 1);
        const a = await waitFipServed(h, name, lb);
        expect(a.id).toBe(userFips[1]);
        const b = await createUserFip(h, 'rc-fip B');
        userFips.push(b.id);

        await updateService(h, name, withLoadBalancerIp(b.address));
        await h.stopController(0);
        seen.push(
          `fip crash 1: A port ${String(await portOfFip(h, a.id))}, B port ${String(await portOfFip(h, b.id))}`,
        );
        await h.startController();
        await waitFor(
          `${name}: A let go or B taken`,
          CONVERGE_MS,
          async () => {
            const [onA, onB] = [await portOfFip(h, a.id), await portOfFip(h, b.id)];
            const moving = onA === null || onB === lb.vipPortId;
            if (moving) seen.push(`fip crash 2: A port ${String(onA)}, B port ${String(onB)}`);
            return moving;
          },
          { intervalMs: CRASH_POINT_POLL_MS },
        );
        await h.stopController(0);
        // While down: one more pod.
        await replaceSlice(h, sliceManifest(name, ['10.1.70.30', '10.1.70.31'], WEB_PORTS));
        await h.startController();

        await waitIngress(h, name, [b.address]);
        const after = await waitSettled(h, name, '10.2.70.30', 2);
        expect(after.id).toBe(lb.id);
        expect(memberTargets(after.pools[0])).toEqual(['10.1.70.30:8080', '10.1.70.31:8080']);
        expect((await fipsOnPort(h, lb.vipPortId ?? '')).map((f) => f.id)).toEqual([b.id]);
        const [keptA, keptB] = [await fipById(h, a.id), await fipById(h, b.id)];
        expect({ address: keptA?.address, port: keptA?.portId, tags: keptA?.tags }).toEqual({
          address: a.address,
          port: null,
          tags: [],
        });
        expect(keptB?.tags).toEqual([]);
        expect(await ownedFips(h)).toEqual([]);
        expect(await actions(h, 'createLoadBalancer')).toBe(0);
      }),
    SCENARIO_MS,
  );
});
