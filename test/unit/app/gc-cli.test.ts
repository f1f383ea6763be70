/** `kuryr-services gc --dry-run` against the simulated API server and the fake OpenStack over HTTP. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  aFloatingIp,
  anOwnedLoadBalancer,
  aService,
  cli,
  startStatusSetup,
  type StatusSetup,
} from './status-setup.js';

let s: StatusSetup | null = null;
async function setup(conf: Record<string, string | number> = {}): Promise<StatusSetup> {
  s = await startStatusSetup(conf);
  return s;
}
afterEach(async () => {
  await s?.stop();
  s = null;
});

const orphan = (name: string) => ({ namespace: 'default', name, uid: `uid-${name}` });

/** Octavia and Neutron writes (a Keystone token POST is not one). */
const writes = (w: StatusSetup): number =>
  w.fake.requests.count({ kind: 'write', service: 'load-balancer' }) +
  w.fake.requests.count({ kind: 'write', service: 'network' });

interface Preview {
  orphans: { service: string; verdict: string; reason: string; actions: string[]; notDeleted: string[] }[];
}

describe('kuryr-services gc --dry-run', () => {
  it('nothing owned without a Service: "nothing to release", exit 0, no write', async () => {
    const w = await setup();
    await anOwnedLoadBalancer(w, await aService(w, 'web'), ['10.1.0.5']);
    w.fake.requests.reset();
    const { code, stdout } = await cli(['gc', '--dry-run', ...w.access]);
    expect(stdout).toBe('nothing to release\n');
    expect(code).toBe(0);
    expect(writes(w)).toBe(0);
  });

  it('an orphan: its load balancer and our floating IP would go, a user floating IP only disassociated; exit 1, nothing deleted', async () => {
    const w = await setup();
    const gone = await anOwnedLoadBalancer(w, orphan('gone'), ['10.1.0.5']);
    const ours = await aFloatingIp(w, gone.vipPortId, orphan('gone'));
    const other = await anOwnedLoadBalancer(w, orphan('other'), []);
    const user = await aFloatingIp(w, other.vipPortId, null);
    w.fake.requests.reset();
    const { code, stdout } = await cli(['gc', '--dry-run', ...w.access, '-o', 'json']);
    expect(code).toBe(1);
    const preview = JSON.parse(stdout) as Preview;
    const byKey = new Map(preview.orphans.map((o) => [o.service, o]));
    expect(byKey.get('default/gone')).toMatchObject({ verdict: 'release', notDeleted: [] });
    expect(byKey.get('default/gone')?.actions.join('\n')).toContain(`delete load balancer ${gone.id}`);
    expect(byKey.get('default/gone')?.actions.join('\n')).toContain(
      `delete floating IP ${ours.address} (ours)`,
    );
    expect(byKey.get('default/other')?.actions).toContain(`disassociate floating IP ${user.address}`);
    expect(byKey.get('default/other')?.notDeleted.join('')).toContain(`${user.address}: not ours (a user's)`);
    expect(writes(w)).toBe(0);
    expect(w.fake.octavia.loadBalancers.size).toBe(2);
  });

  it('over max_orphan_releases_per_sweep: the rest are deferred, named in the text output', async () => {
    const w = await setup({ max_orphan_releases_per_sweep: 1 });
    await anOwnedLoadBalancer(w, orphan('a'), []);
    await anOwnedLoadBalancer(w, orphan('b'), []);
    const { code, stdout } = await cli(['gc', '--dry-run', ...w.access]);
    expect(code).toBe(1);
    expect(stdout).toContain('would release  default/a: the Service is gone (live 404)');
    expect(stdout).toContain('deferred  default/b: over max_orphan_releases_per_sweep = 1');
    expect(stdout).toContain(
      '2 of 2 orphaned Services would be released (at most 1 per sweep); nothing was changed',
    );
  });

  it('no live 404 (the GET fails): refused, exit 0', async () => {
    const w = await setup();
    await anOwnedLoadBalancer(w, orphan('gone'), []);
    w.api.faults.respond({ verb: 'get', resource: 'services', name: 'gone' }, { code: 503 });
    const { code, stdout } = await cli(['gc', '--dry-run', ...w.access, '-o', 'json']);
    const preview = JSON.parse(stdout) as Preview;
    expect(preview.orphans).toHaveLength(1);
    expect(preview.orphans[0]).toMatchObject({ service: 'default/gone', verdict: 'refused', actions: [] });
    expect(preview.orphans[0]?.reason).toMatch(/^no live 404 evidence: /);
    expect(code).toBe(0);
  });

  it('without --dry-run: a clear error, exit 2, no call made', async () => {
    const w = await setup();
    w.fake.requests.reset();
    const { code, stderr } = await cli(['gc', ...w.access]);
    expect(code).toBe(2);
    expect(stderr).toContain('only --dry-run is supported');
    expect(w.fake.requests.entries()).toEqual([]);
  });

  it('a failing API server: named, exit 3', async () => {
    const w = await setup();
    w.api.faults.respond({ verb: 'list', resource: 'services' }, { code: 500 });
    const { code, stderr } = await cli(['gc', '--dry-run', ...w.access]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/^kuryr-services gc: .*500/);
  });
});
