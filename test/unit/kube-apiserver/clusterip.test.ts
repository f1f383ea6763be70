import { CoreV1Api, type V1Service, type V1ServiceSpec } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { clusterIpAllocator, formatIPv4, parseIPv4 } from '../../support/kube-apiserver/clusterip.js';
import { apiFailure, edited } from '../../support/kube-apiserver/recorder.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/server.js';

let server: KubeApiServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function api(serviceCidr?: string): Promise<CoreV1Api> {
  server = await startKubeApiServer(serviceCidr === undefined ? {} : { serviceCidr });
  return server.kubeConfig().makeApiClient(CoreV1Api);
}

function service(name: string, spec: Partial<V1ServiceSpec> = {}): { namespace: string; body: V1Service } {
  return {
    namespace: 'default',
    body: { metadata: { name }, spec: Object.assign({ ports: [{ port: 80 }] }, spec) },
  };
}

describe('cluster IP allocation', () => {
  it('allocates from the service CIDR when clusterIP is unset or empty, mirroring clusterIPs', async () => {
    const core = await api('10.2.0.0/17');
    const a = await core.createNamespacedService(service('a'));
    const b = await core.createNamespacedService(service('b', { clusterIP: '' }));
    expect(a.spec?.clusterIP).toBe('10.2.0.1');
    expect(a.spec?.clusterIPs).toEqual(['10.2.0.1']);
    expect(b.spec?.clusterIP).toBe('10.2.0.2');
  });

  it('keeps headless services headless', async () => {
    const core = await api();
    const headless = await core.createNamespacedService(service('h', { clusterIP: 'None', ports: [] }));
    expect(headless.spec?.clusterIP).toBe('None');
    expect(headless.spec?.clusterIPs).toEqual(['None']);
  });

  it('accepts a free explicit IP and refuses a taken or out-of-range one with 422', async () => {
    const core = await api('10.2.0.0/17');
    const fixed = await core.createNamespacedService(service('fixed', { clusterIP: '10.2.100.7' }));
    expect(fixed.spec?.clusterIPs).toEqual(['10.2.100.7']);
    const taken = await apiFailure(
      core.createNamespacedService(service('taken', { clusterIP: '10.2.100.7' })),
    );
    expect(taken.code).toBe(422);
    expect(taken.status).toMatchObject({ reason: 'Invalid', details: { kind: 'Service', name: 'taken' } });
    expect(String(taken.status.message)).toContain('provided IP is already allocated');
    const outside = await apiFailure(
      core.createNamespacedService(service('out', { clusterIP: '10.2.128.1' })),
    );
    expect(outside.code).toBe(422);
    expect(String(outside.status.message)).toContain('not in the valid range');
    const garbage = await apiFailure(core.createNamespacedService(service('bad', { clusterIP: 'x.y' })));
    expect(garbage.code).toBe(422);
  });

  it('reports exhaustion and releases addresses on delete', async () => {
    const core = await api('10.9.0.0/30');
    await core.createNamespacedService(service('one'));
    await core.createNamespacedService(service('two'));
    const full = await apiFailure(core.createNamespacedService(service('three')));
    expect(full.code).toBe(500);
    expect(String(full.status.message)).toContain('range is full');
    await core.deleteNamespacedService({ namespace: 'default', name: 'one' });
    const three = await core.createNamespacedService(service('three'));
    expect(three.spec?.clusterIP).toBe('10.9.0.1');
  });

  it('keeps the clusterIP across updates and refuses to change it', async () => {
    const core = await api();
    const created = await core.createNamespacedService(service('keep'));
    const replaced = await core.replaceNamespacedService({
      namespace: 'default',
      name: 'keep',
      body: edited(created, (s) => {
        Object.assign((s.spec ??= {}), { clusterIP: '', clusterIPs: [] });
      }),
    });
    expect(replaced.spec?.clusterIP).toBe(created.spec?.clusterIP);
    const moved = await apiFailure(
      core.replaceNamespacedService({
        namespace: 'default',
        name: 'keep',
        body: edited(replaced, (s) => {
          Object.assign((s.spec ??= {}), { clusterIP: '10.2.0.99', clusterIPs: ['10.2.0.99'] });
        }),
      }),
    );
    expect(moved.code).toBe(422);
  });

  it('allocates node ports for LoadBalancer services and keeps them across updates', async () => {
    const core = await api();
    const lb = await core.createNamespacedService(service('lb', { type: 'LoadBalancer' }));
    const nodePort = lb.spec?.ports?.[0]?.nodePort;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    const relabelled = await core.replaceNamespacedService({
      namespace: 'default',
      name: 'lb',
      body: edited(lb, (s) => {
        Object.assign((s.metadata ??= {}), { labels: { x: 'y' } });
        Object.assign((s.spec ??= {}), { ports: [{ port: 80 }] });
      }),
    });
    expect(relabelled.spec?.ports?.[0]?.nodePort).toBe(nodePort);
    const clash = await apiFailure(
      core.createNamespacedService(
        service('clash', { type: 'NodePort', ports: [{ port: 81, nodePort: nodePort ?? 0 }] }),
      ),
    );
    expect(clash.code).toBe(422);
  });
});

describe('allocator', () => {
  it('never hands out the network or broadcast address', () => {
    const allocator = clusterIpAllocator('192.168.0.0/30');
    expect([allocator.allocateNext(), allocator.allocateNext()].map(formatIPv4)).toEqual([
      '192.168.0.1',
      '192.168.0.2',
    ]);
    expect(() => allocator.allocateNext()).toThrow(/range is full/);
    expect(() => {
      allocator.allocate(parseIPv4('192.168.0.3') ?? 0);
    }).toThrow(/not in the valid range/);
  });

  it('parses only canonical dotted quads', () => {
    expect(parseIPv4('10.2.0.1')).toBe(0x0a020001);
    expect(parseIPv4('10.2.0.01')).toBeUndefined();
    expect(parseIPv4('256.0.0.1')).toBeUndefined();
  });
});
