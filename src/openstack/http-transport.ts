/**
 * The raw HTTP transport under the OpenStack request wrapper: one request, whole body as
 * text, lower-cased headers. Built on `node:http`/`node:https` with keep-alive agents so a
 * custom CA bundle, a client certificate (mTLS) and the insecure flag work without undici.
 * With proxy settings a request goes through `http-proxy-agent` (http targets) or
 * `https-proxy-agent` (CONNECT tunnel, then TLS to the target), unless no_proxy names it.
 */
import http from 'node:http';
import https from 'node:https';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { proxyFor, type ProxySettings } from './proxy.js';

/** One raw request. `signal` aborts it (the wrapper combines caller signal and timeout). */
export interface TransportRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  readonly signal: AbortSignal;
}

/** One raw response; header names are lower-case, repeated headers joined with `, `. */
export interface TransportResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Sends one request; rejects only when no complete response arrived. */
export type Transport = (req: TransportRequest) => Promise<TransportResponse>;

/** TLS and pooling options of the node transport. */
export interface NodeTransportOptions {
  /** PEM CA bundle (contents, not a path) trusted instead of the system roots. */
  readonly ca?: string | Buffer;
  /** Skip TLS verification (clouds.yaml `insecure: true` / `verify: false`). */
  readonly insecure?: boolean;
  /** PEM client certificate (contents) presented to servers that ask for one (clouds.yaml `cert`). */
  readonly cert?: string | Buffer;
  /** PEM private key of `cert` (clouds.yaml `key`; may be in `cert` itself). */
  readonly key?: string | Buffer;
  /** Proxies from the environment (src/openstack/proxy.ts); none when absent. */
  readonly proxy?: ProxySettings;
  readonly maxSockets?: number;
  /** Responses larger than this are refused (default 64 MiB). */
  readonly maxBodyBytes?: number;
}

/** A transport owning keep-alive agents; `close()` destroys pooled sockets. */
export interface NodeTransport {
  readonly send: Transport;
  close(): void;
}

function lowerHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** TLS options of a request to an https target (also given per request: proxy agents read them there). */
interface TlsOptions {
  readonly ca?: string | Buffer;
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  readonly rejectUnauthorized: boolean;
  /** Checks the certificate against the target host (a CONNECT tunnel would check "localhost" for an IP target). */
  readonly checkServerIdentity?: (host: string, cert: PeerCertificate) => Error | undefined;
}

function tlsFor(url: URL, tls: TlsOptions): TlsOptions | null {
  if (url.protocol !== 'https:') return null;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { ...tls, checkServerIdentity: (_host, cert) => checkServerIdentity(host, cert) };
}

interface SendContext {
  readonly agent: http.Agent;
  readonly tls: TlsOptions | null;
  readonly maxBodyBytes: number;
}

/** The server closed an idle keep-alive socket just as we reused it; nothing reached it. */
class StaleSocketError extends Error {
  override name = 'StaleSocketError';
}

function isReset(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

function sendOnce(ctx: SendContext, req: TransportRequest): Promise<TransportResponse> {
  return new Promise<TransportResponse>((resolve, reject) => {
    const request = (req.url.protocol === 'https:' ? https : http).request(req.url, {
      method: req.method,
      headers: req.headers,
      agent: ctx.agent,
      signal: req.signal,
      ...(ctx.tls ?? {}),
    });
    let answered = false;
    request.on('error', (err) => {
      const stale = request.reusedSocket && !answered && isReset(err);
      reject(stale ? new StaleSocketError(err.message, { cause: err }) : err);
    });
    request.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > ctx.maxBodyBytes) {
          request.destroy(new Error(`response body exceeds ${ctx.maxBodyBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', reject);
      res.on('close', () => {
        if (!res.complete) reject(new Error('connection closed before the response was complete'));
      });
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? 0,
          headers: lowerHeaders(res.headers),
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    request.end(req.body);
  });
}

// Safe to resend after a stale keep-alive socket: nothing was processed, and the method is idempotent.
const RESENDABLE = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

async function sendWith(ctx: SendContext, req: TransportRequest): Promise<TransportResponse> {
  try {
    return await sendOnce(ctx, req);
  } catch (err) {
    if (!(err instanceof StaleSocketError) || !RESENDABLE.has(req.method) || req.signal.aborted) throw err;
    return sendOnce(ctx, req);
  }
}

function tlsOptions(opts: NodeTransportOptions): TlsOptions {
  return {
    ...(opts.ca === undefined ? {} : { ca: opts.ca }),
    ...(opts.cert === undefined ? {} : { cert: opts.cert }),
    ...(opts.key === undefined ? {} : { key: opts.key }),
    rejectUnauthorized: opts.insecure !== true,
  };
}

/** Picks (and keeps) the agent for each target: direct, or through the proxy the settings name. */
function agents(
  opts: NodeTransportOptions,
  tls: TlsOptions,
): { agentFor(url: URL): http.Agent; close(): void } {
  // Idle sockets are dropped after 5 s (as Node's global agent), before typical server idle timeouts.
  const common = { keepAlive: true, maxSockets: opts.maxSockets ?? 16, timeout: 5_000 };
  const direct = { https: new https.Agent({ ...common, ...tls }), http: new http.Agent(common) };
  const proxied = new Map<string, http.Agent>();
  return {
    agentFor(url) {
      const secure = url.protocol === 'https:';
      const proxy = opts.proxy === undefined ? null : proxyFor(url, opts.proxy);
      if (proxy === null) return secure ? direct.https : direct.http;
      const key = `${url.protocol} ${proxy}`;
      let agent = proxied.get(key);
      if (agent === undefined) {
        agent = secure ? new HttpsProxyAgent(proxy, common) : new HttpProxyAgent(proxy, common);
        proxied.set(key, agent);
      }
      return agent;
    },
    close() {
      direct.https.destroy();
      direct.http.destroy();
      for (const agent of proxied.values()) agent.destroy();
    },
  };
}

/** Creates a keep-alive transport; no I/O until the first `send`. */
export function createNodeTransport(opts: NodeTransportOptions = {}): NodeTransport {
  const tls = tlsOptions(opts);
  const pool = agents(opts, tls);
  const maxBodyBytes = opts.maxBodyBytes ?? 64 * 1024 * 1024;
  return {
    send: (req) => sendWith({ agent: pool.agentFor(req.url), tls: tlsFor(req.url, tls), maxBodyBytes }, req),
    close() {
      pool.close();
    },
  };
}
