/**
 * E2E scale: EndpointSlice changes move pool members in Octavia with one batch member
 * update (`replaceMembers`) per changed pool; not-ready endpoints are never members; an
 * empty slice keeps the listener with an empty pool; a burst of updates is coalesced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sliceManifest, startHarness, type Harness } from '../support/e2e-harness.js';
import { actions } from './support/kube-reads.js';
import { memberTargets, poolOf, waitForTree } from './support/octavia-reads.js';
import { STEP_MS } from './support/timeouts.js';
import { createWithSlices, replaceSlice } from './support/user-edits.js';

const HTTP = [{ name: 'http', port: 8080 }];

function ips(from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `10.1.41.${from + i}`);
}

function targets(addresses: readonly string[], port = 8080): string[] {
  return addresses.map((a) => `${a}:${port}`).sort();
}

describe('e2e scale', { timeout: STEP_MS }, () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    await h.startController();
    await createWithSlices(
      h,
      'scale',
      { clusterIP: '10.2.41.10', ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
      [sliceManifest('scale', ips(1, 2), HTTP)],
    );
  }, STEP_MS);

  afterAll(async () => {
    await h.dispose();
  }, STEP_MS);

  /** Sets the slice to `ready` (+ terminating `notReady`), waits for exactly `ready` as members; returns the replaceMembers it took. */
  async function step(ready: readonly string[], notReady: readonly string[] = []): Promise<number> {
    const before = await actions(h, 'replaceMembers');
    await replaceSlice(h, sliceManifest('scale', ready, HTTP, { notReady }));
    const lb = await waitForTree(
      h,
      'scale',
      `${ready.length} members`,
      (t) => memberTargets(poolOf(t, 'TCP', 80)).join() === targets(ready).join(),
    );
    expect(lb.listeners).toHaveLength(1);
    return (await actions(h, 'replaceMembers')) - before;
  }

  it('starts with the two ready endpoints as members', async () => {
    const lb = await waitForTree(h, 'scale', '2 members', (t) => poolOf(t, 'TCP', 80)?.members.length === 2);
    expect(memberTargets(poolOf(lb, 'TCP', 80))).toEqual(targets(ips(1, 2)));
  });

  it('scales up 2 → 5 with one member batch', async () => {
    expect(await step(ips(1, 5))).toBe(1);
  });

  it('scales down 5 → 1 with one member batch; terminating endpoints are not members', async () => {
    expect(await step(ips(1, 1), ips(2, 2))).toBe(1);
  });

  it('scales to zero: the listener and its pool stay, with no members', async () => {
    const before = await waitForTree(h, 'scale', 'settled');
    expect(await step([])).toBe(1);
    const after = await waitForTree(h, 'scale', 'settled');
    expect(after.listeners.map((l) => l.id)).toEqual(before.listeners.map((l) => l.id));
    expect(after.pools.map((p) => p.id)).toEqual(before.pools.map((p) => p.id));
    expect(poolOf(after, 'TCP', 80)?.members).toEqual([]);
  });

  it('scales back up 0 → 3 with one member batch', async () => {
    expect(await step(ips(10, 3))).toBe(1);
  });

  it('coalesces a burst of five slice updates', async () => {
    const before = await actions(h, 'replaceMembers');
    for (let n = 1; n <= 5; n++) await replaceSlice(h, sliceManifest('scale', ips(20, n), HTTP));
    await waitForTree(
      h,
      'scale',
      'burst converged',
      (t) => memberTargets(poolOf(t, 'TCP', 80)).join() === targets(ips(20, 5)).join(),
    );
    const used = (await actions(h, 'replaceMembers')) - before;
    expect(used).toBeGreaterThanOrEqual(1);
    expect(used).toBeLessThan(5);
  });
});
