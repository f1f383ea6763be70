/** `kuryr-services doctor` input errors: exit 2 with a message naming the problem, before any network call. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../../src/app/cli/program.js';

async function doctor(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await runCli(['doctor', ...args], {
    stdout: () => undefined,
    stderr: (t) => {
      stderr += t;
    },
  });
  return { code, stderr };
}

describe('kuryr-services doctor: unusable input', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('a malformed --service-cidr', async () => {
    const { code, stderr } = await doctor(['--service-cidr', '10.2.0.0/33']);
    expect(code).toBe(2);
    expect(stderr).toContain('--service-cidr "10.2.0.0/33" is not a CIDR');
  });

  it('kuryr.conf with the refused cluster_id "kubernetes"', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'doctor-cli-')), 'kuryr.conf');
    writeFileSync(file, '[kuryr_services]\ncluster_id = kubernetes\n');
    const { code, stderr } = await doctor(['--config', file]);
    expect(code).toBe(2);
    expect(stderr).toContain('[kuryr_services] cluster_id = "kubernetes"');
  });

  it('kuryr.conf that is not oslo.config INI', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'doctor-cli-')), 'kuryr.conf');
    writeFileSync(file, '[neutron_defaults]\n  service_subnet = x\n');
    const { code, stderr } = await doctor(['--config', file]);
    expect(code).toBe(2);
    expect(stderr).toContain("at line 2, Unexpected continuation line: '  service_subnet = x'");
  });

  it('an OS_CLIENT_CONFIG_FILE that does not exist', async () => {
    vi.stubEnv('OS_CLIENT_CONFIG_FILE', '/nonexistent/clouds.yaml');
    const { code, stderr } = await doctor([]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      'environment OS_CLIENT_CONFIG_FILE names /nonexistent/clouds.yaml, which does not exist or cannot be read',
    );
  });

  it('an unknown output format', async () => {
    expect((await doctor(['-o', 'yaml'])).code).toBe(2);
  });
});
