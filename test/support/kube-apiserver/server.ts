/**
 * `startKubeApiServer`: a simulated Kubernetes API server over real HTTP(S) on 127.0.0.1
 * for tests, faithful to the documented API semantics for the resources in resources.ts
 * (see README.md for what is simplified). Bearer-token authenticated like a real cluster.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { storeAccess, type StoreAccess } from './access.js';
import { namespaceAdmission, serviceAdmission } from './admission.js';
import { clusterIpAllocator, nodePortAllocator } from './clusterip.js';
import { coreEventAdmission, eventsV1Admission } from './events.js';
import { leaseAdmission } from './leases.js';
import { Registry, type Admission, type TimeSource } from './registry.js';
import { DEFAULT_RESOURCES, resourceKey, type ResourceDef } from './resources.js';
import { route } from './router.js';
import { StatusError, badRequest, statusFor } from './status.js';
import { Store } from './store.js';
import { selfSignedCertificate } from './tls.js';
import { WatchHub } from './watch.js';

/** Options of startKubeApiServer; all optional. */
export interface KubeApiServerOptions {
  /** IPv4 service CIDR for cluster IPs (default `10.2.0.0/17`). */
  readonly serviceCidr?: string;
  readonly nodePortRange?: string;
  /** TCP port on 127.0.0.1 (default 0: any free port). */
  readonly port?: number;
  /** Source of creation/deletion timestamps (default: wall clock). */
  readonly clock?: TimeSource;
  /** Change events kept for watches and exact lists (default 1000). */
  readonly historyLimit?: number;
  /** Serve HTTPS with a throw-away self-signed certificate (needs `openssl`). */
  readonly tls?: boolean;
  /** Resource table (default DEFAULT_RESOURCES). */
  readonly resources?: readonly ResourceDef[];
  /** Send BOOKMARK events this often to watches that allow them (default: only on `bookmark()`). */
  readonly bookmarkIntervalMs?: number;
}

/** One injected failure: the next request matching `method` and `pathRegex` (tested on path + query) answers `status`. */
export interface Fault {
  readonly method?: string;
  readonly pathRegex?: RegExp;
  readonly status: number;
  readonly message?: string;
  /** How many matching requests fail (default 1). */
  readonly times?: number;
}

/** A running simulated API server. */
export interface KubeApiServer {
  readonly url: string;
  readonly token: string;
  /** Objects, with API semantics, for arranging and asserting state. */
  readonly store: StoreAccess;
  /** Open watch streams. */
  readonly activeWatches: number;
  /** Watches answered with a 410 Expired ERROR event so far. */
  readonly expiredWatches: number;
  /** A KubeConfig for this server (token user; CA pinned under `tls`). */
  kubeConfig(namespace?: string): KubeConfig;
  /** Makes the next matching request(s) fail with a Status of `fault.status`. */
  failNext(fault: Fault): void;
  /** Ends all watch streams (cleanly; `abrupt` destroys the sockets instead). */
  closeWatches(options?: { abrupt?: boolean }): void;
  /** Forgets the event history: older resourceVersions now answer 410 Gone. */
  compactHistory(): void;
  /** Sends a BOOKMARK to every watch that allows them. */
  bookmark(): void;
  /** Closes every connection and the listener; idempotent. */
  stop(): Promise<void>;
}

const INITIAL_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function admissions(
  resources: readonly ResourceDef[],
  options: KubeApiServerOptions,
): Map<string, Admission> {
  const map = new Map<string, Admission>();
  const services = resources.find((r) => r.group === '' && r.plural === 'services');
  const namespaces = resources.find((r) => r.group === '' && r.plural === 'namespaces');
  if (services !== undefined) {
    const allocators = {
      clusterIps: clusterIpAllocator(options.serviceCidr ?? '10.2.0.0/17'),
      nodePorts: nodePortAllocator(options.nodePortRange),
    };
    map.set(resourceKey(services), serviceAdmission(services, allocators));
  }
  if (namespaces !== undefined) map.set(resourceKey(namespaces), namespaceAdmission());
  for (const def of resources.filter((r) => r.plural === 'events')) {
    if (def.group === '') map.set(resourceKey(def), coreEventAdmission(def));
    if (def.group === 'events.k8s.io') map.set(resourceKey(def), eventsV1Admission(def));
  }
  const leases = resources.find((r) => r.group === 'coordination.k8s.io' && r.plural === 'leases');
  if (leases !== undefined) map.set(resourceKey(leases), leaseAdmission(leases));
  return map;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequest(`the request body is not valid JSON: ${(error as Error).message}`);
  }
}

function reply(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** State shared by the request handler. */
interface Context {
  readonly registry: Registry;
  readonly hub: WatchHub;
  readonly token: string;
  readonly faults: Fault[];
}

function takeFault(faults: Fault[], method: string, path: string): Fault | undefined {
  const index = faults.findIndex(
    (f) => (f.method === undefined || f.method.toUpperCase() === method) && (f.pathRegex?.test(path) ?? true),
  );
  const fault = faults[index];
  if (fault === undefined) return undefined;
  const left = (fault.times ?? 1) - 1;
  if (left > 0) faults[index] = { ...fault, times: left };
  else faults.splice(index, 1);
  return fault;
}

const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);

async function handle(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
  if (['/healthz', '/livez', '/readyz'].includes(url.pathname)) {
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    return;
  }
  if (!PUBLIC_PATHS.has(url.pathname) && req.headers.authorization !== `Bearer ${ctx.token}`) {
    throw statusFor(401, 'Unauthorized');
  }
  const fault = takeFault(ctx.faults, method, url.pathname + url.search);
  if (fault !== undefined) throw statusFor(fault.status, fault.message ?? `injected failure ${fault.status}`);
  const body = await readBody(req);
  const contentType = req.headers['content-type'] ?? 'application/json';
  const answer = route(ctx.registry, ctx.hub, { method, url, contentType, body, res });
  if (answer !== undefined) reply(res, answer.code, answer.body);
}

function listener(ctx: Context): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(ctx, req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const status =
        error instanceof StatusError ? error : statusFor(500, `Internal error occurred: ${String(error)}`);
      reply(res, status.code, status.toStatus());
    });
  };
}

function kubeConfigFor(url: string, token: string, ca: string | undefined, namespace?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'sim',
        server: url,
        // client-node refuses plain http unless skipTLSVerify is set; under TLS the CA is pinned.
        skipTLSVerify: ca === undefined,
        ...(ca === undefined ? {} : { caData: Buffer.from(ca).toString('base64') }),
      },
    ],
    users: [{ name: 'sim', token }],
    contexts: [
      { name: 'sim', cluster: 'sim', user: 'sim', ...(namespace === undefined ? {} : { namespace }) },
    ],
    currentContext: 'sim',
  });
  return kc;
}

/** Starts a simulated API server on 127.0.0.1; resolves once it listens. */
export async function startKubeApiServer(options: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  const resources = options.resources ?? DEFAULT_RESOURCES;
  const store = new Store(options.historyLimit ?? 1000);
  const clock = options.clock ?? { now: () => Date.now() };
  const registry = new Registry({ store, resources, admissions: admissions(resources, options), clock });
  const namespaces = registry.find('', 'v1', 'namespaces');
  if (namespaces !== undefined) {
    for (const name of INITIAL_NAMESPACES) registry.create(namespaces, undefined, { metadata: { name } });
  }
  const ctx: Context = {
    registry,
    hub: new WatchHub(store, options.bookmarkIntervalMs),
    token: randomBytes(16).toString('hex'),
    faults: [],
  };
  const cert = options.tls === true ? selfSignedCertificate() : undefined;
  const server: Server =
    cert === undefined ? createHttpServer(listener(ctx)) : createHttpsServer(cert, listener(ctx));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `${cert === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
  return serverHandle({ ctx, server, url, ca: cert?.cert });
}

/** An idempotent stop: destroys watches and connections, then closes the listener. */
function stopper(ctx: Context, server: Server): () => Promise<void> {
  let stopped: Promise<void> | undefined;
  return () => {
    stopped ??= new Promise<void>((resolve) => {
      ctx.hub.closeAll(true);
      server.close(() => {
        resolve();
      });
      server.closeAllConnections();
    });
    return stopped;
  };
}

function serverHandle(parts: {
  ctx: Context;
  server: Server;
  url: string;
  ca: string | undefined;
}): KubeApiServer {
  const { ctx, server, url, ca } = parts;
  return {
    url,
    token: ctx.token,
    store: storeAccess(ctx.registry),
    get activeWatches() {
      return ctx.hub.active;
    },
    get expiredWatches() {
      return ctx.hub.expired;
    },
    kubeConfig: (namespace) => kubeConfigFor(url, ctx.token, ca, namespace),
    failNext: (fault) => {
      ctx.faults.push(fault);
    },
    closeWatches: (opts) => {
      ctx.hub.closeAll(opts?.abrupt ?? false);
    },
    compactHistory: () => {
      ctx.registry.store.compact();
    },
    bookmark: () => {
      ctx.hub.bookmark();
    },
    stop: stopper(ctx, server),
  };
}
