/**
 * scripts/image/build's tool installation (ensure_tools) on made-up machines: dpkg-query,
 * apt-get and id are the shims of test/unit/scripts/shims (answering as on Debian 12), so
 * nothing real is installed. The bare machine is where a fresh CI run starts.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aptGetCalls, failAptGet, installPackageShims, readState } from '../scripts/package-shims.js';
import { makeSandbox, REPO, type Sandbox } from '../scripts/shell-sandbox.js';

const BUILD = join(REPO, 'scripts/image/build');
const INSTALL = 'install -y --no-install-recommends';

let box: Sandbox;
beforeEach(async () => {
  box = await makeSandbox();
});
afterEach(async () => {
  await box.remove();
});

/** The tools the script declares (read from the script, not copied here). */
function declaredTools(): string[] {
  const r = box.run(BUILD, `printf '%s\\n' "\${IMG_TOOLS[@]}"`);
  expect(r.code).toBe(0);
  return r.stdout.split('\n').filter((l) => l !== '');
}

function ensureTools(uid = 0): ReturnType<Sandbox['run']> {
  return box.run(BUILD, 'ensure_tools', { SHIM_UID: String(uid) });
}

describe('scripts/image/build ensure_tools', () => {
  it('declares the Debian tools that build, unpack and run the image', () => {
    expect(declaredTools()).toEqual(['mmdebstrap', 'buildah', 'umoci', 'runc', 'podman']);
  });

  it('on a bare machine installs every tool non-interactively', async () => {
    const all = declaredTools();
    await installPackageShims(box, ['bash install ok installed']);
    const r = ensureTools();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`installing: ${all.join(' ')}\n`);
    // The build's stdout is the archive path: apt-get's progress must not land there.
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Reading package lists...');
    expect(await aptGetCalls(box)).toEqual(['update', `${INSTALL} ${all.join(' ')}`]);
    expect(await readState(box, 'apt-get-install.env')).toBe('DEBIAN_FRONTEND=noninteractive\n');
  });

  it('installs only what dpkg does not report as installed', async () => {
    const [a, b, c, d, e] = declaredTools().map(String);
    await installPackageShims(box, [
      `${a} install ok installed`,
      `${b} deinstall ok config-files`,
      `${c} install ok installed`,
      `${d} install ok half-configured`,
      `${e} install ok installed`,
    ]);
    const r = ensureTools();
    expect(r.code, r.stderr).toBe(0);
    expect(await aptGetCalls(box)).toEqual(['update', `${INSTALL} ${b} ${d}`]);
  });

  it('installs nothing when every tool is there, even when not root', async () => {
    await installPackageShims(
      box,
      declaredTools().map((p) => `${p} install ok installed`),
    );
    const r = ensureTools(1000);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(await aptGetCalls(box)).toEqual([]);
  });

  it('refuses when not root, naming the missing tools', async () => {
    const [first, ...rest] = declaredTools();
    await installPackageShims(
      box,
      rest.map((p) => `${p} install ok installed`),
    );
    const r = ensureTools(1000);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`ERROR: packages missing (${String(first)}); run as root`);
    expect(await aptGetCalls(box)).toEqual([]);
  });

  it('fails naming the tools when apt-get install fails', async () => {
    const all = declaredTools();
    await installPackageShims(box, []);
    await failAptGet(box, 'install', 100);
    const r = ensureTools();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`ERROR: apt-get install failed (exit 100) for: ${all.join(' ')}`);
  });
});
