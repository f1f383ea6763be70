import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiFailure, edited } from '../../support/kube-apiserver/recorder.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/server.js';

const KLB = { group: 'openstack.org', version: 'v1', plural: 'kuryrloadbalancers', namespace: 'default' };

let server: KubeApiServer;
let core: CoreV1Api;

beforeEach(async () => {
  server = await startKubeApiServer();
  core = server.kubeConfig().makeApiClient(CoreV1Api);
});
afterEach(async () => {
  await server.stop();
});

async function createService(): Promise<string> {
  const created = await core.createNamespacedService({
    namespace: 'default',
    body: { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } },
  });
  return created.metadata?.resourceVersion ?? '';
}

describe('optimistic concurrency', () => {
  it('accepts an unconditional PUT for Services but requires a resourceVersion for custom resources', async () => {
    await createService();
    const svc = await core.readNamespacedService({ namespace: 'default', name: 'web' });
    delete svc.metadata?.resourceVersion;
    const replaced = await core.replaceNamespacedService({
      namespace: 'default',
      name: 'web',
      body: edited(svc, (s) => {
        Object.assign((s.metadata ??= {}), { labels: { u: '1' } });
      }),
    });
    expect(replaced.metadata?.labels).toEqual({ u: '1' });

    const custom = server.kubeConfig().makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({
      ...KLB,
      body: {
        apiVersion: 'openstack.org/v1',
        kind: 'KuryrLoadBalancer',
        metadata: { name: 'web' },
        spec: {},
      },
    });
    const failure = await apiFailure(
      custom.replaceNamespacedCustomObject({
        ...KLB,
        name: 'web',
        body: {
          apiVersion: 'openstack.org/v1',
          kind: 'KuryrLoadBalancer',
          metadata: { name: 'web' },
          spec: { x: 1 },
        },
      }),
    );
    expect(failure.code).toBe(422);
    expect(String(failure.status.message)).toContain('metadata.resourceVersion');
  });
  it('refuses a name in the body that differs from the URL', async () => {
    await createService();
    const svc = await core.readNamespacedService({ namespace: 'default', name: 'web' });
    const failure = await apiFailure(
      core.replaceNamespacedService({
        namespace: 'default',
        name: 'web',
        body: edited(svc, (s) => {
          Object.assign((s.metadata ??= {}), { name: 'other' });
        }),
      }),
    );
    expect(failure.code).toBe(400);
  });
});
