/**
 * The HTTP face: the fake on 127.0.0.1 (a random port by default), Keystone at
 * `/identity/v3`, Neutron at `/network`, Octavia at `/load-balancer` (the token's catalog
 * says so), with a per-request latency of `fixedMs` plus a seeded jitter. `cloudsYaml()`
 * gives the clouds.yaml that points the real controller binary at it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import type { FakeOpenStack } from './cloud.js';
import { IdSource } from './ids.js';
import { FAKE_PASSWORDS } from './topology.js';

/** Latency added to each request before the fake answers it. */
export interface FakeLatency {
  readonly fixedMs: number;
  /** Up to this much more, uniformly, from a generator seeded with `seed`. */
  readonly jitterMs?: number;
  readonly seed?: number;
}

/** Options of `startFakeOpenStackServer`. */
export interface FakeServerOptions {
  readonly port?: number;
  readonly latency?: FakeLatency;
}

/** A running HTTP face. */
export interface FakeOpenStackServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Keystone's v3 root, for clouds.yaml `auth_url`. */
  readonly authUrl: string;
  readonly port: number;
  /** clouds.yaml text with clouds `fake` (user kuryr in k8s) and `fake-admin`. */
  cloudsYaml(): string;
  /** Writes `cloudsYaml()` to `file`. */
  writeCloudsYaml(file: string): Promise<void>;
  /** Stops accepting connections and closes idle ones. */
  close(): Promise<void>;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function headersOf(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function cloudEntry(
  authUrl: string,
  user: keyof typeof FAKE_PASSWORDS,
  project: string,
): Record<string, unknown> {
  return {
    auth: {
      auth_url: authUrl,
      username: user,
      password: FAKE_PASSWORDS[user],
      project_name: project,
      user_domain_name: 'Default',
      project_domain_name: 'Default',
    },
    region_name: 'RegionOne',
    interface: 'public',
    identity_api_version: 3,
  };
}

/** Starts the HTTP face of `fake` (whose clock should be the system clock). */
export async function startFakeOpenStackServer(
  fake: FakeOpenStack,
  opts: FakeServerOptions = {},
): Promise<FakeOpenStackServer> {
  const jitter = new IdSource(opts.latency?.seed ?? 1);
  const latencyMs = (): number =>
    (opts.latency?.fixedMs ?? 0) + (opts.latency?.jitterMs ?? 0) * jitter.fraction();
  const server = http.createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const wait = latencyMs();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
      const answer = fake.handle({ method: req.method ?? 'GET', url, headers: headersOf(req), body });
      res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
      res.end(answer.body);
    })().catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const authUrl = `${url}/identity/v3`;
  const cloudsYaml = (): string =>
    stringify({
      clouds: {
        fake: cloudEntry(authUrl, 'kuryr', fake.info.project_name),
        'fake-admin': cloudEntry(authUrl, 'admin', 'admin'),
      },
    });
  return {
    url,
    authUrl,
    port,
    cloudsYaml,
    writeCloudsYaml: (file) => writeFile(file, cloudsYaml(), 'utf8'),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => {
          if (err === undefined) resolve();
          else reject(err);
        });
        server.closeIdleConnections();
      }),
  };
}
