/**
 * The fake's faces and Keystone: the HTTP face is reached from a clouds.yaml like the real
 * controller binary reaches a cloud, a wrong password is Keystone's 401, tokens expire on
 * the fake's clock and a revoked token costs one re-authentication; Neutron's policy and
 * project scoping as the test cloud showed them (a member may not pick a floating IP's
 * address, another project's port is invisible).
 */
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCloudConfig } from '../../src/openstack/cloud-config.js';
import { UnauthorizedError } from '../../src/openstack/errors.js';
import { openCloudSession, type OpenedSession } from '../../src/openstack/keystone/open.js';
import * as floatingips from '../../src/openstack/neutron/floatingips.js';
import * as networks from '../../src/openstack/neutron/networks.js';
import * as ports from '../../src/openstack/neutron/ports.js';
import * as subnets from '../../src/openstack/neutron/subnets.js';
import * as versions from '../../src/openstack/octavia/versions.js';
import { FakeClock } from '../support/fake-clock.js';
import { FakeOpenStack } from '../support/fake-openstack/cloud.js';
import { type FakeOpenStackServer, startFakeOpenStackServer } from '../support/fake-openstack/face-http.js';
import { fakeSession } from '../support/fake-openstack/face-session.js';
import { failure } from './names.js';

async function open(
  yaml: string,
  cloud: string,
  patch: Record<string, unknown> = {},
): Promise<OpenedSession> {
  const resolved = await resolveCloudConfig({
    env: { OS_CLIENT_CONFIG_FILE: '/fake/clouds.yaml' },
    readFile: (file) => Promise.resolve(file === '/fake/clouds.yaml' ? yaml : undefined),
    cwd: '/nonexistent',
    homeDir: '/nonexistent',
    cloud,
  });
  return openCloudSession(
    { ...resolved, ...patch },
    {
      logger: pino({ level: 'silent' }),
      registry: new Registry(),
      version: 'test',
      readFile: () => Promise.resolve(undefined),
    },
  );
}

describe('fake OpenStack: the HTTP face', () => {
  const fake = new FakeOpenStack({ seed: 5 });
  let server: FakeOpenStackServer;

  beforeAll(async () => {
    server = await startFakeOpenStackServer(fake, { latency: { fixedMs: 2, jitterMs: 3, seed: 9 } });
  });

  afterAll(async () => {
    await server.close();
  });

  it('serves Keystone, Neutron and Octavia behind the catalog of a clouds.yaml', async () => {
    expect(server.cloudsYaml()).toContain(`auth_url: ${server.authUrl}`);
    const opened = await open(server.cloudsYaml(), 'fake');
    try {
      expect(await opened.session.projectId()).toBe(fake.info.project_id);
      expect(await opened.session.endpoint('load-balancer')).toBe(`${server.url}/load-balancer`);
      expect((await versions.discover(opened.session, 'amphora')).apiVersion).toEqual({
        major: 2,
        minor: 26,
      });
      expect((await subnets.get(opened.session, fake.info.service_subnet_id)).cidr).toBe('10.2.0.0/16');
      expect(fake.requests.byOperation({ service: 'network' })).toEqual({ 'neutron.subnet.get': 1 });
    } finally {
      opened.close();
    }
  });

  it("answers a wrong password with Keystone's 401", async () => {
    const opened = await open(server.cloudsYaml(), 'fake');
    const good = opened.cloud.credentials;
    opened.close();
    const bad = await open(server.cloudsYaml(), 'fake', { credentials: { ...good, password: 'wrong' } });
    try {
      const err = await bad.session.projectId().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnauthorizedError);
      expect(err).toMatchObject({ status: 401, operation: 'token.issue' });
    } finally {
      bad.close();
    }
  });
});

describe('fake OpenStack: tokens on the fake clock', () => {
  it('re-authenticates once a token has expired (24 h) and once after a revocation', async () => {
    const clock = new FakeClock(Date.parse('2026-12-01T00:00:00Z'));
    const fake = new FakeOpenStack({ clock });
    const session = fakeSession(fake);
    await networks.get(session, fake.info.public_net_id);
    await clock.advance(25 * 3600 * 1000);
    await networks.get(session, fake.info.public_net_id);
    expect(fake.requests.count({ operation: 'token.issue' })).toBe(2);
    fake.keystone.revokeAll();
    await networks.get(session, fake.info.public_net_id);
    expect(fake.requests.count({ operation: 'token.issue' })).toBe(3);
    expect(fake.requests.count({ operation: 'neutron.network.get', status: 401 })).toBe(1);
  });
});

describe('fake OpenStack: Neutron policy and project scope', () => {
  const fake = new FakeOpenStack({ clock: new FakeClock(Date.parse('2026-12-01T00:00:00Z')) });
  const member = fakeSession(fake);
  const admin = fakeSession(fake, { user: 'admin' });

  it('lets only an admin pick a floating IP address', async () => {
    const spec = { networkId: fake.info.public_net_id, floatingIpAddress: '172.24.4.200', description: 'x' };
    expect(await failure(floatingips.create(member, spec))).toEqual({
      error: 'ForbiddenError',
      status: 403,
      type: 'PolicyNotAuthorized',
    });
    expect((await floatingips.create(admin, spec)).address).toBe('172.24.4.200');
    expect(await failure(floatingips.create(admin, spec))).toMatchObject({
      status: 409,
      type: 'IpAddressAlreadyAllocated',
    });
  });

  it("hides another project's port and refuses to delete a network that still has ports", async () => {
    const net = await networks.create(admin, { name: 'admin-net' });
    await subnets.create(admin, { networkId: net.id, name: 's', cidr: '192.168.9.0/24', ipVersion: 4 });
    const port = await ports.create(admin, { networkId: net.id, name: 'p' });
    expect(await failure(ports.get(member, port.id))).toMatchObject({ status: 404, type: 'PortNotFound' });
    expect(await failure(networks.delete(admin, net.id))).toMatchObject({
      status: 409,
      type: 'NetworkInUse',
    });
    await ports.delete(admin, port.id);
    await networks.delete(admin, net.id);
    expect(await failure(networks.get(admin, net.id))).toMatchObject({
      status: 404,
      type: 'NetworkNotFound',
    });
  });
});
