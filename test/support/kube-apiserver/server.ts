/**
 * `startKubeApiServer`: a simulated Kubernetes API server over real HTTP(S) on 127.0.0.1
 * for tests, faithful to the documented API semantics for the resources in resources.ts and
 * the CRDs it is given (see README.md for what is simplified). Bearer-token authenticated
 * like a real cluster; faults are injected through `faults` (or the `/__sim__/` endpoint).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { storeAccess, type StoreAccess } from './access.js';
import { defaultAdmissions } from './admission.js';
import { ADMIN_PREFIX, serveAdmin } from './admin-endpoint.js';
import { serveCrds } from './crds.js';
import { faultControl, type FaultControl } from './fault-control.js';
import { FaultRules } from './faults.js';
import { kubeConfigFor } from './kubeconfig.js';
import { Listener } from './listener.js';
import { kuryrLoadBalancerCrd } from './manifests.js';
import { Registry, type TimeSource } from './registry.js';
import { CRD_RESOURCE, DEFAULT_RESOURCES, type ResourceDef } from './resources.js';
import { describeRequest, route } from './router.js';
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
  /**
   * The resourceVersion the server starts at, as if its store had older, compacted history
   * (default 100): any older resourceVersion is too old (410) from the start, as on a real one.
   */
  readonly initialResourceVersion?: number;
  /** Serve HTTPS with a throw-away self-signed certificate (needs `openssl`). */
  readonly tls?: boolean;
  /** Built-in resource table (default DEFAULT_RESOURCES). */
  readonly resources?: readonly ResourceDef[];
  /** CRD manifests created at start (default: deploy/crd-kuryrloadbalancer.yaml); `[]` for none. */
  readonly crds?: readonly unknown[];
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
  /** Watches answered with a 410 Expired ERROR event so far (compaction or `faults.expire`). */
  readonly expiredWatches: number;
  /** Fault injection: error answers, 410s, delays, refused connections, ended watches. */
  readonly faults: FaultControl;
  /** A KubeConfig for this server (token user; CA pinned under `tls`). */
  kubeConfig(namespace?: string): KubeConfig;
  /** Makes the next matching request(s) fail with a Status of `fault.status` (path-regex form; see `faults.respond`). */
  failNext(fault: Fault): void;
  /** Ends all watch streams (cleanly; `abrupt` destroys the sockets instead): `faults.endWatches`. */
  closeWatches(options?: { abrupt?: boolean }): void;
  /** Forgets the event history: older resourceVersions now answer 410 Gone. */
  compactHistory(): void;
  /** Sends a BOOKMARK to every watch that allows them. */
  bookmark(): void;
  /** Closes every connection and the listener; idempotent. */
  stop(): Promise<void>;
}

const INITIAL_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

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

function reply(res: ServerResponse, code: number, body: unknown, retryAfter?: number): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...(retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) }),
  });
  res.end(text);
}

/** State shared by the request handler. */
interface Context {
  readonly registry: Registry;
  readonly hub: WatchHub;
  readonly token: string;
  readonly legacyFaults: Fault[];
  readonly rules: FaultRules;
  control: FaultControl | undefined;
}

function takeLegacyFault(faults: Fault[], method: string, path: string): Fault | undefined {
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

/** Applies the fault rules to an API request; true when the fault already answered it. */
async function injectFaults(
  ctx: Context,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const method = (req.method ?? 'GET').toUpperCase();
  const legacy = takeLegacyFault(ctx.legacyFaults, method, url.pathname + url.search);
  if (legacy !== undefined)
    throw statusFor(legacy.status, legacy.message ?? `injected failure ${legacy.status}`);
  const info = describeRequest(ctx.registry, method, url);
  if (info === undefined) return false;
  const decision = ctx.rules.decide(info);
  if (decision.delayMs > 0) await sleep(decision.delayMs);
  if (decision.error === undefined) return false;
  if (decision.expire && info.verb === 'watch') {
    ctx.hub.expire(res, decision.error);
    return true;
  }
  throw decision.error;
}

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
  if (url.pathname.startsWith(ADMIN_PREFIX) && ctx.control !== undefined) {
    const path = url.pathname.slice(ADMIN_PREFIX.length);
    serveAdmin(ctx.control, { method, path, body: await readBody(req), res });
    return;
  }
  if (await injectFaults(ctx, req, res, url)) return;
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
      reply(res, status.code, status.toStatus(), status.details?.retryAfterSeconds);
    });
  };
}

function seed(registry: Registry, crds: readonly unknown[]): void {
  const namespaces = registry.find('', 'v1', 'namespaces');
  if (namespaces !== undefined) {
    for (const name of INITIAL_NAMESPACES) registry.create(namespaces, undefined, { metadata: { name } });
  }
  const crdDef = registry.find(CRD_RESOURCE.group, CRD_RESOURCE.version, CRD_RESOURCE.plural);
  if (crdDef !== undefined) for (const crd of crds) registry.create(crdDef, undefined, crd);
}

/** Starts a simulated API server on 127.0.0.1; resolves once it listens. */
export async function startKubeApiServer(options: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  const resources = options.resources ?? DEFAULT_RESOURCES;
  const store = new Store(options.historyLimit ?? 1000, options.initialResourceVersion ?? 100);
  const clock = options.clock ?? { now: () => Date.now() };
  const settings = {
    serviceCidr: options.serviceCidr ?? '10.2.0.0/17',
    nodePortRange: options.nodePortRange,
  };
  const registry = new Registry({
    store,
    resources,
    admissions: defaultAdmissions(resources, settings),
    clock,
  });
  serveCrds(registry);
  seed(registry, options.crds ?? [kuryrLoadBalancerCrd()]);
  const ctx: Context = {
    registry,
    hub: new WatchHub(store, options.bookmarkIntervalMs),
    token: randomBytes(16).toString('hex'),
    legacyFaults: [],
    rules: new FaultRules(),
    control: undefined,
  };
  const cert = options.tls === true ? selfSignedCertificate() : undefined;
  const server: Server =
    cert === undefined ? createHttpServer(listener(ctx)) : createHttpsServer(cert, listener(ctx));
  const socket = new Listener(server, () => ctx.hub.closeAll(true));
  const port = await socket.listen(options.port ?? 0);
  ctx.control = faultControl(ctx.rules, socket, ctx.hub);
  const url = `${cert === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
  return serverHandle({ ctx, control: ctx.control, socket, url, ca: cert?.cert });
}

function serverHandle(parts: {
  ctx: Context;
  control: FaultControl;
  socket: Listener;
  url: string;
  ca: string | undefined;
}): KubeApiServer {
  const { ctx, control, socket, url, ca } = parts;
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
    faults: control,
    kubeConfig: (namespace) => kubeConfigFor({ url, token: ctx.token, ca, namespace }),
    failNext: (fault) => {
      ctx.legacyFaults.push(fault);
    },
    closeWatches: (opts) => {
      control.endWatches(opts?.abrupt === undefined ? {} : { abrupt: opts.abrupt });
    },
    compactHistory: () => {
      ctx.registry.store.compact();
    },
    bookmark: () => {
      ctx.hub.bookmark();
    },
    stop: () => socket.stop(),
  };
}
