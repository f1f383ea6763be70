/**
 * The node transport with a client certificate and through proxies, against real local
 * servers: an HTTPS server that requires a client certificate signed by its CA (certificates
 * made for the test with the openssl CLI: node:crypto cannot sign X.509), a CONNECT proxy
 * that records the tunnels it opened, and a plain HTTP target reached through the proxy.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCloudConfig } from '../../../src/openstack/cloud-config.js';
import { CloudConfigError } from '../../../src/openstack/clouds/errors.js';
import { createNodeTransport, type NodeTransportOptions } from '../../../src/openstack/http-transport.js';
import { openCloudSession } from '../../../src/openstack/keystone/open.js';
import { NO_PROXY } from '../../../src/openstack/proxy.js';
import { pino } from 'pino';
import { Registry } from 'prom-client';

interface Pki {
  readonly dir: string;
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function makePki(): Pki {
  const dir = mkdtempSync(path.join(tmpdir(), 'clouds-tls-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=test-ca',
  ]);
  writeFileSync(path.join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  writeFileSync(path.join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const who of ['server', 'client']) {
    openssl(dir, ['req', ...ec, '-keyout', `${who}.key`, '-out', `${who}.csr`, '-subj', `/CN=${who}`]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${who}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${who}.pem`,
      '-days',
      '1',
      '-extfile',
      `${who}.ext`,
    ]);
  }
  const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
  return {
    dir,
    ca: read('ca.pem'),
    serverCert: read('server.pem'),
    serverKey: read('server.key'),
    clientCert: read('client.pem'),
    clientKey: read('client.key'),
  };
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

/** A forward proxy: CONNECT tunnels and absolute-URI HTTP requests, each recorded. */
function startProxy(): { server: http.Server; seen: string[] } {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method ?? ''} ${req.url ?? ''}`);
    const upstream = http.request(req.url ?? '', { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url ?? ''}`);
    const [host = '', port = '0'] = (req.url ?? '').split(':');
    const target = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      target.write(head);
      target.pipe(client);
      client.pipe(target);
    });
    target.on('error', () => client.destroy());
    client.on('error', () => target.destroy());
  });
  return { server, seen };
}

describe('node transport: client certificates and proxies', () => {
  let pki: Pki;
  let tlsServer: https.Server;
  let tlsPort: number;
  let plain: http.Server;
  let plainPort: number;
  let proxy: { server: http.Server; seen: string[] };
  let proxyUrl: string;

  beforeAll(async () => {
    pki = makePki();
    tlsServer = https.createServer(
      { key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ client: peer.subject.CN }));
      },
    );
    tlsPort = await listen(tlsServer);
    plain = http.createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/plain' }).end('plain'),
    );
    plainPort = await listen(plain);
    proxy = startProxy();
    proxyUrl = `http://127.0.0.1:${await listen(proxy.server)}`;
  });

  afterAll(() => {
    for (const s of [tlsServer, plain, proxy.server]) {
      s.closeAllConnections();
      s.close();
    }
    rmSync(pki.dir, { recursive: true, force: true });
  });

  async function get(opts: NodeTransportOptions, url: string) {
    const transport = createNodeTransport(opts);
    try {
      return await transport.send({
        method: 'GET',
        url: new URL(url),
        headers: {},
        body: undefined,
        signal: AbortSignal.timeout(5000),
      });
    } finally {
      transport.close();
    }
  }

  it('a server that requires a client certificate refuses a client without one', async () => {
    await expect(get({ ca: pki.ca }, `https://127.0.0.1:${tlsPort}/`)).rejects.toThrow();
  });

  it('presents cert/key and is answered', async () => {
    const res = await get(
      { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey },
      `https://127.0.0.1:${tlsPort}/`,
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ client: 'client' });
  });

  it('tunnels https through the proxy with CONNECT, still presenting the client certificate', async () => {
    proxy.seen.length = 0;
    const opts = {
      ca: pki.ca,
      cert: pki.clientCert,
      key: pki.clientKey,
      proxy: { ...NO_PROXY, httpsProxy: proxyUrl },
    };
    const res = await get(opts, `https://127.0.0.1:${tlsPort}/`);
    expect(JSON.parse(res.body)).toEqual({ client: 'client' });
    expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${tlsPort}`]);
  });

  it('sends plain http through the http proxy as an absolute URI', async () => {
    proxy.seen.length = 0;
    const res = await get({ proxy: { ...NO_PROXY, httpProxy: proxyUrl } }, `http://127.0.0.1:${plainPort}/x`);
    expect(res.body).toBe('plain');
    expect(proxy.seen).toEqual([`GET http://127.0.0.1:${plainPort}/x`]);
  });

  it('goes direct for hosts no_proxy names', async () => {
    proxy.seen.length = 0;
    const opts = {
      ca: pki.ca,
      cert: pki.clientCert,
      key: pki.clientKey,
      proxy: { httpsProxy: proxyUrl, httpProxy: proxyUrl, noProxy: 'localhost,127.0.0.1' },
    };
    expect((await get(opts, `https://127.0.0.1:${tlsPort}/`)).status).toBe(200);
    expect((await get(opts, `http://127.0.0.1:${plainPort}/`)).status).toBe(200);
    expect(proxy.seen).toEqual([]);
  });

  it('openCloudSession reads cert/key from clouds.yaml and names an unreadable one', async () => {
    const clouds = `clouds:\n  c:\n    auth: {auth_url: 'https://127.0.0.1:${tlsPort}/v3', application_credential_id: i, application_credential_secret: s}\n    auth_type: v3applicationcredential\n    cacert: ${pki.dir}/ca.pem\n    cert: ${pki.dir}/client.pem\n    key: ${pki.dir}/missing.key\n`;
    const files: Record<string, string> = {
      '/c.yaml': clouds,
      [`${pki.dir}/ca.pem`]: pki.ca,
      [`${pki.dir}/client.pem`]: pki.clientCert,
    };
    const readFile = (f: string) => Promise.resolve(files[f]);
    const cloud = await resolveCloudConfig({
      env: { OS_CLIENT_CONFIG_FILE: '/c.yaml' },
      readFile,
      cwd: '/',
      homeDir: '/',
    });
    const deps = { logger: pino({ level: 'silent' }), registry: new Registry(), version: 't', readFile };
    await expect(openCloudSession(cloud, deps)).rejects.toThrow(CloudConfigError);
    await expect(openCloudSession(cloud, deps)).rejects.toThrow(
      `cloud c: key names ${pki.dir}/missing.key, which cannot be read`,
    );
  });
});
