/**
 * E2E ports: adding a Service port adds a listener and pool (the others keep their ids),
 * removing one deletes its listener and pool, renumbering one replaces its listener.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sliceManifest, startHarness, type Harness } from '../support/e2e-harness.js';
import { listenerKeys, memberTargets, poolOf, waitForTree } from './support/octavia-reads.js';
import { STEP_MS } from './support/timeouts.js';
import { createWithSlices, setPorts } from './support/user-edits.js';

const HTTP = { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' };
const HTTPS = { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' };

describe('e2e ports', { timeout: STEP_MS }, () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    await h.startController();
    await createWithSlices(h, 'ports', { clusterIP: '10.2.42.10', ports: [HTTP] }, [
      sliceManifest(
        'ports',
        ['10.1.42.1', '10.1.42.2'],
        [
          { name: 'http', port: 8080 },
          { name: 'https', port: 8443 },
        ],
      ),
    ]);
  }, STEP_MS);

  afterAll(async () => {
    await h.dispose();
  }, STEP_MS);

  it('adds a port: a new listener and pool, the existing ones untouched', async () => {
    const before = await waitForTree(
      h,
      'ports',
      'TCP:80 with members',
      (t) => t.pools[0]?.members.length === 2,
    );
    const http = before.listeners[0];
    await setPorts(h, 'ports', [HTTP, HTTPS]);
    const after = await waitForTree(
      h,
      'ports',
      'TCP:443 added with its members',
      (t) => t.listeners.length === 2 && t.pools.length === 2 && t.pools.every((p) => p.members.length === 2),
    );
    expect(listenerKeys(after)).toEqual(['TCP:443', 'TCP:80']);
    expect(after.id).toBe(before.id);
    const kept = after.listeners.find((l) => l.protocolPort === 80);
    expect(kept?.id).toBe(http?.id);
    expect(kept?.defaultPoolId).toBe(http?.defaultPoolId);
    expect(memberTargets(poolOf(after, 'TCP', 443))).toEqual(['10.1.42.1:8443', '10.1.42.2:8443']);
  });

  it('removes a port: its listener and pool are gone', async () => {
    const before = await waitForTree(h, 'ports', 'two listeners', (t) => t.listeners.length === 2);
    const https = before.listeners.find((l) => l.protocolPort === 443);
    await setPorts(h, 'ports', [HTTP]);
    const after = await waitForTree(
      h,
      'ports',
      'TCP:443 removed',
      (t) => t.listeners.length === 1 && t.pools.length === 1,
    );
    expect(listenerKeys(after)).toEqual(['TCP:80']);
    expect(after.listeners.map((l) => l.id)).not.toContain(https?.id);
    expect(after.pools.map((p) => p.id)).not.toContain(https?.defaultPoolId);
    expect(memberTargets(poolOf(after, 'TCP', 80))).toEqual(['10.1.42.1:8080', '10.1.42.2:8080']);
  });

  it('renumbers a port: the old listener is replaced by a new one', async () => {
    const before = await waitForTree(h, 'ports', 'one listener', (t) => t.listeners.length === 1);
    const old = before.listeners[0];
    await setPorts(h, 'ports', [{ ...HTTP, port: 8000 }]);
    const after = await waitForTree(
      h,
      'ports',
      'TCP:8000 only, with its members',
      (t) =>
        listenerKeys(t).join() === 'TCP:8000' && t.pools.length === 1 && t.pools[0]?.members.length === 2,
    );
    expect(after.id).toBe(before.id);
    expect(after.listeners[0]?.id).not.toBe(old?.id);
    expect(after.pools).toHaveLength(1);
    expect(memberTargets(poolOf(after, 'TCP', 8000))).toEqual(['10.1.42.1:8080', '10.1.42.2:8080']);
  });
});
