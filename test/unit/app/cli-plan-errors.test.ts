/** `kuryr-services plan` on bad input, through the real binary: exit 2, located messages, the rest still planned. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureBuilt, parsePlanJson, runBinary } from './cli-binary.js';

// Each case spawns node (about a second on a busy 2-core machine); a build may take a minute.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 240_000 });

const GOOD = `apiVersion: v1
kind: Service
metadata: { name: good, namespace: t }
spec:
  clusterIP: 10.2.0.20
  ports: [{ name: http, port: 80, targetPort: 8080 }]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: good-1, namespace: t, labels: { kubernetes.io/service-name: good } }
addressType: IPv4
ports: [{ name: http, port: 8080 }]
endpoints: [{ addresses: [10.1.0.20] }]
`;

const BAD = `apiVersion: v1
kind: Service
metadata: { name: first, namespace: t }
spec:
  clusterIP: 10.2.0.21
  ports: [{ port: 81 }]
---
apiVersion: v1
kind: Service
spec:
  clusterIP: 10.2.0.22
  ports: [{ port: 82 }]
---
apiVersion: v1
kind: Service
metadata: { name: far, namespace: t }
spec:
  clusterIP: 10.2.0.23
  ports: [{ name: http, port: 70000 }]
---
kind: Service
metadata: { name: [unclosed
`;

const INVALID = `apiVersion: v1
kind: Service
metadata: { name: outside, namespace: t }
spec:
  clusterIP: 192.0.2.1
  ports: [{ port: 80 }]
`;

const BAD_CONF = `[neutron_defaults]
service_subnet = service-subnet-id
pod_subnet = pod-subnet-id

[octavia_defaults]
member_mode = L4
`;

const ODD_CONF = `[DEFAULT]
debug = true

[neutron_defaults]
service_subnet = service-subnet-id
pod_subnet = pod-subnet-id
pod_security_groups = sg-1
`;

const OTHER_SUBNETS_CONF = `[neutron_defaults]
service_subnet = elsewhere-subnet-id
pod_subnet = pod-subnet-id
`;

let dir = '';
/** The manifests (other test files live beside it, so `-f man` reads only manifests). */
let man = '';
beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'ks-cli-errors-'));
  man = join(dir, 'manifests');
  await mkdir(man);
  await writeFile(join(man, 'good.yaml'), GOOD);
  await writeFile(join(man, 'bad.yaml'), BAD);
  await writeFile(join(man, 'invalid.yaml'), INVALID);
  await writeFile(join(dir, 'bad.conf'), BAD_CONF);
  await writeFile(join(dir, 'odd.conf'), ODD_CONF);
  await writeFile(join(dir, 'other.conf'), OTHER_SUBNETS_CONF);
  await writeFile(join(dir, 'subnets-bad.yaml'), '- id: s\n  cidr: 10.2.0.0/33\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('kuryr-services plan on bad input', () => {
  it('names file, document and field of each problem, exits 2, and still plans the rest', async () => {
    const missing = join(dir, 'missing.yaml');
    const run = await runBinary([
      'plan',
      '-f',
      join(man, 'bad.yaml'),
      '-f',
      join(man, 'good.yaml'),
      '-f',
      missing,
    ]);
    expect(run.code).toBe(2);
    const bad = join(man, 'bad.yaml');
    expect(run.stderr).toContain(
      `error: reading manifest ${bad}, document 2 (Service <no name>): metadata: required`,
    );
    expect(run.stderr).toContain(
      `error: reading manifest ${bad}, document 3 (Service t/far): spec.ports[0].port: must be within 1-65535`,
    );
    expect(run.stderr).toMatch(new RegExp(`error: reading manifest ${bad}, document 4: invalid YAML`));
    expect(run.stderr).toContain(`error: reading manifest ${missing}: cannot read`);
    expect(run.stdout).toMatch(/^t\/first: desired/m);
    expect(run.stdout).toMatch(/^t\/good: desired/m);
    expect(run.stdout).toMatch(/member\s+10\.1\.0\.20:8080/);
    expect(run.stdout).toMatch(/2 Services: 2 planned, 0 skipped, 0 invalid; 4 input error\(s\)/);
  });

  it('lists the errors in the JSON document too', async () => {
    const run = await runBinary(['plan', '-f', man, '-o', 'json']);
    expect(run.code).toBe(2);
    const doc = parsePlanJson(run.stdout);
    expect(doc.errors.map((e) => [e.file.slice(man.length + 1), e.document, e.field])).toEqual([
      ['bad.yaml', 4, null],
      ['bad.yaml', 2, 'metadata'],
      ['bad.yaml', 3, 'spec.ports[0].port'],
    ]);
    expect(doc.services.map((s) => `${s.name}:${s.result}`)).toEqual([
      'first:desired',
      'good:desired',
      'outside:invalid',
    ]);
  });

  it('exits 2 for an invalid Service and gives the reason', async () => {
    const run = await runBinary(['plan', '-f', join(man, 'invalid.yaml')]);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^t\/outside: invalid/m);
    expect(run.stdout).toMatch(/reason\s+KuryrInvalidService: .*192\.0\.2\.1 is in no service subnet/);
  });

  it('exits 2 on a bad option value, before reading anything', async () => {
    const api = await runBinary(['plan', '-f', man, '--octavia-api', 'two']);
    expect(api.code).toBe(2);
    expect(api.stderr).toContain('--octavia-api "two" is not a version like 2.27');
    expect(api.stdout).toBe('');
    const provider = await runBinary(['plan', '-f', man, '--provider', 'f5']);
    expect(provider.code).toBe(2);
    expect(provider.stderr).toMatch(/--provider.*f5/);
    const unknown = await runBinary(['bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'bogus'/);
    const none = await runBinary(['plan']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/required option '-f, --filename <path\.\.\.>'/);
  });

  it('exits 2 when a subnet id given is not among the subnets', async () => {
    const run = await runBinary(['plan', '-f', man, '--service-subnet', 'nope']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/subnet\(s\) nope not found/);
  });
});

describe('kuryr-services plan with bad configuration', () => {
  it('exits 2 naming file, section and key of a bad kuryr.conf value, before planning', async () => {
    const conf = join(dir, 'bad.conf');
    const run = await runBinary(['plan', '-f', join(man, 'good.yaml'), '--config', conf]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${conf}: [octavia_defaults] member_mode = "L4"`);
    expect(run.stdout).toBe('');
  });

  it('warns about kuryr.conf keys it does not use, and plans anyway', async () => {
    const run = await runBinary(['plan', '-f', join(man, 'good.yaml'), '--config', join(dir, 'odd.conf')]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/warning: .*odd\.conf: \[neutron_defaults\] .*pod_security_groups/);
    expect(run.stdout).toMatch(/^t\/good: desired/m);
  });

  it('exits 2 when kuryr.conf names a subnet the topology lacks', async () => {
    const run = await runBinary(['plan', '-f', join(man, 'good.yaml'), '--config', join(dir, 'other.conf')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/elsewhere-subnet-id not found/);
  });

  it('exits 2 naming entry and field of a bad subnets file, and asks for subnet ids without kuryr.conf', async () => {
    const bad = await runBinary(['plan', '-f', man, '--subnets', join(dir, 'subnets-bad.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/subnets-bad\.yaml: subnet \[0\] field cidr/);
    const noIds = await runBinary(['plan', '-f', man, '--subnets', 'examples/subnets.yaml']);
    expect(noIds.code).toBe(2);
    expect(noIds.stderr).toMatch(/no service subnet: pass --service-subnet or --config/);
    const ids = ['--service-subnet', 'service-subnet-id', '--pod-subnet', 'pod-subnet-id'];
    const withIds = await runBinary([
      'plan',
      '-f',
      join(man, 'good.yaml'),
      '--subnets',
      'examples/subnets.yaml',
      ...ids,
    ]);
    expect(withIds.code).toBe(0);
  });
});
