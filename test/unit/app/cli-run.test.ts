/** The CLI in-process (runCli with captured streams): option precedence, without spawning node. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/app/cli/program.js';

async function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

const ADMIN = ['plan', '-f', 'examples/manifests/08-session-affinity-source-ranges.yaml'];

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ks-cli-run-'));
  await writeFile(
    join(dir, 'old.conf'),
    '[kuryr_services]\noctavia_api_version = 2.10\ncluster_id = east\n[kubernetes]\nendpoints_driver_octavia_provider = ovn\n',
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runCli plan', () => {
  it('caps a newer --octavia-api at the newest supported version', async () => {
    const result = await run([...ADMIN, '--octavia-api', '2.40']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/API 2\.27 \(--octavia-api 2\.40, capped\)/);
  });

  it('warns that source ranges are not enforced before Octavia 2.12', async () => {
    const result = await run([...ADMIN, '--octavia-api', '2.10']);
    expect(result.stdout).toMatch(/allowed: any/);
    expect(result.stdout).toMatch(
      /warning\s+KuryrUnsupportedOption: .*loadBalancerSourceRanges are NOT enforced/,
    );
  });

  it('takes API version, provider and cluster id from kuryr.conf, and flags over kuryr.conf', async () => {
    const conf = join(dir, 'old.conf');
    const fromConf = await run([...ADMIN, '--config', conf]);
    expect(fromConf.stdout).toMatch(
      /API 2\.10 \(kuryr\.conf \[kuryr_services\] octavia_api_version\), provider ovn/,
    );
    expect(fromConf.stdout).toMatch(/cluster\s+east, member mode L3/);
    const flags = await run([...ADMIN, '--config', conf, '--provider', 'amphora', '--cluster-id', 'west']);
    expect(flags.stdout).toMatch(/provider amphora/);
    expect(flags.stdout).toMatch(/cluster\s+west/);
  });

  it('refuses --legacy-lbaas-v2 with --provider ovn, and a cluster id that cannot be a tag', async () => {
    const legacy = await run([...ADMIN, '--legacy-lbaas-v2', '--provider', 'ovn']);
    expect(legacy.code).toBe(2);
    expect(legacy.stderr).toMatch(/--legacy-lbaas-v2 cannot be combined/);
    const cluster = await run([...ADMIN, '--cluster-id', 'has space']);
    expect(cluster.code).toBe(2);
    expect(cluster.stderr).toMatch(/option --cluster-id: must be 1 to 40 characters/);
  });

  it('prints help for the program without a command and exits 2', async () => {
    const result = await run([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Usage: kuryr-services/);
  });
});
