/**
 * A fault-injecting loopback HTTP proxy (node:http) in front of one OpenStack API (Octavia or
 * Neutron), wired into the controller through clouds.yaml `<service>_endpoint_override`.
 * While faults are on, each request draws from a seeded stream: a connection reset before it
 * is forwarded, a reset after it was served (the write happened, the answer is lost), a 5xx,
 * a 409 (writes only), or a stall before forwarding; otherwise it is forwarded untouched.
 * Requests are counted per wall-clock second (to show there is no hot loop), and the last
 * `X-Auth-Token` seen is kept (the controller's Keystone token, to revoke it mid-run).
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Rng } from './prng.js';

/** Probabilities (0..1) of each fault per request while faults are on. */
export interface FaultRates {
  readonly reset: number;
  readonly lostResponse: number;
  readonly error5xx: number;
  readonly conflict: number;
  readonly stall: number;
}

/** No faults at all. */
export const NO_FAULTS: FaultRates = { reset: 0, lostResponse: 0, error5xx: 0, conflict: 0, stall: 0 };

/** What one proxy did. */
export interface ProxyCounts {
  readonly requests: number;
  readonly reset: number;
  readonly lostResponse: number;
  readonly error5xx: number;
  readonly conflict: number;
  readonly stall: number;
}

/** A running proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>/`, the endpoint override to configure. */
  readonly url: string;
  /** Turns fault injection on (with these rates) or off (NO_FAULTS). */
  setRates(rates: FaultRates): void;
  counts(): ProxyCounts;
  /** Requests per wall-clock second (epoch second -> count). */
  perSecond(): ReadonlyMap<number, number>;
  /** The last X-Auth-Token a client sent, or null. */
  lastToken(): string | null;
  stop(): Promise<void>;
}

/** How to run a proxy. */
export interface FaultProxyOptions {
  /** Upstream base, e.g. `http://127.0.0.1:9876/`. */
  readonly target: string;
  readonly rng: Rng;
  readonly stallMs: number;
}

type Fault = keyof FaultRates | 'none';

const WRITES = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);

function decide(rng: Rng, rates: FaultRates, method: string): Fault {
  const r = rng.next();
  let edge = 0;
  for (const fault of ['reset', 'lostResponse', 'error5xx', 'conflict', 'stall'] as const) {
    edge += rates[fault];
    if (r < edge) return fault === 'conflict' && !WRITES.has(method) ? 'none' : fault;
  }
  return 'none';
}

function answer(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function forward(target: URL, req: IncomingMessage, res: ServerResponse, lose: boolean): void {
  const headers = { ...req.headers, host: target.host };
  const upstream = request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
    (up) => {
      if (lose) {
        up.resume();
        up.on('end', () => req.socket.destroy());
        return;
      }
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', (err) => {
    if (!res.headersSent) answer(res, 502, { error: `chaos proxy: upstream ${err.message}` });
    else res.destroy();
  });
  req.pipe(upstream);
}

/** Starts a proxy on an ephemeral loopback port. */
export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(opts.target);
  let rates = NO_FAULTS;
  let token: string | null = null;
  const tally = { requests: 0, reset: 0, lostResponse: 0, error5xx: 0, conflict: 0, stall: 0 };
  const seconds = new Map<number, number>();
  const sockets = new Set<Socket>();
  const stalls = new Set<NodeJS.Timeout>();

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    tally.requests++;
    const second = Math.floor(Date.now() / 1000);
    seconds.set(second, (seconds.get(second) ?? 0) + 1);
    const sent = req.headers['x-auth-token'];
    if (typeof sent === 'string') token = sent;
    const fault = decide(opts.rng, rates, req.method ?? 'GET');
    if (fault !== 'none') tally[fault]++;
    if (fault === 'reset') {
      req.socket.destroy();
    } else if (fault === 'error5xx') {
      const code = opts.rng.pick([500, 502, 503]);
      answer(res, code, { faultstring: `chaos proxy: injected ${code}` });
    } else if (fault === 'conflict') {
      answer(res, 409, { faultstring: 'chaos proxy: injected 409 (resource busy)' });
    } else if (fault === 'stall') {
      const timer = setTimeout(() => {
        stalls.delete(timer);
        forward(target, req, res, false);
      }, opts.stallMs);
      stalls.add(timer);
    } else {
      forward(target, req, res, fault === 'lostResponse');
    }
  };

  const server = createServer(handle);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    setRates: (r) => {
      rates = r;
    },
    counts: () => ({ ...tally }),
    perSecond: () => seconds,
    lastToken: () => token,
    stop: async () => {
      for (const t of stalls) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Max and mean requests/s over the seconds from `from` to `to` (epoch ms; idle seconds count as 0). */
export function rateFigures(
  perSecond: readonly ReadonlyMap<number, number>[],
  from: number,
  to: number,
): { max: number; mean: number } {
  const first = Math.floor(from / 1000);
  const last = Math.max(first, Math.floor(to / 1000));
  let max = 0;
  let total = 0;
  for (let s = first; s <= last; s++) {
    const n = perSecond.reduce((sum, m) => sum + (m.get(s) ?? 0), 0);
    max = Math.max(max, n);
    total += n;
  }
  return { max, mean: total / (last - first + 1) };
}
