import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NetworkError, NotFoundError } from '../../../src/openstack/errors.js';
import { buildUrl, OpenStackHttp, userAgent, type HttpCall } from '../../../src/openstack/http.js';
import { createNodeTransport, type NodeTransport } from '../../../src/openstack/http-transport.js';
import { createOpenStackMetrics, REQUEST_DURATION, REQUESTS_TOTAL } from '../../../src/openstack/metrics.js';
import { startFakeKeystone, type FakeKeystone } from './keystone-fake-server.js';

describe('buildUrl', () => {
  it.each([
    ['http://h:9696', '/v2.0/ports', undefined, 'http://h:9696/v2.0/ports'],
    ['http://h:9696/', '/v2.0/ports', undefined, 'http://h:9696/v2.0/ports'],
    ['http://h/load-balancer', '/v2/lbaas/pools', undefined, 'http://h/load-balancer/v2/lbaas/pools'],
    ['http://h/load-balancer/', 'v2/lbaas/pools', undefined, 'http://h/load-balancer/v2/lbaas/pools'],
    // catalog already versioned: the version is not repeated
    ['http://h:9696/v2.0', '/v2.0/ports', undefined, 'http://h:9696/v2.0/ports'],
    ['http://h:9876/v2/', '/v2/lbaas/listeners', undefined, 'http://h:9876/v2/lbaas/listeners'],
    ['http://h/identity/v3', '/auth/tokens', undefined, 'http://h/identity/v3/auth/tokens'],
    ['http://h:9696/v2.0', '/v2/x', undefined, 'http://h:9696/v2.0/v2/x'],
    [
      'http://h/n',
      '/v2.0/ports',
      { tags: ['a', 'b c'], device_owner: 'x' },
      'http://h/n/v2.0/ports?tags=a&tags=b+c&device_owner=x',
    ],
    [
      'http://h/n',
      '/v2.0/ports',
      { admin_state_up: true, limit: 5 },
      'http://h/n/v2.0/ports?admin_state_up=true&limit=5',
    ],
    ['http://h/n?x=1', '/v2.0/ports', { y: '2' }, 'http://h/n/v2.0/ports?x=1&y=2'],
  ])('%s + %s', (endpoint, path, query, expected) => {
    expect(buildUrl(endpoint, path, query).toString()).toBe(expected);
  });
});

interface Echo {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

describe('OpenStackHttp against a local server', () => {
  let fake: FakeKeystone;
  let transport: NodeTransport;
  let registry: Registry;
  let client: OpenStackHttp;
  const token = 'tok-manual';

  beforeEach(async () => {
    fake = await startFakeKeystone();
    fake.issued.push(token);
    transport = createNodeTransport();
    registry = new Registry();
    client = new OpenStackHttp({
      transport: transport.send,
      logger: pino({ level: 'silent' }),
      metrics: createOpenStackMetrics(registry),
      userAgent: userAgent('1.2.3'),
      defaultTimeoutMs: 2_000,
    });
  });
  afterEach(async () => {
    transport.close();
    await fake.close();
  });

  const call = (over: Partial<HttpCall>): HttpCall => ({
    service: 'network',
    operation: 'echo',
    method: 'GET',
    endpoint: `${fake.url}/network`,
    path: '/v2.0/echo',
    token,
    ...over,
  });

  it('sends method, URL with repeated query keys, JSON body and the standard headers', async () => {
    const res = await client.send<Echo>(
      call({
        method: 'PUT',
        query: { tags: ['x', 'y'] },
        body: { port: { name: 'p' } },
        headers: { 'OpenStack-API-Version': 'x 1' },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body.method).toBe('PUT');
    expect(res.body.url).toBe('/network/v2.0/echo?tags=x&tags=y');
    expect(JSON.parse(res.body.body)).toEqual({ port: { name: 'p' } });
    expect(res.body.headers).toMatchObject({
      'x-auth-token': token,
      accept: 'application/json',
      'content-type': 'application/json',
      'user-agent': 'kuryr-services/1.2.3',
      'openstack-api-version': 'x 1',
    });
    expect(res.requestId).toBe('req-200-x');
    expect(res.headers['x-mixed-case']).toBe('yes');
  });

  it('sends no content-type without a body and returns undefined for 204', async () => {
    const echo = await client.send<Echo>(call({}));
    expect(echo.body.headers['content-type']).toBeUndefined();
    const empty = await client.send(call({ method: 'DELETE', path: '/v2.0/empty' }));
    expect([empty.status, empty.body]).toEqual([204, undefined]);
  });

  it('maps error statuses to typed errors carrying the fault text and request id', async () => {
    const conflict = client.send(
      call({
        service: 'load-balancer',
        operation: 'loadbalancer.update',
        endpoint: `${fake.url}/load-balancer`,
        path: '/v2/lbaas/loadbalancers/busy',
      }),
    );
    await expect(conflict).rejects.toBeInstanceOf(ConflictError);
    await expect(conflict).rejects.toMatchObject({ status: 409, requestId: 'req-409-x', retryable: true });
    await expect(conflict).rejects.toThrow(
      /loadbalancer.update conflict \(HTTP 409\): Load Balancer busy is immutable/,
    );
    await expect(client.send(call({ path: '/v2.0/nothing' }))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('times out with kind "timeout" and distinguishes a caller abort', async () => {
    const timedOut = client.send(call({ path: '/v2.0/hang', timeoutMs: 100 }));
    await expect(timedOut).rejects.toBeInstanceOf(NetworkError);
    await expect(timedOut).rejects.toMatchObject({ kind: 'timeout', retryable: true });
    const controller = new AbortController();
    const aborted = client.send(call({ path: '/v2.0/hang', signal: controller.signal }));
    setTimeout(() => {
      controller.abort();
    }, 50);
    await expect(aborted).rejects.toMatchObject({ name: 'NetworkError', kind: 'aborted', retryable: false });
    await expect(client.send(call({ signal: AbortSignal.abort() }))).rejects.toMatchObject({
      kind: 'aborted',
    });
  });

  it('reports a refused connection as a retryable NetworkError', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => {
      closed.close(() => {
        r();
      });
    });
    const refused = client.send(call({ endpoint: `http://127.0.0.1:${port}/network` }));
    await expect(refused).rejects.toMatchObject({
      name: 'NetworkError',
      kind: 'connection',
      retryable: true,
    });
    await expect(refused).rejects.toThrow(/ECONNREFUSED/);
  });

  it('counts and times every call by service, operation and status', async () => {
    await client.send(call({}));
    await client.send(call({}));
    await client.send(call({ path: '/v2.0/nothing' })).catch(() => undefined);
    await client.send(call({ path: '/v2.0/hang', timeoutMs: 50 })).catch(() => undefined);
    const counts = await registry.getSingleMetric(REQUESTS_TOTAL)?.get();
    const byStatus = Object.fromEntries(
      (counts?.values ?? []).map((v) => [String(v.labels.status), v.value]),
    );
    expect(byStatus).toEqual({ '200': 2, '404': 1, timeout: 1 });
    expect(counts?.values[0]?.labels).toMatchObject({ service: 'network', operation: 'echo' });
    const durations = await registry.getSingleMetric(REQUEST_DURATION)?.get();
    const countSample = durations?.values.find(
      (v) =>
        (v as { metricName?: string }).metricName === `${REQUEST_DURATION}_count` &&
        v.labels.status === '200',
    );
    expect(countSample?.value).toBe(2);
    // A second metrics instance on the same registry reuses the instruments.
    expect(() => createOpenStackMetrics(registry)).not.toThrow();
  });
});
