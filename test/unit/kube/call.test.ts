import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callKube } from '../../../src/kube/call.js';
import { makeKubeClients, type KubeClients } from '../../../src/kube/clients.js';
import { KubeApiError } from '../../../src/kube/errors.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/index.js';
import { capturingMetrics } from './kube-harness.js';

let server: KubeApiServer;
let clients: KubeClients;
let metrics: ReturnType<typeof capturingMetrics>;

beforeEach(async () => {
  server = await startKubeApiServer();
  metrics = capturingMetrics();
  clients = makeKubeClients(server.kubeConfig(), { metrics });
});
afterEach(async () => {
  await server.stop();
});

const body = { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } };

function create(signal: AbortSignal): Promise<unknown> {
  return callKube(clients, { operation: 'service.create', object: 'Service default/web', signal }, (o) =>
    clients.core.createNamespacedService({ namespace: 'default', body }, o),
  );
}

describe('callKube', () => {
  it('counts every call by operation and the HTTP status of its answer', async () => {
    const signal = new AbortController().signal;
    await create(signal);
    const failed = await create(signal).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(KubeApiError);
    expect((failed as KubeApiError).reason).toBe('AlreadyExists');
    expect((failed as KubeApiError).isConflict).toBe(true);
    expect((failed as KubeApiError).message).toMatch(
      /^Kubernetes service\.create Service default\/web failed \(HTTP 409 AlreadyExists\): services "web" already exists$/,
    );
    await callKube(clients, { operation: 'service.get', object: 'Service default/web', signal }, (o) =>
      clients.core.readNamespacedService({ name: 'web', namespace: 'default' }, o),
    );
    expect(metrics.samples.map((s) => `${s.operation} ${s.code}`)).toEqual([
      'service.create 201',
      'service.create 409',
      'service.get 200',
    ]);
  });

  it("the caller's signal aborts the request: nothing is written, the failure says aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error('reconcile cancelled'));
    const failed = await create(controller.signal).catch((e: unknown) => e);
    expect((failed as KubeApiError).aborted).toBe(true);
    expect((failed as KubeApiError).codeLabel).toBe('aborted');
    expect(server.store.get({ plural: 'services', namespace: 'default', name: 'web' })).toBeUndefined();
    expect(metrics.samples.map((s) => s.code)).toEqual(['aborted']);
  });
});
