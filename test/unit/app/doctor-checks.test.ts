/** The doctor's pure checks on tables: Keystone, Octavia, quotas, CRD, RBAC, identity, exit codes and rendering. */
import { describe, expect, it } from 'vitest';
import { exitCodeOf, error, ok, warning } from '../../../src/app/doctor/check.js';
import { readFailed, readOk } from '../../../src/app/doctor/facts.js';
import { checkCrd, checkIdentity, checkRbac } from '../../../src/app/doctor/kube-checks.js';
import { checkKeystone, checkOctavia, type OctaviaFacts } from '../../../src/app/doctor/openstack-checks.js';
import { checkQuotas, type QuotaFacts, type ResourceCounts } from '../../../src/app/doctor/quota-checks.js';
import { controllerAccessNeeds, describeNeed } from '../../../src/app/doctor/rbac-needs.js';
import { renderDoctorJson, renderDoctorTable } from '../../../src/app/doctor/render.js';

describe('exit code', () => {
  it.each([
    { rows: [ok('a', 'b', 'c')], code: 0 },
    { rows: [ok('a', 'b', 'c'), warning('a', 'b', 'c', 'f')], code: 1 },
    { rows: [warning('a', 'b', 'c', 'f'), error('a', 'b', 'c', 'f')], code: 2 },
    { rows: [], code: 0 },
  ])('$code', ({ rows, code }) => {
    expect(exitCodeOf(rows)).toBe(code);
  });
});

describe('Keystone', () => {
  it('no token: one error row, nothing else', () => {
    const rows = checkKeystone({
      cloud: 'c',
      authUrl: 'http://k',
      token: readFailed('HTTP 401'),
      endpoints: { 'load-balancer': readOk('x'), network: readOk('y') },
    });
    expect(rows.map((r) => r.status)).toEqual(['error']);
    expect(rows[0]?.detail).toContain('HTTP 401');
  });
  it('a missing endpoint is an error naming the override key', () => {
    const rows = checkKeystone({
      cloud: 'c',
      authUrl: 'http://k',
      token: readOk({ projectId: 'p' }),
      endpoints: { 'load-balancer': readFailed('no public endpoint'), network: readOk('http://n') },
    });
    expect(rows.map((r) => `${r.check}:${r.status}`)).toEqual([
      'token:ok',
      'load-balancer endpoint:error',
      'network endpoint:ok',
    ]);
    expect(rows[1]?.fix).toContain('load_balancer_endpoint_override');
  });
});

describe('Octavia', () => {
  const facts = (over: Partial<OctaviaFacts>): OctaviaFacts => ({
    version: readOk({ major: 2, minor: 26 }),
    configuredVersion: null,
    providers: readOk(['amphora', 'octavia']),
    provider: 'amphora',
    ...over,
  });
  it.each([
    { name: '2.26', f: facts({}), want: ['ok', 'ok'] },
    { name: '2.30 (capped)', f: facts({ version: readOk({ major: 2, minor: 30 }) }), want: ['ok', 'ok'] },
    {
      name: '2.10 (no allowed_cidrs)',
      f: facts({ version: readOk({ major: 2, minor: 10 }) }),
      want: ['warning', 'ok'],
    },
    { name: '2.4 (no tags)', f: facts({ version: readOk({ major: 2, minor: 4 }) }), want: ['error', 'ok'] },
    { name: 'ovn not enabled', f: facts({ provider: 'ovn' }), want: ['ok', 'error'] },
    { name: 'only the octavia alias', f: facts({ providers: readOk(['octavia']) }), want: ['ok', 'ok'] },
    {
      name: 'discovery failed',
      f: facts({ version: readFailed('HTTP 503'), providers: readFailed('HTTP 503') }),
      want: ['error', 'error'],
    },
  ])('$name', ({ f, want }) => {
    expect(checkOctavia(f).map((r) => r.status)).toEqual(want);
  });
  it('says when the version is capped at the newest supported', () => {
    expect(checkOctavia(facts({ version: readOk({ major: 2, minor: 30 }) }))[0]?.detail).toBe(
      '2.30 (used as 2.27, the newest supported)',
    );
  });
});

describe('quotas', () => {
  const zero: ResourceCounts = {
    loadBalancers: 0,
    listeners: 0,
    pools: 0,
    members: 0,
    floatingIps: 0,
    ports: 0,
  };
  const unlimited = { limit: -1, used: null };
  const facts = (over: Partial<QuotaFacts>): QuotaFacts => ({
    need: { ...zero, loadBalancers: 10, floatingIps: 4, ports: 10 },
    ours: zero,
    octavia: readOk({
      loadBalancers: { limit: 12, used: 0 },
      listeners: unlimited,
      pools: unlimited,
      members: unlimited,
    }),
    neutron: readOk({ floatingIps: { limit: 10, used: 5 }, ports: { limit: 100, used: 95 } }),
    ...over,
  });
  const statusOf = (f: QuotaFacts, check: string) => checkQuotas(f).find((r) => r.check === check)?.status;

  it('need + what others use against the limit', () => {
    expect(statusOf(facts({}), 'load balancers')).toBe('ok'); // 10 of 12
    expect(statusOf(facts({}), 'floating IPs')).toBe('ok'); // 5 + 4 of 10 = 90%
    expect(statusOf(facts({}), 'ports')).toBe('error'); // 95 + 10 > 100
    expect(statusOf(facts({ need: { ...zero, loadBalancers: 13 } }), 'load balancers')).toBe('error');
    expect(statusOf(facts({ need: { ...zero, loadBalancers: 11 } }), 'load balancers')).toBe('warning');
  });
  it("the cluster's own objects are part of the need, not counted twice", () => {
    const f = facts({ ours: { ...zero, ports: 10 } });
    expect(statusOf(f, 'ports')).toBe('warning'); // (95 - 10) + 10 = 95 of 100, not 105
    const row = checkQuotas(f).find((r) => r.check === 'ports');
    expect(row?.detail).toBe('the Services need 10, 85 used by other objects, limit 100 (over 90%)');
  });
  it('unreadable quotas are a warning', () => {
    const rows = checkQuotas(facts({ octavia: readFailed('HTTP 403'), neutron: readFailed('HTTP 403') }));
    expect(rows.map((r) => r.status)).toEqual(['warning', 'warning']);
  });
});

describe('cluster', () => {
  const v1 = { name: 'v1', served: true, storage: true };
  it.each([
    { crd: readOk({ established: true, versions: [v1] }), want: 'ok' },
    { crd: readOk(null), want: 'error' },
    { crd: readOk({ established: true, versions: [{ ...v1, served: false }] }), want: 'error' },
    { crd: readOk({ established: false, versions: [v1] }), want: 'error' },
    { crd: readFailed<never>('HTTP 403'), want: 'error' },
  ])('CRD $crd → $want', ({ crd, want }) => {
    expect(checkCrd(crd).status).toBe(want);
  });

  it('RBAC: all allowed is one ok row; a denied need an error, a leader-only one a warning', () => {
    const needs = controllerAccessNeeds({ namespace: 'kube-system', name: 'lease' });
    const allowed = needs.map((need) => ({ need, allowed: readOk({ allowed: true, reason: '' }) }));
    expect(checkRbac(allowed, 'sa').map((r) => r.status)).toEqual(['ok']);
    const denied = needs.map((need) => ({
      need,
      allowed: readOk({
        allowed: !(need.verb === 'patch' && need.subresource === 'status') && need.verb !== 'update',
        reason: '',
      }),
    }));
    expect(checkRbac(denied, 'sa').map((r) => `${r.check}:${r.status}`)).toEqual([
      'patch services/status:error',
      'patch kuryrloadbalancers.openstack.org/status:error',
      'update leases.coordination.k8s.io lease in kube-system:warning',
    ]);
  });

  it('the permission list covers every verb the controller uses', () => {
    const texts = controllerAccessNeeds({ namespace: 'ns', name: 'l' }).map(describeNeed);
    expect(texts).toEqual(
      expect.arrayContaining([
        'list services',
        'watch services',
        'get services',
        'patch services',
        'patch services/status',
        'list endpointslices.discovery.k8s.io',
        'watch endpointslices.discovery.k8s.io',
        'create events',
        'patch events',
        'get kuryrloadbalancers.openstack.org',
        'list kuryrloadbalancers.openstack.org',
        'watch kuryrloadbalancers.openstack.org',
        'create kuryrloadbalancers.openstack.org',
        'patch kuryrloadbalancers.openstack.org',
        'delete kuryrloadbalancers.openstack.org',
        'get namespaces kube-system',
        'create leases.coordination.k8s.io in ns',
        'get leases.coordination.k8s.io l in ns',
      ]),
    );
  });

  it.each([
    {
      uid: readOk('u-1'),
      clusterId: null,
      want: ['ok', 'ok'],
      text: 'not set: the kube-system uid u-1 is used',
    },
    { uid: readOk('u-1'), clusterId: 'prod', want: ['ok', 'ok'], text: '"prod" (kuryr.conf)' },
    {
      uid: readFailed<string>('HTTP 403'),
      clusterId: null,
      want: ['error', 'error'],
      text: 'not set, and the kube-system uid to derive it from cannot be read',
    },
    {
      uid: readFailed<string>('HTTP 403'),
      clusterId: 'prod',
      want: ['error', 'ok'],
      text: '"prod" (kuryr.conf)',
    },
  ])('identity $uid, cluster_id $clusterId', ({ uid, clusterId, want, text }) => {
    const rows = checkIdentity(uid, clusterId);
    expect(rows.map((r) => r.status)).toEqual(want);
    expect(rows[1]?.detail).toBe(text);
  });
});

describe('rendering', () => {
  const rows = [
    ok('keystone', 'token', 'issued'),
    error('service subnet', 'allocation pool', 'overlaps', 'move it'),
  ];
  it('table: aligned columns, a fix line under each row that is not ok, a summary', () => {
    expect(renderDoctorTable(rows)).toBe(
      [
        'STATUS  GROUP           CHECK            DETAIL',
        'ok      keystone        token            issued',
        'ERROR   service subnet  allocation pool  overlaps',
        '        fix: move it',
        '',
        '1 ok, 0 warning(s), 1 error(s)',
        '',
      ].join('\n'),
    );
  });
  it('json: exit code, summary and the rows', () => {
    expect(JSON.parse(renderDoctorJson(rows))).toEqual({
      exitCode: 2,
      summary: { ok: 1, warning: 0, error: 1 },
      checks: rows,
    });
  });
});
