/**
 * Where `version`'s commit comes from: scripts/build-info.mjs run on copies of the source
 * tree (no repository, a clean and a dirty repository, a tarball unpacked inside another
 * checkout, KURYR_SERVICES_COMMIT), and readBuildInfo's fallback when the file is missing.
 * The build must never fail for want of git.
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBuildInfo, UNKNOWN_COMMIT } from '../../../src/app/build-info.js';
import { ROOT } from './cli-binary.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ks-build-info-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const PKG = { name: 'kuryr-services', version: '3.1.4' };

/** A source tree at `tree`: package.json and the writer script. */
async function sourceTree(tree: string): Promise<void> {
  await mkdir(join(tree, 'scripts'), { recursive: true });
  await writeFile(join(tree, 'package.json'), JSON.stringify(PKG));
  await copyFile(join(ROOT, 'scripts/build-info.mjs'), join(tree, 'scripts/build-info.mjs'));
}

function write(tree: string, env: Record<string, string> = {}): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [join(tree, 'scripts/build-info.mjs')], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...env },
  });
  return { code: r.status, stderr: r.stderr };
}

async function written(tree: string): Promise<unknown> {
  return JSON.parse(await readFile(join(tree, 'dist/build-info.json'), 'utf8')) as unknown;
}

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], {
    cwd,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

describe('scripts/build-info.mjs', () => {
  it('outside any repository writes commit unknown, says why, and exits 0', async () => {
    await sourceTree(dir);
    const r = write(dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^build-info: commit unknown \(.*not a git repository/);
    expect(await written(dir)).toEqual({ version: '3.1.4', commit: UNKNOWN_COMMIT });
  });

  it('in a clean repository writes HEAD, and HEAD-dirty once a tracked file changes', async () => {
    await sourceTree(dir);
    git(dir, 'init', '-q');
    git(dir, 'add', 'package.json', 'scripts');
    git(dir, 'commit', '-q', '-m', 'one');
    const head = git(dir, 'rev-parse', 'HEAD');
    expect(write(dir)).toEqual({ code: 0, stderr: '' });
    expect(await written(dir)).toEqual({ version: '3.1.4', commit: head });
    await writeFile(join(dir, 'package.json'), JSON.stringify({ ...PKG, description: 'changed' }));
    expect(write(dir).code).toBe(0);
    expect(await written(dir)).toEqual({ version: '3.1.4', commit: `${head}-dirty` });
  });

  it('does not take the commit of an enclosing repository', async () => {
    git(dir, 'init', '-q');
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'outer');
    const tree = join(dir, 'unpacked');
    await sourceTree(tree);
    const r = write(tree);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('is not the top of the git repository');
    expect(await written(tree)).toEqual({ version: '3.1.4', commit: UNKNOWN_COMMIT });
  });

  it('takes KURYR_SERVICES_COMMIT over git', async () => {
    await sourceTree(dir);
    expect(write(dir, { KURYR_SERVICES_COMMIT: 'v3.1.4-from-tarball' })).toEqual({ code: 0, stderr: '' });
    expect(await written(dir)).toEqual({ version: '3.1.4', commit: 'v3.1.4-from-tarball' });
  });
});

describe('readBuildInfo', () => {
  it('reads the written file', async () => {
    await writeFile(join(dir, 'build-info.json'), JSON.stringify({ version: '1.2.3', commit: 'abc' }));
    expect(readBuildInfo({ buildInfoFile: join(dir, 'build-info.json'), searchFrom: dir })).toEqual({
      version: '1.2.3',
      commit: 'abc',
    });
  });

  it('without a valid file takes the version of the nearest kuryr-services package.json', async () => {
    const deep = join(dir, 'pkg', 'other', 'dist', 'src');
    await mkdir(deep, { recursive: true });
    await writeFile(join(dir, 'pkg', 'package.json'), JSON.stringify(PKG));
    await writeFile(join(dir, 'pkg', 'other', 'package.json'), JSON.stringify({ name: 'x', version: '9' }));
    await writeFile(join(deep, 'build-info.json'), '{"version": ""}');
    const sources = { buildInfoFile: join(deep, 'build-info.json'), searchFrom: deep };
    expect(readBuildInfo(sources)).toEqual({ version: '3.1.4', commit: UNKNOWN_COMMIT });
  });

  it('with nothing to read says unknown instead of throwing', () => {
    const nowhere = join(dir, 'missing');
    expect(readBuildInfo({ buildInfoFile: join(nowhere, 'b.json'), searchFrom: nowhere })).toEqual({
      version: 'unknown',
      commit: UNKNOWN_COMMIT,
    });
  });
});
