/**
 * The in-process face: a real `KeystoneSession` over the real request wrapper
 * (`OpenStackHttp`), whose transport hands each request to the fake instead of a socket.
 * Everything our clients do on the wire (URL building, query encoding, JSON, typed errors on
 * non-2xx, the one re-authentication on 401) runs unchanged; time is the fake's clock.
 */
import { pino } from 'pino';
import { OpenStackHttp } from '../../../src/openstack/http.js';
import type { Transport } from '../../../src/openstack/http-transport.js';
import { KeystoneSession } from '../../../src/openstack/keystone/session.js';
import type { FakeOpenStack } from './cloud.js';
import { FAKE_PASSWORDS } from './topology.js';

/** Where the in-process fake pretends to live (never resolved: no socket is opened). */
export const IN_PROCESS_ORIGIN = 'http://fake-openstack.invalid';

/** Options of `fakeSession`. */
export interface FakeSessionOptions {
  /** `kuryr` (default, member of project k8s) or `admin`. */
  readonly user?: keyof typeof FAKE_PASSWORDS;
  /** Awaited before each request reaches the fake (e.g. `() => clock.sleep(5)` for simulated latency). */
  readonly delay?: (signal: AbortSignal) => Promise<void>;
}

/** A transport answering from `fake` (asynchronously, so concurrent calls interleave as on a network). */
export function fakeTransport(
  fake: FakeOpenStack,
  delay?: (signal: AbortSignal) => Promise<void>,
): Transport {
  return async (req) => {
    await (delay === undefined ? Promise.resolve() : delay(req.signal));
    req.signal.throwIfAborted();
    return fake.handle({ method: req.method, url: req.url, headers: req.headers, body: req.body ?? '' });
  };
}

/** An `OpenStackSession` on `fake` with no sockets; token expiry follows the fake's clock. */
export function fakeSession(fake: FakeOpenStack, opts: FakeSessionOptions = {}): KeystoneSession {
  const user = opts.user ?? 'kuryr';
  const http = new OpenStackHttp({
    transport: fakeTransport(fake, opts.delay),
    logger: pino({ level: 'silent' }),
    metrics: { observe: () => undefined },
    userAgent: 'kuryr-services/fake',
    now: () => fake.world.clock.now(),
  });
  const project = user === 'admin' ? 'admin' : fake.info.project_name;
  return new KeystoneSession({
    http,
    authUrl: `${IN_PROCESS_ORIGIN}/identity/v3`,
    credentials: {
      kind: 'password',
      user: { name: user, domain: { name: 'Default' } },
      password: FAKE_PASSWORDS[user],
      project: { name: project, domain: { name: 'Default' } },
    },
    now: () => fake.world.clock.now(),
  });
}
