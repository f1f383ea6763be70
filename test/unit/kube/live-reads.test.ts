import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeKubeClients, type KubeClients } from '../../../src/kube/clients.js';
import { KubeApiError } from '../../../src/kube/errors.js';
import { ClusterIdentityError, readClusterIdentity, readServiceLive } from '../../../src/kube/live-reads.js';
import { FakeClock } from '../../support/fake-clock.js';
import { eventually } from '../../support/kube-apiserver/recorder.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/index.js';
import { capturingMetrics, kubeConfigFor } from './kube-harness.js';

let server: KubeApiServer;
let clients: KubeClients;
let raw: { server: Server; url: string; requests: number } | undefined;
const signal = new AbortController().signal;

beforeEach(async () => {
  server = await startKubeApiServer();
  clients = makeKubeClients(server.kubeConfig());
});
afterEach(async () => {
  await server.stop();
  if (raw !== undefined) {
    raw.server.closeAllConnections();
    await new Promise((resolve) => raw?.server.close(resolve));
    raw = undefined;
  }
});

/** A bare HTTP server answering every request with `answer` (which may never answer). */
async function rawServer(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const state = { server: createServer(), url: '', requests: 0 };
  state.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    state.requests++;
    answer(req, res);
  });
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}`;
  raw = state;
  return state.url;
}

async function failure(p: Promise<unknown>): Promise<KubeApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KubeApiError);
  return err as KubeApiError;
}

describe('readServiceLive', () => {
  it('returns the Service as the API server holds it, and null when it answers 404 NotFound', async () => {
    server.store.create(
      { plural: 'services', namespace: 'default' },
      { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } },
    );
    expect((await readServiceLive(clients, 'default', 'web', signal))?.metadata?.name).toBe('web');
    expect(await readServiceLive(clients, 'default', 'gone', signal)).toBeNull();
  });

  it('throws on 403 and 500 (no evidence of absence)', async () => {
    server.failNext({ method: 'GET', pathRegex: /services\/gone$/, status: 403 });
    const forbidden = await failure(readServiceLive(clients, 'default', 'gone', signal));
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.reason).toBe('Forbidden');
    expect(forbidden.message).toContain('service.get Service default/gone failed (HTTP 403 Forbidden)');
    server.failNext({ method: 'GET', pathRegex: /services\/gone$/, status: 500 });
    expect((await failure(readServiceLive(clients, 'default', 'gone', signal))).statusCode).toBe(500);
  });

  it('throws on a 404 that is not a NotFound Status for that Service (a proxy, a wrong path)', async () => {
    const url = await rawServer((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found');
    });
    const viaProxy = makeKubeClients(kubeConfigFor(url, 'token'));
    const err = await failure(readServiceLive(viaProxy, 'default', 'web', signal));
    expect(err.statusCode).toBe(404);
    expect(err.reason).toBeUndefined();
  });

  it('throws after its timeout when the server never answers, and counts it as a timeout', async () => {
    const url = await rawServer(() => undefined);
    const clock = new FakeClock();
    const metrics = capturingMetrics();
    const stalled = makeKubeClients(kubeConfigFor(url, 'token'), { clock, metrics, timeoutMs: 15_000 });
    const pending = failure(readServiceLive(stalled, 'default', 'web', signal));
    await eventually(() => raw?.requests === 1);
    await clock.advance(14_999);
    expect(metrics.samples).toEqual([]);
    await clock.advance(1);
    const err = await pending;
    expect(err.timedOut).toBe(true);
    expect(err.statusCode).toBe(0);
    expect(err.message).toContain('(timeout): no answer within 15000 ms');
    expect(metrics.samples).toEqual([{ operation: 'service.get', code: 'timeout', seconds: 15 }]);
  });

  it('throws when the connection is refused', async () => {
    const url = await rawServer(() => undefined);
    raw?.server.close();
    const refused = makeKubeClients(kubeConfigFor(url, 'token'));
    const err = await failure(readServiceLive(refused, 'default', 'web', signal));
    expect(err.codeLabel).toBe('error');
    expect(err.message).toContain('ECONNREFUSED');
  });
});

describe('readClusterIdentity', () => {
  it('is the uid of the kube-system namespace', async () => {
    const uid = server.store.get({ plural: 'namespaces', name: 'kube-system' })?.metadata.uid;
    expect(uid).toMatch(/.+/);
    expect(await readClusterIdentity(clients, signal)).toBe(uid);
  });

  it('names the RBAC rule it needs when forbidden', async () => {
    server.failNext({ method: 'GET', pathRegex: /namespaces\/kube-system$/, status: 403 });
    const err = await readClusterIdentity(clients, signal).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ClusterIdentityError);
    expect((err as Error).message).toContain('RBAC "get" on namespaces/kube-system');
    expect((err as Error).message).toContain('cluster_id');
    expect((err as Error).cause).toBeInstanceOf(KubeApiError);
  });
});
