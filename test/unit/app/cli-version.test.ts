/**
 * `kuryr-services version` and `--version` through the real binary, after the build step
 * that `npm run build` runs (scripts/build-info.mjs). The expected commit is asked of git
 * here, and the version read from package.json, independently of the code under test.
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  formatApiVersion,
  NEWEST_SUPPORTED_API,
  OLDEST_SUPPORTED_API,
} from '../../../src/core/capabilities.js';
import { ensureBuilt, ROOT, runBinary } from './cli-binary.js';

// Each case spawns node (seconds on a busy 2-core machine); a build may take a minute.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 240_000 });

function git(...args: string[]): string {
  const r = spawnSync('git', ['-C', ROOT, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

let version = '';
let commit = '';
const oldest = formatApiVersion(OLDEST_SUPPORTED_API);
const newest = formatApiVersion(NEWEST_SUPPORTED_API);

beforeAll(async () => {
  await ensureBuilt();
  const written = spawnSync(process.execPath, [join(ROOT, 'scripts/build-info.mjs')], { encoding: 'utf8' });
  expect(written.status, written.stderr).toBe(0);
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  version = pkg.version;
  const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
  commit = `${git('rev-parse', 'HEAD')}${dirty ? '-dirty' : ''}`;
});

describe('kuryr-services --version', () => {
  it('prints one line: version, commit, the Node.js running it, the Octavia API range', async () => {
    const r = await runBinary(['--version']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `kuryr-services ${version} (commit ${commit}, node ${process.version}, Octavia API ${oldest}-${newest})\n`,
    );
    expect(commit).toMatch(/^[0-9a-f]{40}(-dirty)?$/);
  });

  it('is listed in --help', async () => {
    const r = await runBinary(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--version\s+print the version line and exit/);
    expect(r.stdout).toMatch(/\n\s+version \[options\]\s+print the version/);
  });
});

describe('kuryr-services version', () => {
  it('prints one labelled line per field', async () => {
    const r = await runBinary(['version']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      `version:     ${version}`,
      `commit:      ${commit}`,
      `node:        ${process.version}`,
      `octavia api: ${oldest} to ${newest} (a newer Octavia is used as ${newest})`,
      '',
    ]);
  });

  it('-o json gives the same facts as one document', async () => {
    const r = await runBinary(['version', '-o', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      version,
      commit,
      node: process.version,
      octaviaApi: { oldest, newest },
    });
    expect(oldest).toBe('2.5');
  });

  it('refuses an unknown output format with exit 2', async () => {
    const r = await runBinary(['version', '-o', 'yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/argument 'yaml' is invalid.*Allowed choices are text, json/);
    expect(r.stdout).toBe('');
  });
});
