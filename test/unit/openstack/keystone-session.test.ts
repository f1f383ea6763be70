import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NetworkError, UnauthorizedError } from '../../../src/openstack/errors.js';
import { OpenStackHttp, userAgent } from '../../../src/openstack/http.js';
import { createNodeTransport, type NodeTransport } from '../../../src/openstack/http-transport.js';
import { EndpointNotFoundError } from '../../../src/openstack/keystone/catalog.js';
import type { KeystoneCredentials } from '../../../src/openstack/keystone/credentials.js';
import { KeystoneSession, type KeystoneSessionOptions } from '../../../src/openstack/keystone/session.js';
import { CloudConfigError, resolveCloudConfig } from '../../../src/openstack/cloud-config.js';
import { openCloudSession } from '../../../src/openstack/keystone/open.js';
import { createOpenStackMetrics, REQUESTS_TOTAL } from '../../../src/openstack/metrics.js';
import { startFakeKeystone, type FakeKeystone } from './keystone-fake-server.js';

const PASSWORD: KeystoneCredentials = {
  kind: 'password',
  user: { name: 'kuryr', domain: { name: 'Default' } },
  password: 'secret',
  project: { name: 'k8s', domain: { id: 'default' } },
};

describe('KeystoneSession against a fake Keystone on 127.0.0.1', () => {
  let fake: FakeKeystone;
  let transport: NodeTransport;
  let registry: Registry;
  let clock: { t: number };

  beforeEach(async () => {
    clock = { t: Date.parse('2026-11-26T12:00:00Z') };
    fake = await startFakeKeystone({ now: () => clock.t });
    transport = createNodeTransport();
    registry = new Registry();
  });
  afterEach(async () => {
    transport.close();
    await fake.close();
  });

  function session(over: Partial<KeystoneSessionOptions> = {}): KeystoneSession {
    const http = new OpenStackHttp({
      transport: transport.send,
      logger: pino({ level: 'silent' }),
      metrics: createOpenStackMetrics(registry),
      userAgent: userAgent('test'),
      defaultTimeoutMs: 2_000,
    });
    return new KeystoneSession({
      http,
      authUrl: `${fake.url}/identity`,
      credentials: PASSWORD,
      now: () => clock.t,
      ...over,
    });
  }

  const listNetworks = (s: KeystoneSession) =>
    s.request<{ networks: { id: string }[] }>({
      service: 'network',
      method: 'GET',
      path: '/v2.0/networks',
      operation: 'network.list',
    });

  it('does no I/O until first use, then authenticates with a project-scoped password body', async () => {
    const s = session();
    expect(fake.seen).toHaveLength(0);
    const res = await listNetworks(s);
    expect(res.body.networks).toEqual([{ id: 'net-1' }]);
    expect(fake.authBodies).toEqual([
      {
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: 'kuryr', domain: { name: 'Default' }, password: 'secret' } },
          },
          scope: { project: { name: 'k8s', domain: { id: 'default' } } },
        },
      },
    ]);
    expect(await s.projectId()).toBe('project-1');
    expect(await s.userId()).toBe('user-1');
  });

  it('reuses the token until the expiry margin, then re-authenticates', async () => {
    const s = session({ expiryMarginMs: 60_000 });
    await listNetworks(s);
    clock.t += 3_600_000 - 61_000; // 61 s before expiry: still fresh
    await listNetworks(s);
    expect(fake.issued).toEqual(['tok-1']);
    clock.t += 2_000; // 59 s before expiry: inside the margin
    await listNetworks(s);
    expect(fake.issued).toEqual(['tok-1', 'tok-2']);
    const tokens = fake.seen
      .filter((r) => r.url.startsWith('/network'))
      .map((r) => r.headers['x-auth-token']);
    expect(tokens).toEqual(['tok-1', 'tok-1', 'tok-2']);
  });

  it('caps the margin at half the lifetime of short-lived tokens', async () => {
    fake.options.lifetimeMs = 30_000;
    const s = session({ expiryMarginMs: 60_000 });
    await listNetworks(s);
    clock.t += 10_000;
    await listNetworks(s);
    expect(fake.issued).toHaveLength(1);
    clock.t += 6_000; // 14 s left < 15 s (half the lifetime)
    await listNetworks(s);
    expect(fake.issued).toHaveLength(2);
  });

  it('re-authenticates and retries once when a token is revoked (401)', async () => {
    const s = session();
    await listNetworks(s);
    fake.revoked.add('tok-1');
    const res = await listNetworks(s);
    expect(res.status).toBe(200);
    expect(fake.issued).toEqual(['tok-1', 'tok-2']);
    const counts = await registry.getSingleMetric(REQUESTS_TOTAL)?.get();
    const statuses = (counts?.values ?? [])
      .filter((v) => v.labels.operation === 'network.list')
      .map((v) => [v.labels.status, v.value]);
    expect(statuses).toEqual([
      ['200', 2],
      ['401', 1],
    ]);
  });

  it('gives up with UnauthorizedError when the retry is rejected too (exactly one re-auth)', async () => {
    const s = session();
    await listNetworks(s);
    fake.rejectAll = true;
    await expect(listNetworks(s)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(fake.issued).toHaveLength(2);
    expect(fake.seen.filter((r) => r.url.startsWith('/network'))).toHaveLength(3);
  });

  it('fails with UnauthorizedError naming identity token.issue for wrong credentials, without retrying', async () => {
    const s = session({ credentials: { ...PASSWORD, password: 'wrong' } });
    const err = await listNetworks(s).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect(err).toMatchObject({ service: 'identity', operation: 'token.issue', status: 401 });
    expect((err as Error).message).toContain('requires authentication');
    expect(fake.authBodies).toHaveLength(1);
  });

  it('shares one in-flight authentication among concurrent callers', async () => {
    fake.options.authDelayMs = 100;
    const s = session();
    const results = await Promise.all(Array.from({ length: 8 }, () => listNetworks(s)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(fake.authBodies).toHaveLength(1);
  });

  it('lets one caller abort while waiting for a shared authentication without hurting the others', async () => {
    fake.options.authDelayMs = 150;
    const s = session();
    const controller = new AbortController();
    const aborted = s.request({
      service: 'network',
      method: 'GET',
      path: '/v2.0/networks',
      operation: 'network.list',
      signal: controller.signal,
    });
    const other = listNetworks(s);
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(NetworkError);
    await expect(aborted).rejects.toMatchObject({ kind: 'aborted' });
    expect((await other).status).toBe(200);
    expect(fake.authBodies).toHaveLength(1);
  });

  it('authenticates with an application credential (no scope in the body)', async () => {
    fake.options.appCredential = { id: 'ac-1', secret: 's3' };
    const s = session({
      credentials: { kind: 'application-credential', credential: { id: 'ac-1' }, secret: 's3' },
    });
    await listNetworks(s);
    expect(fake.authBodies).toEqual([
      {
        auth: {
          identity: {
            methods: ['application_credential'],
            application_credential: { id: 'ac-1', secret: 's3' },
          },
        },
      },
    ]);
  });

  it('selects endpoints by interface and region, honours overrides, and joins versioned paths', async () => {
    expect(await session().endpoint('network')).toBe(`${fake.url}/network`);
    expect(await session({ interface: 'internal' }).endpoint('network')).toBe(`${fake.url}/network-internal`);
    expect(await session({ region: 'RegionTwo' }).endpoint('network')).toBe(`${fake.url}/network-r2`);
    await expect(session({ interface: 'admin' }).endpoint('network')).rejects.toBeInstanceOf(
      EndpointNotFoundError,
    );
    const overridden = session({ endpointOverrides: { network: `${fake.url}/network/v2.0` } });
    expect(await overridden.endpoint('network')).toBe(`${fake.url}/network/v2.0`);
    expect((await listNetworks(overridden)).status).toBe(200);
    expect(fake.seen.at(-1)?.url).toBe('/network/v2.0/networks');
  });

  it('accepts a versioned auth URL', async () => {
    const s = session({ authUrl: `${fake.url}/identity/v3/` });
    expect(await s.projectId()).toBe('project-1');
  });

  it('reports a 404 from token.issue (deleted application credential) as UnauthorizedError', async () => {
    fake.options.authNotFound = true;
    const s = session({
      credentials: { kind: 'application-credential', credential: { id: 'ac-1' }, secret: 'x' },
    });
    const err = await s.projectId().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect(err).toMatchObject({ status: 404, operation: 'token.issue' });
    expect((err as Error).message).toContain('Could not find Application Credential');
  });

  it('opens a session from OS_* variables (composition) and refuses an unreadable cacert', async () => {
    const env = {
      OS_AUTH_URL: `${fake.url}/identity/v3`,
      OS_USERNAME: 'kuryr',
      OS_PASSWORD: 'secret',
      OS_PROJECT_ID: 'project-1',
      OS_USER_DOMAIN_NAME: 'Default',
    };
    const noFiles = () => Promise.resolve(undefined);
    const cloud = await resolveCloudConfig({ env, readFile: noFiles, cwd: '/x', homeDir: '/x' });
    const deps = { logger: pino({ level: 'silent' }), registry, version: '9', readFile: noFiles };
    const opened = await openCloudSession(cloud, deps);
    try {
      expect((await listNetworks(opened.session)).status).toBe(200);
      expect(fake.seen.at(-1)?.headers['user-agent']).toBe('kuryr-services/9');
    } finally {
      opened.close();
    }
    const withCa = await resolveCloudConfig({
      env: { ...env, OS_CACERT: '/nope.pem' },
      readFile: noFiles,
      cwd: '/x',
      homeDir: '/x',
    });
    await expect(openCloudSession(withCa, deps)).rejects.toBeInstanceOf(CloudConfigError);
  });
});
