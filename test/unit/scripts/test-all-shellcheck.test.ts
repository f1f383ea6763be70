/**
 * scripts/test-all's shellcheck step on made-up machines (apt-get and id are shims, see
 * shims/): `npm run lint` runs shellcheck, which a fresh Debian does not have. Also checks
 * that `lint:shell` covers every shell script in scripts/ and .ci/.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aptGetCalls, failAptGet, installPackageShims } from './package-shims.js';
import { makeSandbox, REPO, type Sandbox } from './shell-sandbox.js';

const TEST_ALL = join(REPO, 'scripts/test-all');

let box: Sandbox;
beforeEach(async () => {
  box = await makeSandbox();
  await installPackageShims(box, []);
});
afterEach(async () => {
  await box.remove();
});

const ensure = (uid: number) => box.run(TEST_ALL, 'ensure_shellcheck', { SHIM_UID: String(uid) });

describe('test-all ensure_shellcheck', () => {
  it('does nothing when shellcheck is on the PATH', async () => {
    await box.shim('shellcheck', 'exit 0');
    const r = ensure(1000);
    expect(r.code).toBe(0);
    expect(await aptGetCalls(box)).toEqual([]);
  });

  it('installs the Debian package when missing and root, saying so', async () => {
    const r = ensure(0);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('installing shellcheck');
    expect(await aptGetCalls(box)).toEqual(['update', 'install -y --no-install-recommends shellcheck']);
  });

  it('fails with what to do when missing and not root', async () => {
    const r = ensure(1000);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('shellcheck is not installed and this is not root');
    expect(r.stderr).toContain('apt-get install shellcheck');
    expect(await aptGetCalls(box)).toEqual([]);
  });

  it('fails clearly when apt-get fails', async () => {
    await failAptGet(box, 'install', 100);
    const r = ensure(0);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('apt-get install shellcheck failed');
  });
});

describe('lint:shell', () => {
  it('names every shell script of scripts/ and .ci/', async () => {
    const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const lint = pkg.scripts['lint:shell'] ?? '';
    expect(pkg.scripts.lint).toContain('lint:shell');
    const shell: string[] = [];
    for (const dir of ['scripts', '.ci']) {
      for (const e of await readdir(join(REPO, dir), { recursive: true, withFileTypes: true })) {
        if (!e.isFile()) continue;
        const path = join(e.parentPath, e.name);
        const head = (await readFile(path, 'utf8')).slice(0, 80);
        if (/^#!.*\b(ba)?sh\b|^# shellcheck shell=/.test(head)) shell.push(path.slice(REPO.length + 1));
      }
    }
    expect(shell.length).toBeGreaterThan(5);
    // The shell expands the globs of lint:shell; the same match: `*` within one path segment.
    const patterns = lint
      .split(/\s+/)
      .filter((arg) => !arg.startsWith('-') && arg !== 'shellcheck')
      .map((arg) => new RegExp(`^${arg.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*')}$`));
    const covered = (file: string) => patterns.some((p) => p.test(file));
    expect(shell.filter((f) => !covered(f))).toEqual([]);
  });
});
