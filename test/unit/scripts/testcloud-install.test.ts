/**
 * scripts/testcloud's install decision (phase_install) on made-up machines: dpkg-query and
 * apt-get are shims (shims/) answering as on Debian 12, so nothing real is installed.
 * A bare machine is the case that once stopped `up` before it installed anything:
 * dpkg-query exits 1 for unknown packages, under `set -euo pipefail`.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aptGetCalls, failAptGet, installPackageShims, readState } from './package-shims.js';
import { makeSandbox, REPO, type Sandbox } from './shell-sandbox.js';

const TESTCLOUD = join(REPO, 'scripts/testcloud');
const INSTALL_FLAGS = 'install -y --no-install-recommends';
const POLICY_DENY = '#!/bin/sh\nexit 101\n';

let box: Sandbox;
beforeEach(async () => {
  box = await makeSandbox();
});
afterEach(async () => {
  await box.remove();
});

/** The package list the script declares (read from the script, not copied here). */
function declaredPackages(): string[] {
  const r = box.run(TESTCLOUD, `printf '%s\\n' "\${TC_PACKAGES[@]}"`);
  expect(r.code).toBe(0);
  const list = r.stdout.split('\n').filter((l) => l !== '');
  expect(list.length).toBeGreaterThan(10);
  return list;
}

/** phase_install with its policy-rc.d inside the sandbox; uid as given. */
function install(uid = 0): ReturnType<Sandbox['run']> {
  const policy = join(box.state, 'policy-rc.d');
  return box.run(TESTCLOUD, `TC_POLICY_RC_D="$SHIM_POLICY"; phase_install`, {
    SHIM_POLICY: policy,
    SHIM_UID: String(uid),
  });
}

describe('testcloud phase_install', () => {
  it('on a bare machine installs every package, without letting their daemons start', async () => {
    const all = declaredPackages();
    await installPackageShims(box, ['bash install ok installed']);
    const r = install();
    expect(r.stderr).toContain(`installing: ${all.join(' ')}`);
    expect(r.code).toBe(0);
    expect(await aptGetCalls(box)).toEqual(['update', `${INSTALL_FLAGS} ${all.join(' ')}`]);
    expect(await readState(box, 'apt-get-install.env')).toBe('DEBIAN_FRONTEND=noninteractive\n');
    expect(await readState(box, 'policy-during-install')).toBe(POLICY_DENY);
    expect(await readState(box, 'policy-rc.d')).toBeUndefined();
  });

  it('installs exactly the packages dpkg does not report as installed', async () => {
    const all = declaredPackages();
    const [a, b, c, d, ...rest] = all;
    const known = [
      `${String(a)} install ok installed`,
      `${String(b)} deinstall ok config-files`,
      `${String(c)} install ok half-configured`,
      `${String(d)} unknown ok not-installed`,
      ...rest.slice(3).map((p) => `${p} install ok installed`),
    ];
    await installPackageShims(box, known);
    const missing = [b, c, d, ...rest.slice(0, 3)].map(String);
    const r = install();
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`installing: ${missing.join(' ')}\n`);
    expect(await aptGetCalls(box)).toEqual(['update', `${INSTALL_FLAGS} ${missing.join(' ')}`]);
  });

  it('installs nothing when everything is installed', async () => {
    await installPackageShims(
      box,
      declaredPackages().map((p) => `${p} install ok installed`),
    );
    const r = install(1000);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('installing');
    expect(await aptGetCalls(box)).toEqual([]);
    expect(await readState(box, 'policy-rc.d')).toBeUndefined();
  });

  it('refuses with the missing packages named when not root', async () => {
    const [first, ...others] = declaredPackages();
    await installPackageShims(
      box,
      others.map((p) => `${p} install ok installed`),
    );
    const r = install(1000);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`ERROR: packages missing (${String(first)}); run as root`);
    expect(await aptGetCalls(box)).toEqual([]);
  });

  it('fails naming the packages when apt-get install fails, and restores an existing policy-rc.d', async () => {
    const [first, second, ...others] = declaredPackages();
    await installPackageShims(
      box,
      others.map((p) => `${p} install ok installed`),
    );
    await failAptGet(box, 'install', 100);
    const own = '#!/bin/sh\nexit 0\n';
    expect(
      box.run(TESTCLOUD, `printf '${own.replaceAll('\n', '\\n')}' >"$SHIM_STATE/policy-rc.d"`).code,
    ).toBe(0);
    const r = install();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `ERROR: apt-get install failed (exit 100) for: ${String(first)} ${String(second)}`,
    );
    expect(await readState(box, 'policy-during-install')).toBe(POLICY_DENY);
    expect(await readState(box, 'policy-rc.d')).toBe(own);
    expect(await readState(box, 'policy-rc.d.testcloud-save')).toBeUndefined();
  });

  it('does not install when apt-get update fails, and removes its policy-rc.d', async () => {
    await installPackageShims(box, []);
    await failAptGet(box, 'update', 100);
    const r = install();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ERROR: apt-get install failed (exit 100)');
    expect(await aptGetCalls(box)).toEqual(['update']);
    expect(await readState(box, 'policy-rc.d')).toBeUndefined();
  });
});
