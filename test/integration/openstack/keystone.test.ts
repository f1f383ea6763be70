/**
 * The Keystone session against the real local test cloud (scripts/testcloud): password and
 * application-credential auth, catalog endpoints, real Neutron/Octavia calls, token expiry
 * and re-authentication after revocation.
 */
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../../../src/openstack/errors.js';
import { discoverVersionedRoot } from '../../../src/openstack/keystone/discovery.js';
import type { OpenedSession } from '../../../src/openstack/keystone/open.js';
import { REQUESTS_TOTAL } from '../../../src/openstack/metrics.js';
import { loadTestcloudInfo, testcloudSession, type TestcloudInfo } from '../../support/testcloud.js';

describe('Keystone session on the test cloud', () => {
  let info: TestcloudInfo;
  let user: OpenedSession;
  let admin: OpenedSession;

  beforeAll(async () => {
    info = await loadTestcloudInfo();
    user = await testcloudSession();
    admin = await testcloudSession({ cloud: info.admin_cloud });
  });
  afterAll(() => {
    user.close();
    admin.close();
  });

  it('authenticates the non-admin user, scoped to the k8s project, and finds the endpoints', async () => {
    const s = user.session;
    expect(await s.projectId()).toBe(info.project_id);
    const trim = (u: string | undefined) => u?.replace(/\/+$/, '');
    expect(trim(await s.endpoint('network'))).toBe(trim(info.endpoints.network));
    expect(trim(await s.endpoint('load-balancer'))).toBe(trim(info.endpoints['load-balancer']));
  });

  it('makes real Neutron and Octavia GET calls', async () => {
    const net = await user.session.request<{ network: { id: string; project_id: string } }>({
      service: 'network',
      method: 'GET',
      path: `/v2.0/networks/${info.pod_net_id}`,
      operation: 'network.get',
    });
    expect(net.body.network.id).toBe(info.pod_net_id);
    expect(net.requestId).toMatch(/^req-/);
    const lbs = await user.session.request<{ loadbalancers: unknown[] }>({
      service: 'load-balancer',
      method: 'GET',
      path: '/v2/lbaas/loadbalancers',
      query: { project_id: info.project_id, fields: ['id', 'name'] },
      operation: 'loadbalancer.list',
    });
    expect(Array.isArray(lbs.body.loadbalancers)).toBe(true);
  });

  it('discovers the versioned roots of Octavia and Neutron', async () => {
    expect(await discoverVersionedRoot(user.session, { service: 'load-balancer', major: 2 })).toMatch(
      /\/v2$/,
    );
    expect(await discoverVersionedRoot(user.session, { service: 'network', major: 2 })).toMatch(/\/v2\.0$/);
  });

  it('gets a new token once the injected clock passes expiry minus the margin', async () => {
    const clock = { t: Date.now() };
    const opened = await testcloudSession({ now: () => clock.t, expiryMarginMs: 60_000 });
    try {
      const first = await opened.session.token();
      expect(await opened.session.token()).toBe(first);
      clock.t += 365 * 24 * 3_600_000; // far past any token lifetime
      const second = await opened.session.token();
      expect(second).not.toBe(first);
      expect(await opened.session.projectId()).toBe(info.project_id);
    } finally {
      opened.close();
    }
  });

  it('re-authenticates once and succeeds after the admin revokes the token (401)', async () => {
    const registry = new Registry();
    const opened = await testcloudSession({ registry });
    try {
      const s = opened.session;
      const revoked = await s.token();
      await admin.session.request({
        service: 'identity',
        method: 'DELETE',
        path: '/v3/auth/tokens',
        headers: { 'X-Subject-Token': revoked },
        operation: 'token.revoke',
      });
      // Keystone validates its own tokens without a middleware cache: the 401 is immediate.
      const res = await s.request<{ projects: { id: string }[] }>({
        service: 'identity',
        method: 'GET',
        path: '/v3/auth/projects',
        operation: 'auth.projects',
      });
      expect(res.body.projects.map((p) => p.id)).toContain(info.project_id);
      expect(await s.token()).not.toBe(revoked);
      const counts = await registry.getSingleMetric(REQUESTS_TOTAL)?.get();
      const statuses = (counts?.values ?? [])
        .filter((v) => v.labels.operation === 'auth.projects')
        .map((v) => `${String(v.labels.status)}=${v.value}`)
        .sort();
      expect(statuses).toEqual(['200=1', '401=1']);
    } finally {
      opened.close();
    }
  });

  it('authenticates with an application credential created by the user, then not after deleting it', async () => {
    const s = user.session;
    const userId = await s.userId();
    const created = await s.request<{ application_credential: { id: string; secret: string } }>({
      service: 'identity',
      method: 'POST',
      path: `/v3/users/${userId}/application_credentials`,
      body: {
        application_credential: {
          name: `ks-it-${randomUUID()}`,
          description: 'kuryr-services integration test',
        },
      },
      operation: 'application_credential.create',
    });
    const { id, secret } = created.body.application_credential;
    const deleteIt = () =>
      s.request({
        service: 'identity',
        method: 'DELETE',
        path: `/v3/users/${userId}/application_credentials/${id}`,
        operation: 'application_credential.delete',
      });
    try {
      const app = await testcloudSession({
        patch: { credentials: { kind: 'application-credential', credential: { id }, secret } },
      });
      try {
        expect(await app.session.projectId()).toBe(info.project_id);
        const net = await app.session.request<{ network: { id: string } }>({
          service: 'network',
          method: 'GET',
          path: `/v2.0/networks/${info.pod_net_id}`,
          operation: 'network.get',
        });
        expect(net.body.network.id).toBe(info.pod_net_id);
      } finally {
        app.close();
      }
    } finally {
      await deleteIt();
    }
    const gone = await testcloudSession({
      patch: { credentials: { kind: 'application-credential', credential: { id }, secret } },
    });
    try {
      await expect(gone.session.projectId()).rejects.toBeInstanceOf(UnauthorizedError);
    } finally {
      gone.close();
    }
  });

  it('rejects a wrong password with UnauthorizedError from identity token.issue', async () => {
    const resolved = await testcloudSession();
    const creds = resolved.cloud.credentials;
    resolved.close();
    if (creds.kind !== 'password') throw new Error('testcloud cloud is expected to use a password');
    const wrong = await testcloudSession({
      patch: { credentials: { ...creds, password: 'not-the-password' } },
    });
    try {
      await expect(wrong.session.projectId()).rejects.toMatchObject({
        name: 'UnauthorizedError',
        service: 'identity',
        operation: 'token.issue',
        status: 401,
      });
    } finally {
      wrong.close();
    }
  });
});
