import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { edited } from '../../support/kube-apiserver/recorder.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/server.js';

const KLB = { group: 'openstack.org', version: 'v1', plural: 'kuryrloadbalancers', namespace: 'default' };
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

interface Klb {
  metadata: { generation: number; resourceVersion: string };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

let server: KubeApiServer;
let core: CoreV1Api;
let custom: CustomObjectsApi;

beforeEach(async () => {
  server = await startKubeApiServer();
  core = server.kubeConfig().makeApiClient(CoreV1Api);
  custom = server.kubeConfig().makeApiClient(CustomObjectsApi);
});
afterEach(async () => {
  await server.stop();
});

describe('status subresource of Services', () => {
  it('drops status on create, changes only status through /status, ignores status on the main resource', async () => {
    const created = await core.createNamespacedService({
      namespace: 'default',
      body: {
        metadata: { name: 'lb' },
        spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
        status: { loadBalancer: { ingress: [{ ip: '1.1.1.1' }] } },
      },
    });
    expect(created.status).toEqual({ loadBalancer: {} });

    const withStatus = await core.replaceNamespacedServiceStatus({
      namespace: 'default',
      name: 'lb',
      body: edited(created, (s) => {
        Object.assign((s.metadata ??= {}), { labels: { ignored: 'yes' } });
        Object.assign((s.spec ??= {}), { sessionAffinity: 'ClientIP' });
        s.status = { loadBalancer: { ingress: [{ ip: '172.24.4.10' }] } };
      }),
    });
    expect(withStatus.status?.loadBalancer?.ingress).toEqual([{ ip: '172.24.4.10' }]);
    expect(withStatus.spec?.sessionAffinity).toBe('None');
    expect(withStatus.metadata?.labels).toBeUndefined();

    const main = await core.patchNamespacedService(
      {
        namespace: 'default',
        name: 'lb',
        body: { metadata: { labels: { a: 'b' } }, status: { loadBalancer: {} } },
      },
      merge,
    );
    expect(main.metadata?.labels).toEqual({ a: 'b' });
    expect(main.status?.loadBalancer?.ingress).toEqual([{ ip: '172.24.4.10' }]);

    const patched = await core.patchNamespacedServiceStatus(
      { namespace: 'default', name: 'lb', body: { status: { loadBalancer: { ingress: null } } } },
      merge,
    );
    expect(patched.status).toEqual({ loadBalancer: {} });
  });
});

describe('status subresource of KuryrLoadBalancers', () => {
  it('keeps generation for status writes and bumps it for spec writes', async () => {
    await custom.createNamespacedCustomObject({
      ...KLB,
      body: {
        apiVersion: 'openstack.org/v1',
        kind: 'KuryrLoadBalancer',
        metadata: { name: 'a' },
        spec: { ip: '10.2.0.1' },
        status: { x: 1 },
      },
    });
    const created = (await custom.getNamespacedCustomObject({ ...KLB, name: 'a' })) as Klb;
    expect(created.status).toBeUndefined();

    const status = (await custom.patchNamespacedCustomObjectStatus(
      { ...KLB, name: 'a', body: { status: { loadbalancer: { id: 'lb-1' } }, spec: { ip: 'ignored' } } },
      merge,
    )) as Klb;
    expect(status.status).toEqual({ loadbalancer: { id: 'lb-1' } });
    expect(status.spec).toEqual({ ip: '10.2.0.1' });
    expect(status.metadata.generation).toBe(1);

    const spec = (await custom.replaceNamespacedCustomObject({
      ...KLB,
      name: 'a',
      body: { ...status, spec: { ip: '10.2.0.2' }, status: { loadbalancer: { id: 'ignored' } } },
    })) as Klb;
    expect(spec.metadata.generation).toBe(2);
    expect(spec.status).toEqual({ loadbalancer: { id: 'lb-1' } });

    const replacedStatus = (await custom.replaceNamespacedCustomObjectStatus({
      ...KLB,
      name: 'a',
      body: { ...spec, status: { loadbalancer: { id: 'lb-2' } } },
    })) as Klb;
    expect(replacedStatus.status).toEqual({ loadbalancer: { id: 'lb-2' } });
    expect(replacedStatus.metadata.generation).toBe(2);
  });
});
