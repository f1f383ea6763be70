/** `kuryr-services status` against the simulated API server and the fake OpenStack over HTTP. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  aFloatingIp,
  anOwnedLoadBalancer,
  aService,
  aWarning,
  cli,
  startStatusSetup,
  type StatusSetup,
} from './status-setup.js';

let s: StatusSetup;
beforeEach(async () => {
  s = await startStatusSetup();
});
afterEach(async () => {
  await s.stop();
});

interface JsonRow {
  service: string;
  deleted: boolean;
  loadBalancerId: string | null;
  vip: string | null;
  floatingIp: string | null;
  listeners: string[];
  members: number | null;
  membersReady: number | null;
  provisioningStatus: string | null;
  operatingStatus: string | null;
  lastError: string;
}

/** web: an ACTIVE load balancer with two members and our floating IP; broken: a Warning, no LB; gone: an orphan LB. */
async function populate(): Promise<{ web: { id: string; vipAddress: string }; fip: string; gone: string }> {
  const web = await aService(s, 'web');
  const lb = await anOwnedLoadBalancer(s, web, ['10.1.0.5', '10.1.0.6']);
  const fip = await aFloatingIp(s, lb.vipPortId, web);
  await aService(s, 'broken');
  await aWarning(s, 'broken', 'KuryrLoadBalancerFailed', 'Octavia answered 400: bad input');
  const gone = await anOwnedLoadBalancer(s, { namespace: 'default', name: 'gone', uid: 'uid-gone' }, []);
  return { web: lb, fip: fip.address, gone: gone.id };
}

describe('kuryr-services status', () => {
  it('-o json: one row per Service and per orphaned load balancer, from the listed objects', async () => {
    const { web, fip, gone } = await populate();
    const { code, stdout, stderr } = await cli(['status', ...s.access, '-n', 'default', '-o', 'json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const rows = (JSON.parse(stdout) as { services: JsonRow[] }).services;
    expect(rows.map((r) => r.service)).toEqual(['default/broken', 'default/gone', 'default/web']);
    const byName = new Map(rows.map((r) => [r.service, r]));
    expect(byName.get('default/web')).toMatchObject({
      deleted: false,
      loadBalancerId: web.id,
      vip: web.vipAddress,
      floatingIp: fip,
      listeners: ['TCP:80'],
      members: 2,
      provisioningStatus: 'ACTIVE',
      lastError: '',
    });
    expect(byName.get('default/broken')).toMatchObject({
      loadBalancerId: null,
      lastError: 'KuryrLoadBalancerFailed: Octavia answered 400: bad input',
    });
    expect(byName.get('default/gone')).toMatchObject({ deleted: true, loadBalancerId: gone, members: 0 });
  });

  it('the table: full ids with -o wide, short ones by default, members ready/total', async () => {
    const { web } = await populate();
    const table = await cli(['status', ...s.access, '-n', 'default']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^SERVICE +TYPE +LB +VIP +FIP +LISTENERS +MEMBERS +PROVISIONING +OPERATING +LAST ERROR$/,
    );
    const webLine = lines.find((l) => l.startsWith('default/web '));
    expect(webLine).toContain(web.id.slice(0, 8));
    expect(webLine).not.toContain(web.id);
    expect(webLine).toMatch(/TCP:80 +2\/2 +ACTIVE/);
    expect(lines.find((l) => l.startsWith('default/gone (deleted)'))).toContain(
      'Service gone: being released',
    );
    const wide = await cli(['status', ...s.access, '-n', 'default', '-o', 'wide']);
    expect(wide.stdout).toContain(web.id);
  });

  it('a failing API server: the failed list is named, exit 1', async () => {
    s.api.faults.respond({ verb: 'list', resource: 'services' }, { code: 500, message: 'etcd is down' });
    const { code, stdout, stderr } = await cli(['status', ...s.access]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^kuryr-services status: .*Services/);
    expect(stderr).toContain('500');
  });

  it('an unreachable cloud: the connection failure is named, exit 1', async () => {
    await s.http.close();
    const { code, stderr } = await cli(['status', ...s.access]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^kuryr-services status: .+/);
    expect(stderr).toMatch(/ECONNREFUSED|fetch failed|connect/i);
  });

  it('--watch refreshes until stopped, showing what changed in between', async () => {
    await populate();
    const stop = new AbortController();
    let tables = 0;
    const seen: string[] = [];
    const run = cli(['status', ...s.access, '-n', 'default', '-o', 'json', '--watch', '--interval', '0.01'], {
      signal: stop.signal,
      onStdout: (text) => {
        tables++;
        seen.push(text);
        if (tables === 1) void aService(s, 'later');
        if (seen.some((t) => t.includes('default/later'))) stop.abort();
      },
    });
    const { code } = await run;
    expect(code).toBe(0);
    expect(tables).toBeGreaterThanOrEqual(2);
    expect(seen[0]).not.toContain('default/later');
    expect(seen.at(-1)).toContain('default/later');
  });

  it('a non-positive --interval is a usage error', async () => {
    expect((await cli(['status', ...s.access, '--watch', '--interval', '0'])).code).toBe(2);
  });
});
