/**
 * The operations HTTP endpoint: `/metrics` (Prometheus text from the app's registry),
 * `/healthz` (process alive) and `/readyz` (caches synced and workers running).
 * Started and stopped explicitly; binds where told (loopback by default).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface OpsServer {
  readonly url: string;
  stop(): Promise<void>;
}

export interface OpsServerOptions {
  readonly registry: Registry;
  /** null when ready; else why not (served with the 503). */
  readonly ready: () => string | null;
  readonly host?: string;
  readonly port?: number;
}

/** Starts the server; resolves once listening. */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      options.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'Content-Type': options.registry.contentType });
          res.end(text);
        },
        (err: unknown) => {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(String(err));
        },
      );
      return;
    }
    if (path === '/healthz' || path === '/readyz') {
      const why = path === '/healthz' ? null : options.ready();
      res.writeHead(why === null ? 200 : 503, { 'Content-Type': 'text/plain' });
      res.end(why === null ? 'ok\n' : `not ready: ${why}\n`);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.address}:${addr.port}`,
    stop: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}
