import type { V1Service } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SERVICE_FINALIZER } from '../../../src/kube/service-writes.js';
import { anEndpoint, anEndpointSlice, aSlicePort } from '../../support/builders.js';
import { startWorld, type World } from './world.js';

let world: World;

beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.stop();
});

async function createService(name: string, spec: V1Service['spec'], annotations?: Record<string, string>) {
  return world.kube.core.createNamespacedService({
    namespace: 'default',
    body: { metadata: { name, ...(annotations === undefined ? {} : { annotations }) }, spec },
  });
}

async function createSlice(service: string, ips: string[]) {
  await world.kube.discovery.createNamespacedEndpointSlice({
    namespace: 'default',
    body: anEndpointSlice({
      service,
      name: `${service}-x1`,
      ports: [aSlicePort(8080, { name: 'http' })],
      endpoints: ips.map((ip) => anEndpoint(ip)),
    }),
  });
}

const webSpec = (type = 'ClusterIP', extra: Partial<NonNullable<V1Service['spec']>> = {}) => ({
  type,
  ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
  selector: { app: 'web' },
  ...extra,
});

describe('Service reconciler: create', () => {
  it('adds the finalizer, records the CR, creates the load balancer once, then reports Ready with ingress', async () => {
    await createService('web', webSpec('LoadBalancer'));
    await createSlice('web', ['10.1.0.5', '10.1.0.6']);

    const first = await world.reconcile('default/web');
    expect(first.kind).toBe('requeueAfter');
    expect(world.service('web')?.metadata.finalizers).toContain(SERVICE_FINALIZER);
    const klb = world.klb('web');
    expect(klb?.spec?.ports).toEqual([{ name: 'http', port: 80, protocol: 'TCP', targetPort: '8080' }]);
    expect(klb?.spec?.type).toBe('LoadBalancer');
    expect(world.cloud.loadBalancers().map((lb) => lb.provisioningStatus)).toEqual(['PENDING_CREATE']);

    const pending = await world.reconcile('default/web');
    expect(pending).toMatchObject({ kind: 'requeueAfter', ms: 500 });
    expect(world.klb('web')?.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');

    const results = await world.converge('default/web');
    expect(results.at(-1)).toEqual({ kind: 'done' });
    const [lb, ...others] = world.cloud.loadBalancers();
    expect(others).toEqual([]);
    expect(lb?.provisioningStatus).toBe('ACTIVE');
    expect(lb?.pools[0]?.members.map((m) => m.address)).toEqual(['10.1.0.5', '10.1.0.6']);
    expect(world.cloud.history.filter((a) => a.kind === 'createLoadBalancer')).toHaveLength(1);
    const [fip] = world.cloud.floatingIps();
    expect(fip?.portId).toBe(lb?.vipPortId);

    const status = world.klb('web')?.status;
    expect(status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True' });
    expect(status?.loadbalancer?.id).toBe(lb?.id);
    expect(status?.service_pub_ip_info).toEqual({
      ip_id: fip?.id,
      ip_addr: fip?.address,
      alloc_method: 'pool',
    });
    const svcStatus = world.service('web')?.status as V1Service['status'];
    expect(svcStatus?.loadBalancer?.ingress).toEqual([{ ip: fip?.address }]);
    expect(world.metrics.createPaths).toEqual(['fully-populated']);

    // Converged: another pass writes nothing.
    const writes = world.cloud.history.length;
    expect(await world.reconcile('default/web')).toEqual({ kind: 'done' });
    expect(world.cloud.history).toHaveLength(writes);
  });
});
