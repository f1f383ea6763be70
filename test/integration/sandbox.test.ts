/**
 * The sandbox end to end: `bash scripts/sandbox --once` builds, starts the simulated API
 * server and the real controller binary against the test cloud, applies the examples, shows
 * a scale-up and a delete, cleans up and exits 0; afterwards nothing tagged with the
 * sandbox's cluster id (nor the user floating IP it allocated) is left in Octavia/Neutron.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenedSession } from '../../src/openstack/keystone/open.js';
import {
  ownedFloatingIps,
  ownedLoadBalancers,
  sandboxUserFloatingIps,
} from '../../scripts/sandbox-parts/cloud.js';
import { testcloudSession } from '../support/testcloud.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function runSandbox(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['scripts/sandbox', '--once'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      resolve({ code, output });
    });
  });
}

describe('sandbox --once', () => {
  let cloud: OpenedSession;
  beforeAll(async () => {
    cloud = await testcloudSession();
  });
  afterAll(() => {
    cloud.close();
  });

  it('shows the load balancers ACTIVE, a scale-up and a delete, and leaves nothing behind', async () => {
    const { code, output } = await runSandbox();
    expect(code, output.slice(-4000)).toBe(0);
    expect(output).toMatch(/all \d+ load balancers ACTIVE: .*web/);
    expect(output).toMatch(/skipped, with the reason: demo\/db \(skipped: .*headless/);
    expect(output).toMatch(/scale-up done: web went from 6 to 10 members, load balancer ACTIVE/);
    expect(output).toMatch(/delete done: Service dns and load balancer \w+ are gone from Octavia/);
    expect(output).toMatch(/released: no load balancer or floating IP tagged "sandbox" remains/);
    expect(output).toMatch(/controller stopped \(exit code 0\)/);
    expect(await ownedLoadBalancers(cloud.session, 'sandbox')).toEqual([]);
    expect(await ownedFloatingIps(cloud.session, 'sandbox')).toEqual([]);
    expect(await sandboxUserFloatingIps(cloud.session)).toEqual([]);
  }, 1_800_000);
});
