import { CoreV1Api } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiFailure } from '../../support/kube-apiserver/recorder.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/server.js';

let server: KubeApiServer;
let core: CoreV1Api;

beforeEach(async () => {
  server = await startKubeApiServer();
  core = server.kubeConfig().makeApiClient(CoreV1Api);
});
afterEach(async () => {
  await server.stop();
});

describe('test hooks and authentication', () => {
  it('failNext fails the next matching request once, as a Status', async () => {
    server.failNext({ method: 'POST', pathRegex: /\/services$/, status: 503 });
    const body = { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } };
    const failure = await apiFailure(core.createNamespacedService({ namespace: 'default', body }));
    expect(failure.code).toBe(503);
    expect(failure.status).toMatchObject({ kind: 'Status', code: 503, reason: 'ServiceUnavailable' });
    expect(server.store.get({ plural: 'services', namespace: 'default', name: 'web' })).toBeUndefined();
    await core.createNamespacedService({ namespace: 'default', body });
  });

  it('failNext ignores requests that do not match', async () => {
    server.failNext({ method: 'DELETE', status: 500, times: 2 });
    await core.listNamespacedService({ namespace: 'default' });
    expect((await apiFailure(core.deleteNamespace({ name: 'default' }))).code).toBe(500);
    expect((await apiFailure(core.deleteNamespace({ name: 'default' }))).code).toBe(500);
  });

  it('answers 401 without the bearer token', async () => {
    const response = await fetch(`${server.url}/api/v1/namespaces`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it('serves over HTTPS with a pinned self-signed certificate', async () => {
    const secure = await startKubeApiServer({ tls: true });
    try {
      expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const api = secure.kubeConfig('default').makeApiClient(CoreV1Api);
      const list = await api.listNamespace();
      expect(list.items.length).toBeGreaterThanOrEqual(2);
    } finally {
      await secure.stop();
    }
  });
});
