import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkError } from '../../../src/openstack/errors.js';
import { OpenStackHttp, userAgent } from '../../../src/openstack/http.js';
import { createNodeTransport, type NodeTransportOptions } from '../../../src/openstack/http-transport.js';
import { createOpenStackMetrics } from '../../../src/openstack/metrics.js';
import { TEST_CERT, TEST_KEY } from './http-tls-fixture.js';

describe('node transport over TLS (custom CA / insecure) and the debug log line', () => {
  let server: https.Server;
  let url: string;

  beforeAll(async () => {
    server = https.createServer({ cert: TEST_CERT, key: TEST_KEY }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'X-OpenStack-Request-ID': 'req-tls' });
      res.end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  });

  function client(opts: NodeTransportOptions, lines: string[] = []) {
    const transport = createNodeTransport(opts);
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const http = new OpenStackHttp({
      transport: transport.send,
      logger: pino({ level: 'debug' }, sink),
      metrics: createOpenStackMetrics(new Registry()),
      userAgent: userAgent('t'),
      defaultTimeoutMs: 2_000,
      now: (() => {
        let t = 0;
        return () => (t += 250);
      })(),
    });
    const get = () =>
      http.send<{ ok: boolean }>({
        service: 'network',
        operation: 'probe',
        method: 'GET',
        endpoint: url,
        path: '/v2.0/x',
        token: 'secret-token',
      });
    return {
      get,
      close: () => {
        transport.close();
      },
    };
  }

  it('trusts the server with the custom CA bundle', async () => {
    const c = client({ ca: TEST_CERT });
    try {
      const res = await c.get();
      expect([res.body.ok, res.requestId]).toEqual([true, 'req-tls']);
    } finally {
      c.close();
    }
  });

  it('refuses an unknown CA with a NetworkError, and accepts it when insecure', async () => {
    const strict = client({});
    const insecure = client({ insecure: true });
    try {
      const err = await strict.get().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect(err).toMatchObject({ kind: 'connection' });
      expect((err as Error).message).toMatch(/self.signed/i);
      expect((await insecure.get()).body.ok).toBe(true);
    } finally {
      strict.close();
      insecure.close();
    }
  });

  it('logs one debug line per call with request id, operation, status and duration, never the token', async () => {
    const lines: string[] = [];
    const c = client({ ca: TEST_CERT }, lines);
    try {
      await c.get();
    } finally {
      c.close();
    }
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(entry).toMatchObject({
      level: 20,
      service: 'network',
      operation: 'probe',
      method: 'GET',
      status: '200',
      requestId: 'req-tls',
      durationMs: 250,
    });
    expect(lines[0]).not.toContain('secret-token');
  });
});

describe('node transport keep-alive', () => {
  // Answers the first request of each connection, then resets the connection on the next one:
  // what a client sees when the server closed an idle socket just as it was reused.
  async function resettingServer(): Promise<{
    url: string;
    connections: () => number;
    close: () => Promise<void>;
  }> {
    let connections = 0;
    const server = net.createServer((socket) => {
      connections += 1;
      let served = 0;
      socket.on('data', (data) => {
        const requests = data.toString().match(/^(GET|POST|PUT|DELETE) /gm)?.length ?? 0;
        for (let i = 0; i < requests; i++) {
          served += 1;
          if (served > 1) {
            socket.resetAndDestroy();
            return;
          }
          socket.write(
            'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\n{}',
          );
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    return {
      url,
      connections: () => connections,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => {
            resolve();
          });
        }),
    };
  }

  it('resends an idempotent request once on a stale reused socket, but never a POST', async () => {
    const server = await resettingServer();
    const transport = createNodeTransport();
    const send = (method: string) =>
      transport.send({
        method,
        url: new URL(server.url),
        headers: {},
        body: undefined,
        signal: AbortSignal.timeout(2_000),
      });
    try {
      expect((await send('GET')).status).toBe(200);
      expect((await send('GET')).status).toBe(200); // reused socket reset → resent on a new connection
      expect(server.connections()).toBe(2);
      await expect(send('POST')).rejects.toThrow(/ECONNRESET|socket hang up/);
    } finally {
      transport.close();
      await server.close();
    }
  });
});
