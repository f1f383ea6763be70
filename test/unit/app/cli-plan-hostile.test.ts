/**
 * `kuryr-services plan` on hostile files, through the real binary: a bad document is
 * reported and its neighbours planned, merge keys work, size limits hold with a clear
 * message, and a document with 150,001 list items is planned in full.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureBuilt, runBinary } from './cli-binary.js';

// Each case spawns node (about a second on a busy 2-core machine); a build may take a minute.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 240_000 });

const service = (name: string, ip: string): string => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: t }
spec:
  clusterIP: ${ip}
  ports: [{ name: http, port: 80, targetPort: 8080 }]
`;

const ALIAS_BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
  'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
  'i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]',
].join('\n');

const MERGED = `apiVersion: v1
kind: Service
metadata:
  name: merged
  namespace: t
  labels: &labels { app: merged }
  annotations:
    <<: *labels
spec:
  clusterIP: 10.2.0.52
  ports:
    - &http { name: http, port: 80, targetPort: 8080 }
    - <<: *http
      name: https
      port: 443
`;

/** Seven documents: good, alias bomb, merge keys, unterminated quote, good, flow error, good. */
const MIXED = [
  service('one', '10.2.0.51'),
  `${ALIAS_BOMB}\n`,
  MERGED,
  'apiVersion: v1\nkind: Service\nmetadata: { name: "broken\n',
  service('after', '10.2.0.53'),
  'kind: [unclosed\n',
  service('last', '10.2.0.54'),
].join('---\n');

const COUNT = 150_001;

/** A Service and its Endpoints with COUNT addresses in 10.64.0.0/10. */
function bigEndpoints(): string {
  const lines = [
    service('big', '10.2.0.60'),
    '---\napiVersion: v1\nkind: Endpoints\nmetadata: { name: big, namespace: t }\nsubsets:\n- ports: [{ name: http, port: 8080 }]\n  addresses:',
  ];
  for (let n = 1; n <= COUNT; n++) lines.push(`  - ip: 10.${64 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`);
  return `${lines.join('\n')}\n`;
}

const BIG_SUBNETS = `- { id: pods, network_id: pod-net, cidr: 10.64.0.0/10, gateway_ip: 10.64.0.1, ip_version: 4 }
- { id: services, network_id: service-net, cidr: 10.2.0.0/16, gateway_ip: 10.2.0.1, ip_version: 4 }
`;

let dir = '';
const at = (name: string): string => join(dir, name);
beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'ks-cli-hostile-'));
  await writeFile(at('mixed.yaml'), MIXED);
  await writeFile(at('small.yaml'), service('small', '10.2.0.55'));
  await writeFile(at('big.yaml'), bigEndpoints());
  await writeFile(at('subnets.yaml'), BIG_SUBNETS);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('kuryr-services plan on hostile files', () => {
  it('reports each bad document by number, exits 2, and plans every other document of the file', async () => {
    const run = await runBinary(['plan', '-f', at('mixed.yaml')]);
    expect(run.code).toBe(2);
    const file = at('mixed.yaml');
    expect(run.stderr).toContain(
      `error: reading manifest ${file}, document 2: aliases used more than 100 times`,
    );
    expect(run.stderr).toMatch(
      new RegExp(
        `error: reading manifest ${file}, document 4: invalid YAML: Missing closing "quote at line 3[4-7],`,
      ),
    );
    expect(run.stderr).toMatch(new RegExp(`error: reading manifest ${file}, document 6: invalid YAML: `));
    for (const name of ['one', 'merged', 'after', 'last'])
      expect(run.stdout).toMatch(new RegExp(`^t/${name}: desired`, 'm'));
    expect(run.stdout).toMatch(/listener\s+TCP:443 /);
    expect(run.stdout).toMatch(/4 Services: 4 planned, 0 skipped, 0 invalid; 3 input error\(s\)/);
  });

  it('does not read a file past --max-file-size, says which limit and how to change it, and plans the rest', async () => {
    const run = await runBinary([
      'plan',
      '-f',
      at('mixed.yaml'),
      '-f',
      at('small.yaml'),
      '--max-file-size',
      '1Ki',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `error: reading manifest ${at('mixed.yaml')}: larger than the per-file limit of 1 KiB; not read (--max-file-size changes the limit)`,
    );
    expect(run.stdout).toMatch(/^t\/small: desired/m);
    expect(run.stdout).toMatch(/1 Service: 1 planned, 0 skipped, 0 invalid; 1 input error\(s\)/);
  });

  it('stops at --max-total-size, an endless device (-f /dev/zero) included', async () => {
    const run = await runBinary([
      'plan',
      ...['-f', '/dev/zero', '-f', at('small.yaml'), '-f', at('mixed.yaml')],
      '--max-total-size',
      '1Ki',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'error: reading manifest /dev/zero: not read: it would take the input past the total limit of 1 KiB (0 bytes read before it) (--max-total-size changes the limit)',
    );
    expect(run.stderr).toMatch(
      /mixed\.yaml: not read: it would take the input past the total limit of 1 KiB \(152 bytes read before it\)/,
    );
    expect(run.stdout).toMatch(/^t\/small: desired/m);
  });

  it('refuses a size it cannot read, before reading anything', async () => {
    const run = await runBinary(['plan', '-f', at('small.yaml'), '--max-file-size', '12MB']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'option --max-file-size: must be a number of bytes, optionally with Ki, Mi or Gi',
    );
    expect(run.stdout).toBe('');
  });

  it(`plans and prints a Service whose Endpoints list ${COUNT} addresses`, async () => {
    const subnets = ['--subnets', at('subnets.yaml'), '--service-subnet', 'services', '--pod-subnet', 'pods'];
    const run = await runBinary(['plan', '-f', at('big.yaml'), ...subnets, '--member-mode', 'L2']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.match(/^ +member +10\./gm)).toHaveLength(COUNT);
    expect(run.stdout).toMatch(/1 Service: 1 planned, 0 skipped, 0 invalid; 0 input error\(s\)/);
  });
});
