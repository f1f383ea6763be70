/** The controller command's leader-election flags, in-process (runCli), before any network I/O. */
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

let dir = '';
let conf = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ks-leader-cli-'));
  conf = join(dir, 'kuryr.conf');
  await writeFile(conf, '[neutron_defaults]\nservice_subnet = 11111111-2222-3333-4444-555555555555\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('kuryr-services controller leader election flags', () => {
  it('documents --leader-elect, --no-leader-elect and the Lease name and namespace', async () => {
    const help = await run(['controller', '--help']);
    // Commander wraps to the terminal width: compare with whitespace collapsed.
    const text = help.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('--leader-elect run only while holding the leader Lease (default: on in a pod');
    expect(text).toContain('--no-leader-elect run without leader election');
    expect(text).toContain(
      '--leader-elect-namespace <namespace> namespace of the leader Lease (default: POD_NAMESPACE, else kube-system)',
    );
    expect(text).toContain(
      '--leader-elect-name <name> name of the leader Lease (default: "kuryr-services-controller")',
    );
  });

  it('refuses an empty Lease name as a usage error (exit 2) before connecting anywhere', async () => {
    const result = await run(['controller', '--config', conf, '--leader-elect', '--leader-elect-name', '']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--leader-elect-name and --leader-elect-namespace must not be empty/);
  });
});
