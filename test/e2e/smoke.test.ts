import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceManifest, sliceManifest, startHarness, type Harness } from '../support/e2e-harness.js';
import { waitFor } from '../support/wait.js';

describe('controller smoke', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.startController();
  });
  afterAll(async () => {
    await h.dispose();
  });

  it('creates a load balancer for a ClusterIP Service with ready endpoints', async () => {
    await h.core.createNamespacedService({
      namespace: 'default',
      body: serviceManifest('web', {
        ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
      }),
    });
    await h.discovery.createNamespacedEndpointSlice({
      namespace: 'default',
      body: sliceManifest('web', ['10.1.0.10', '10.1.0.11'], [{ name: 'http', port: 8080 }]),
    });
    await waitFor('LB ACTIVE with 2 members', 60_000, async () => {
      const lbs = await h.ownedLoadBalancers();
      const lb = lbs[0];
      return (
        lbs.length === 1 &&
        lb?.provisioningStatus === 'ACTIVE' &&
        lb.pools[0]?.members.length === 2 &&
        lb.pools[0].members.every((m) => m.provisioningStatus === 'ACTIVE')
      );
    });
    const [lb] = await h.ownedLoadBalancers();
    expect(lb?.name).toBe('default/web');
    expect(lb?.listeners.map((l) => `${l.protocol}:${l.protocolPort}`)).toEqual(['TCP:80']);
  });
});
