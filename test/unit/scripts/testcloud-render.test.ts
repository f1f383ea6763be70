/**
 * scripts/testcloud's configs: `render DIR` writes, byte for byte, what the script wrote
 * before it was split into parts and templates (testcloud-golden/, see its README), and the
 * template renderer inserts values verbatim and refuses unset names.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeSandbox, REPO, type Sandbox } from './shell-sandbox.js';

const TESTCLOUD = join(REPO, 'scripts/testcloud');
const GOLDEN = join(import.meta.dirname, 'testcloud-golden');

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'ks-render-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Runs `scripts/testcloud render OUT` for a state dir holding the golden secrets. */
async function render(offset: number): Promise<{ state: string; out: string }> {
  const state = join(work, 'state');
  const out = join(work, 'out');
  await mkdir(state);
  await copyFile(join(GOLDEN, 'secrets.env'), join(state, 'secrets.env'));
  const r = spawnSync('/bin/bash', [TESTCLOUD, 'render', out], {
    env: { PATH: '/usr/bin:/bin', KS_TESTCLOUD_DIR: state, KS_TESTCLOUD_PORT_OFFSET: String(offset) },
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return { state, out };
}

describe('testcloud render', () => {
  for (const offset of [0, 200]) {
    it(`writes the pre-split script's configs byte for byte (port offset ${offset})`, async () => {
      const { state, out } = await render(offset);
      const golden = join(GOLDEN, `offset-${offset}`);
      const names = await filesUnder(golden);
      expect(await filesUnder(out)).toEqual(names);
      for (const name of names) {
        const want = (await readFile(join(golden, name), 'utf8'))
          .replaceAll('@STATE@', state)
          .replaceAll('@REPO@', REPO);
        expect(await readFile(join(out, name), 'utf8'), name).toBe(want);
      }
    });
  }

  it('keeps the files modes: service configs 0640, clouds.yaml and rabbitmq files 0644', async () => {
    const { out } = await render(0);
    const mode = async (name: string) => ((await stat(join(out, name))).mode & 0o777).toString(8);
    expect(await mode('etc/octavia.conf')).toBe('640');
    expect(await mode('etc/redis.conf')).toBe('640');
    expect(await mode('clouds.yaml')).toBe('644');
    expect(await mode('etc/rabbitmq.conf')).toBe('644');
  });

  it('refuses a state dir without secrets.env, naming it', () => {
    const r = spawnSync('/bin/bash', [TESTCLOUD, 'render', join(work, 'out')], {
      env: { PATH: '/usr/bin:/bin', KS_TESTCLOUD_DIR: join(work, 'none') },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${join(work, 'none')}/secrets.env not found`);
  });
});

describe('testcloud template renderer', () => {
  let box: Sandbox;
  beforeEach(async () => {
    box = await makeSandbox();
    await writeFile(join(box.state, 't.conf'), 'a = ${A}\nb = ${B}$A$${A}\n\n');
  });
  afterEach(async () => {
    await box.remove();
  });
  const renderT = (vars: string) => box.run(TESTCLOUD, `TC_TEMPLATES="$SHIM_STATE"; ${vars}; render t.conf`);

  it('inserts values verbatim, leaves other dollars alone and keeps trailing newlines', () => {
    const r = renderT(`A='x\${B}$(no) \\& %s'; B=2`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('a = x${B}$(no) \\& %s\nb = 2$A$x${B}$(no) \\& %s\n\n');
  });

  it('fails naming the template and the variable when one is unset', () => {
    const r = renderT('A=1');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('ERROR: template t.conf uses ${B}, which is not set');
  });
});
