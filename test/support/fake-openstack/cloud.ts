/**
 * The fake cloud: Keystone, Neutron and Octavia state behind one entry point, `handle`, that
 * both faces call. Each request first runs the deferred work that is due on the injected
 * clock, then is authenticated (401 for a missing, unknown or expired token), routed,
 * answered with the real service's body shapes, and counted.
 */
import { FakeApiError, neutronFault, octaviaFault, unauthorized } from './errors.js';
import { IdSource } from './ids.js';
import { catalogFor, identityVersion, KeystoneState } from './keystone.js';
import { handleNeutron, neutronOperation } from './neutron/routes.js';
import { NeutronState } from './neutron/state.js';
import { type OperationFault, type OperationKind } from './octavia/lifecycle.js';
import { handleOctavia, octaviaOperation } from './octavia/routes.js';
import { OctaviaState } from './octavia/state.js';
import { RequestLog } from './request-log.js';
import {
  type FakeRequest,
  type FakeResponse,
  type FakeService,
  INVALID_JSON,
  json,
  QueryParams,
} from './request.js';
import { Scheduler } from './scheduler.js';
import type { TimeSource } from './time.js';
import { type FakeCloudInfo, seedTopology, type TopologyOptions } from './topology.js';
import { DEFAULT_CONFIG, type FakeCloudConfig, type OctaviaLatencies, type World } from './world.js';

/** Construction options; everything has a default. */
export interface FakeOpenStackOptions {
  /** The clock Octavia's operations and token expiry run on (default: the system clock). */
  readonly clock?: TimeSource;
  /** Seed of every generated id (default 1). */
  readonly seed?: number;
  readonly config?: Partial<Omit<FakeCloudConfig, 'octavia'>> & {
    readonly octavia?: Partial<OctaviaLatencies>;
  };
  /** Differences from the test cloud's topology (a larger external subnet for scale runs). */
  readonly topology?: TopologyOptions;
}

/** A raw request as a face received it. */
export interface RawRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A raw answer for a face to send. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** An injected HTTP failure: the next `count` requests matching answer `status`. */
export interface RequestFault {
  readonly service?: FakeService;
  readonly method?: string;
  readonly operation?: string;
  readonly status: number;
  count: number;
}

const PREFIXES: readonly (readonly [string, FakeService])[] = [
  ['/identity', 'identity'],
  ['/network', 'network'],
  ['/load-balancer', 'load-balancer'],
];

function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return INVALID_JSON;
  }
}

/** Splits a URL into the service it addresses and the path below that service's root. */
function locate(url: URL): { service: FakeService; prefix: string; path: string } | null {
  for (const [prefix, service] of PREFIXES) {
    if (url.pathname === prefix || url.pathname.startsWith(`${prefix}/`)) {
      return { service, prefix, path: url.pathname.slice(prefix.length) || '/' };
    }
  }
  return null;
}

function faultFor(service: FakeService, status: number, message: string): FakeApiError {
  if (service === 'network')
    return neutronFault(status, status >= 500 ? 'HTTPInternalServerError' : 'HTTPConflict', message);
  return octaviaFault(status, message);
}

/** One fake cloud (one region, the seeded projects). */
export class FakeOpenStack {
  readonly world: World;
  readonly keystone: KeystoneState;
  readonly neutron: NeutronState;
  readonly octavia: OctaviaState;
  readonly info: FakeCloudInfo;
  readonly requests = new RequestLog();
  readonly #requestFaults: RequestFault[] = [];

  constructor(opts: FakeOpenStackOptions = {}) {
    const config: FakeCloudConfig = {
      ...DEFAULT_CONFIG,
      ...opts.config,
      octavia: { ...DEFAULT_CONFIG.octavia, ...opts.config?.octavia },
    };
    const clock = opts.clock ?? { now: () => Date.now() };
    this.world = { ids: new IdSource(opts.seed ?? 1), clock, scheduler: new Scheduler(), config };
    this.keystone = new KeystoneState(this.world.ids, clock);
    this.neutron = new NeutronState(this.world);
    this.octavia = new OctaviaState(this.world, this.neutron);
    this.info = seedTopology({
      keystone: this.keystone,
      neutron: this.neutron,
      ids: this.world.ids,
      ...(opts.topology === undefined ? {} : { options: opts.topology }),
    });
  }

  /** Runs the deferred work due by now (each request does this first). Returns how many jobs ran. */
  settleDue(): number {
    return this.world.scheduler.runDue(this.world.clock.now());
  }

  /** The due time of the next deferred job (an Octavia operation completing), or null. */
  nextDue(): number | null {
    return this.world.scheduler.nextDue();
  }

  /** The next `count` Octavia operations of `kind` end in ERROR instead of ACTIVE. */
  failOperations(kind: OperationKind | 'any', count = 1): void {
    const fault: OperationFault = { kind, count };
    this.octavia.faults.push(fault);
  }

  /** The next `fault.count` requests matching `fault` answer `fault.status` with the service's fault body. */
  failRequests(fault: RequestFault): void {
    this.#requestFaults.push({ ...fault });
  }

  /** Answers one request (both faces end here). Never throws. */
  handle(raw: RawRequest): RawResponse {
    this.settleDue();
    const where = locate(raw.url);
    if (where === null) return this.#send(null, 404, { error: 'no such service' });
    const req: FakeRequest = {
      service: where.service,
      method: raw.method.toUpperCase(),
      path: where.path,
      query: QueryParams.of(raw.url.searchParams),
      body: parseBody(raw.body),
      token: raw.headers['x-auth-token'] ?? null,
      baseUrl: `${raw.url.origin}${where.prefix}`,
    };
    const operation = this.#operationOf(req);
    let res: FakeResponse;
    try {
      res = this.#route(req, raw.url.origin, operation);
    } catch (error) {
      res = this.#failure(req.service, error);
    }
    this.requests.record({ service: req.service, method: req.method, operation, status: res.status });
    return this.#send(req.service, res.status, res.body, res.headers);
  }

  #operationOf(req: FakeRequest): string {
    if (req.service === 'identity') return req.method === 'POST' ? 'token.issue' : 'identity.version';
    return (req.service === 'network' ? neutronOperation(req) : octaviaOperation(req)) ?? 'unknown';
  }

  #route(req: FakeRequest, origin: string, operation: string): FakeResponse {
    if (req.service === 'identity') return this.#identity(req, origin);
    const caller = this.keystone.callerOf(req.token);
    if (caller === null) throw unauthorized(`${origin}/identity/v3`);
    const fault = this.#requestFaults.find(
      (f) =>
        f.count > 0 &&
        (f.service === undefined || f.service === req.service) &&
        (f.method === undefined || f.method === req.method) &&
        (f.operation === undefined || f.operation === operation),
    );
    if (fault !== undefined) {
      fault.count--;
      throw faultFor(req.service, fault.status, `injected fault (HTTP ${fault.status}) for ${operation}`);
    }
    return req.service === 'network'
      ? handleNeutron(this.neutron, caller, req)
      : handleOctavia(this.octavia, caller, req);
  }

  #identity(req: FakeRequest, origin: string): FakeResponse {
    if (req.method === 'POST' && req.path === '/v3/auth/tokens') {
      return this.keystone.issue(req, catalogFor(origin, this.world.ids));
    }
    if (req.method === 'GET' && (req.path === '/v3' || req.path === '/v3/')) return identityVersion(req);
    return json(404, {
      error: { code: 404, title: 'Not Found', message: 'The resource could not be found.' },
    });
  }

  #failure(service: FakeService, error: unknown): FakeResponse {
    if (error instanceof FakeApiError)
      return { status: error.status, body: error.body, headers: error.headers };
    // A bug in the fake: answer 500 like the service would, with the cause for whoever reads it.
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const fault =
      service === 'network'
        ? neutronFault(500, 'HTTPInternalServerError', message)
        : octaviaFault(500, message);
    return { status: 500, body: fault.body };
  }

  #send(
    service: FakeService | null,
    status: number,
    body: unknown,
    headers: Readonly<Record<string, string>> = {},
  ): RawResponse {
    const out: Record<string, string> = { ...headers };
    const text = body === undefined ? '' : JSON.stringify(body);
    if (text !== '') out['content-type'] = 'application/json';
    if (service !== null && service !== 'identity')
      out['x-openstack-request-id'] = this.world.ids.requestId();
    return { status, headers: out, body: text };
  }
}
