/** `kuryr-services plan` through the real binary, on examples/. */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureBuilt, parsePlanJson, runBinary, type PlanJson } from './cli-binary.js';

// Each case spawns node (about a second on a busy 2-core machine); a build may take a minute.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 240_000 });

const EXAMPLES = ['plan', '-f', 'examples/manifests'];
const WITH_FILES = [...EXAMPLES, '--config', 'examples/kuryr.conf', '--subnets', 'examples/subnets.yaml'];

/** The block of the table output for one Service (from its header to the next blank line). */
function block(stdout: string, key: string): string {
  const start = stdout.indexOf(`\n${key}: `);
  if (start < 0) return '';
  const end = stdout.indexOf('\n\n', start + 1);
  return stdout.slice(start + 1, end < 0 ? undefined : end);
}

function service(doc: PlanJson, name: string): PlanJson['services'][number] | undefined {
  return doc.services.find((s) => s.name === name);
}

beforeAll(ensureBuilt);

describe('kuryr-services plan (table)', () => {
  let run: Awaited<ReturnType<typeof runBinary>>;
  beforeAll(async () => {
    run = await runBinary(WITH_FILES);
  });

  it('exits 0 and says which context it planned in', () => {
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/warning|error/);
    expect(run.stdout).toMatch(/subnets\s+from examples\/subnets\.yaml/);
    expect(run.stdout).toMatch(/cluster\s+demo-cluster, member mode L2/);
    expect(run.stdout).toMatch(/Octavia\s+API 2\.27 \(newest supported\), provider amphora/);
    expect(run.stdout).toMatch(/uids\s+8 of 8 Services have no metadata\.uid/);
    expect(run.stdout).toMatch(/8 Services: 7 planned, 1 skipped, 0 invalid; 0 input error/);
  });

  it('resolves named targetPorts per EndpointSlice and leaves not-ready pods out', () => {
    const web = block(run.stdout, 'demo/web');
    expect(web).toMatch(/listener\s+TCP:80 /);
    expect(web).toMatch(/listener\s+TCP:443 /);
    for (const member of [
      '10.1.0.11:8080',
      '10.1.0.12:8080',
      '10.1.1.21:9080',
      '10.1.0.11:8443',
      '10.1.1.21:9443',
    ]) {
      expect(web).toMatch(
        new RegExp(`member +${member.replace(/\./g, '\\.')}  subnet pod-subnet-id \\(10\\.1\\.0\\.0/16\\)`),
      );
    }
    expect(web).not.toContain('10.1.1.22');
    expect(web).toContain('1 Octavia write: createLoadBalancer (fully populated)');
  });

  it('plans UDP and TCP listeners on one port', () => {
    const dns = block(run.stdout, 'demo/dns');
    expect(dns).toMatch(/listener\s+TCP:53 /);
    expect(dns).toMatch(/listener\s+UDP:53 /);
    expect(dns).toMatch(/pool\s+UDP ROUND_ROBIN/);
  });

  it('shows the floating IP intents: pool, user, none', () => {
    expect(block(run.stdout, 'demo/shop')).toMatch(
      /floating IP\s+new one from pool network public-network-id/,
    );
    expect(block(run.stdout, 'demo/shop')).toContain('1 Neutron write: createFloatingIp');
    expect(block(run.stdout, 'demo/api')).toMatch(/floating IP\s+user's floating IP 172\.24\.4\.100/);
    expect(block(run.stdout, 'demo/api')).toContain('associateFloatingIp');
    expect(block(run.stdout, 'demo/web')).toMatch(/floating IP\s+none \(not type LoadBalancer\)/);
  });

  it('skips the headless Service with its reason', () => {
    expect(block(run.stdout, 'demo/db')).toMatch(/^demo\/db: skip/);
    expect(block(run.stdout, 'demo/db')).toMatch(/reason\s+KuryrServiceSkipped: .*headless/);
  });

  it('keeps each Endpoints subset with its own port (no cross-subset mixing)', () => {
    const db = block(run.stdout, 'demo/legacy-db');
    expect(db).toContain('10.1.6.61:5432');
    expect(db).toContain('10.1.6.62:5432');
    expect(db).toContain('10.1.6.63:5433');
    expect(db).not.toMatch(/10\.1\.6\.6[12]:5433|10\.1\.6\.63:5432|10\.1\.6\.64/);
    expect(db).toMatch(/converted to 2 EndpointSlice\(s\), one per subset/);
  });

  it('applies session affinity, source ranges and timeout annotations', () => {
    const admin = block(run.stdout, 'demo/admin');
    expect(admin).toMatch(
      /listener\s+TCP:443 {2}allowed: 198\.51\.100\.7\/32, 203\.0\.113\.0\/24 {2}timeouts: client 70000 ms, member 75000 ms/,
    );
    expect(admin).toMatch(/pool\s+TCP ROUND_ROBIN, session persistence: SOURCE_IP/);
  });

  it('warns about a selector-less endpoint outside the pod subnets (L2) and notes ignored kinds', () => {
    expect(block(run.stdout, 'demo/billing')).toMatch(/warning\s+KuryrSkipMember: .*192\.168\.50\.10/);
    expect(run.stderr).toMatch(
      /note: examples\/manifests\/00-namespace\.yaml, document 1: ignored v1 Namespace demo/,
    );
  });
});

/** `protocol:port -> address:port...` per listener of each planned Service. */
function shapes(doc: PlanJson): Record<string, string[]> {
  return Object.fromEntries(
    doc.services.map((s) => [
      s.name,
      (s.loadBalancer?.listeners ?? []).map(
        (l) =>
          `${l.protocol}:${l.protocolPort} -> ${l.pool.members.map((m) => `${m.address}:${m.protocolPort}`).join(' ')}`,
      ),
    ]),
  );
}

describe('kuryr-services plan (json and options)', () => {
  it('without --config/--subnets uses the built-in demo topology, equal to the example files', async () => {
    const [demo, files, table] = await Promise.all([
      runBinary([...EXAMPLES, '-o', 'json', '--member-mode', 'L2']),
      runBinary([...WITH_FILES, '-o', 'json']),
      runBinary(EXAMPLES),
    ]);
    expect(demo.code).toBe(0);
    expect(shapes(parsePlanJson(demo.stdout))).toEqual(shapes(parsePlanJson(files.stdout)));
    expect(table.stdout).toMatch(/subnets\s+built-in demo topology/);
    expect(table.stdout).toMatch(/external net\s+public-network-id/);
  });

  it('prints a stable JSON document with the expected counts', async () => {
    const run = await runBinary([...WITH_FILES, '--output', 'json']);
    expect(run.code).toBe(0);
    const doc = parsePlanJson(run.stdout);
    expect(doc.services).toHaveLength(8);
    expect(doc.services.filter((s) => s.result === 'desired')).toHaveLength(7);
    expect(doc.services.filter((s) => s.result === 'skip')).toHaveLength(1);
    expect(doc.errors).toEqual([]);
    const web = service(doc, 'web');
    expect(web?.loadBalancer?.listeners.map((l) => [l.protocolPort, l.pool.members.length])).toEqual([
      [80, 3],
      [443, 3],
    ]);
    expect(web?.actions).toEqual([
      expect.objectContaining({ kind: 'createLoadBalancer', octaviaWrite: true }),
    ]);
    expect(service(doc, 'api')?.loadBalancer?.floatingIp).toEqual({
      method: 'user',
      address: '172.24.4.100',
    });
    expect(service(doc, 'db')?.reason?.code).toBe('KuryrServiceSkipped');
    expect((await runBinary([...WITH_FILES, '--output', 'json'])).stdout).toBe(run.stdout);
  });

  it('--legacy-lbaas-v2 skips the UDP port with a warning', async () => {
    const run = await runBinary([...WITH_FILES, '--legacy-lbaas-v2', '-o', 'json']);
    const dns = service(parsePlanJson(run.stdout), 'dns');
    expect(dns?.loadBalancer?.listeners.map((l) => `${l.protocol}:${l.protocolPort}`)).toEqual(['TCP:53']);
    expect(dns?.warnings.map((w) => w.code)).toContain('KuryrSkipListener');
    expect(dns?.warnings.map((w) => w.message).join()).toMatch(/UDP/);
  });

  it('--provider ovn balances with SOURCE_IP_PORT', async () => {
    const run = await runBinary([...WITH_FILES, '--provider', 'ovn']);
    expect(run.stdout).toMatch(/Octavia\s+API 2\.27 \(newest supported\), provider ovn/);
    expect(block(run.stdout, 'demo/web')).toMatch(/provider\s+ovn/);
    expect(block(run.stdout, 'demo/web')).toMatch(/pool\s+TCP SOURCE_IP_PORT/);
    expect(block(run.stdout, 'demo/web')).not.toContain('ROUND_ROBIN');
  });

  it('--member-mode L3 routes members outside the pod subnets', async () => {
    const run = await runBinary([...WITH_FILES, '--member-mode', 'L3']);
    expect(block(run.stdout, 'demo/billing')).toMatch(/member\s+192\.168\.50\.10:9000 {2}routed \(L3\)/);
  });

  it('documents the exit codes in --help', async () => {
    const run = await runBinary(['plan', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Exit codes:\n\s+0 .*\n\s+2 /);
    expect(run.stdout).toContain('--legacy-lbaas-v2');
  });
});
