/**
 * A small real HTTP server on 127.0.0.1 answering like Keystone v3 (token issue), plus a
 * few Neutron/Octavia-shaped routes, for unit tests of the wrapper and the session.
 * Its state (issued and revoked tokens, requests seen) is what tests assert on.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server received it. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** Knobs a test may turn. */
export interface FakeKeystoneOptions {
  /** Token lifetime in ms relative to `now()` at issue time (default 1 h). */
  lifetimeMs?: number;
  /** Clock used for issued_at/expires_at (default Date.now). */
  now?: () => number;
  /** Delay before answering an auth request (default 0). */
  authDelayMs?: number;
  /** Accepted password (default `secret`). */
  password?: string;
  /** Answer auth with Keystone's 404 (as for a deleted application credential). */
  authNotFound?: boolean;
  /** Accepted application credential id/secret. */
  appCredential?: { id: string; secret: string };
}

/** A running fake; `close()` when done. */
export interface FakeKeystone {
  readonly url: string;
  readonly issued: string[];
  readonly revoked: Set<string>;
  readonly seen: SeenRequest[];
  readonly authBodies: unknown[];
  options: FakeKeystoneOptions;
  /** When true every service call answers 401 regardless of token. */
  rejectAll: boolean;
  close(): Promise<void>;
}

function catalog(base: string): unknown[] {
  const ep = (iface: string, url: string, region = 'RegionOne'): unknown => ({
    id: `${iface}-${url}`,
    interface: iface,
    region,
    region_id: region,
    url,
  });
  return [
    { type: 'identity', name: 'keystone', endpoints: [ep('public', `${base}/identity`)] },
    {
      type: 'network',
      name: 'neutron',
      endpoints: [
        ep('public', `${base}/network`),
        ep('internal', `${base}/network-internal`),
        ep('public', `${base}/network-r2`, 'RegionTwo'),
      ],
    },
    { type: 'load-balancer', name: 'octavia', endpoints: [ep('public', `${base}/load-balancer`)] },
  ];
}

interface Ctx {
  readonly fake: FakeKeystone;
}

function send(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: http.OutgoingHttpHeaders = {},
): void {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain' : 'application/json';
  res.writeHead(status, { 'content-type': type, 'x-openstack-request-id': `req-${status}-x`, ...headers });
  res.end(text);
}

function credentialsOk(fake: FakeKeystone, body: unknown): boolean {
  const identity = (body as { auth?: { identity?: Record<string, unknown> } }).auth?.identity ?? {};
  const pw = identity.password as { user?: { password?: string } } | undefined;
  if (pw) return pw.user?.password === (fake.options.password ?? 'secret');
  const ac = identity.application_credential as { id?: string; secret?: string } | undefined;
  const want = fake.options.appCredential;
  return ac !== undefined && want !== undefined && ac.id === want.id && ac.secret === want.secret;
}

async function issue(ctx: Ctx, body: string, res: http.ServerResponse): Promise<void> {
  const { fake } = ctx;
  const parsed = JSON.parse(body) as unknown;
  fake.authBodies.push(parsed);
  if (fake.options.authDelayMs) await new Promise((r) => setTimeout(r, fake.options.authDelayMs));
  if (fake.options.authNotFound) {
    send(res, 404, {
      error: { code: 404, title: 'Not Found', message: 'Could not find Application Credential: ac-1.' },
    });
    return;
  }
  if (!credentialsOk(fake, parsed)) {
    send(res, 401, {
      error: {
        code: 401,
        title: 'Unauthorized',
        message: 'The request you have made requires authentication.',
      },
    });
    return;
  }
  const now = (fake.options.now ?? Date.now)();
  const token = `tok-${fake.issued.length + 1}`;
  fake.issued.push(token);
  const expires = new Date(now + (fake.options.lifetimeMs ?? 3_600_000)).toISOString();
  send(
    res,
    201,
    {
      token: {
        methods: ['password'],
        issued_at: new Date(now).toISOString(),
        expires_at: expires,
        user: { id: 'user-1', name: 'kuryr' },
        project: { id: 'project-1', name: 'k8s' },
        catalog: catalog(fake.url),
      },
    },
    { 'x-subject-token': token },
  );
}

function route(ctx: Ctx, req: SeenRequest, res: http.ServerResponse): void {
  const { fake } = ctx;
  const token = req.headers['x-auth-token'];
  const valid = typeof token === 'string' && fake.issued.includes(token) && !fake.revoked.has(token);
  if (req.url.startsWith('/network/v2.0/hang')) return; // never answers
  if (fake.rejectAll || !valid) {
    send(res, 401, {
      error: {
        code: 401,
        title: 'Unauthorized',
        message: 'The request you have made requires authentication.',
      },
    });
    return;
  }
  if (req.url.startsWith('/network/v2.0/echo') || req.url.startsWith('/load-balancer/v2/echo')) {
    send(
      res,
      200,
      { url: req.url, method: req.method, headers: req.headers, body: req.body },
      { 'X-Mixed-Case': 'yes' },
    );
  } else if (req.url.startsWith('/network/v2.0/networks')) {
    send(res, 200, { networks: [{ id: 'net-1' }] });
  } else if (req.url.startsWith('/load-balancer/v2/lbaas/loadbalancers/busy')) {
    send(res, 409, {
      faultcode: 'Client',
      faultstring: 'Load Balancer busy is immutable and cannot be updated.',
      debuginfo: null,
    });
  } else if (req.url.startsWith('/network/v2.0/empty')) {
    send(res, 204, undefined);
  } else {
    send(res, 404, {
      NeutronError: {
        type: 'HTTPNotFound',
        message: `The resource could not be found: ${req.url}`,
        detail: '',
      },
    });
  }
}

/** Starts the fake on an ephemeral loopback port. */
export async function startFakeKeystone(options: FakeKeystoneOptions = {}): Promise<FakeKeystone> {
  const state = {
    issued: [] as string[],
    revoked: new Set<string>(),
    seen: [] as SeenRequest[],
    authBodies: [] as unknown[],
  };
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const fake: FakeKeystone = {
    url: `http://127.0.0.1:${port}`,
    ...state,
    options,
    rejectAll: false,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
  const ctx: Ctx = { fake };
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      fake.seen.push(seen);
      if (seen.method === 'POST' && seen.url === '/identity/v3/auth/tokens') void issue(ctx, seen.body, res);
      else route(ctx, seen, res);
    });
  });
  return fake;
}
