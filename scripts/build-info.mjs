#!/usr/bin/env node
// Writes dist/build-info.json ({version, commit}) for `kuryr-services version`; part of
// `npm run build`. The commit is KURYR_SERVICES_COMMIT when set (builds from a tarball),
// else `git rev-parse HEAD` of this repository, with `-dirty` when tracked files changed.
// Never fails the build for want of git: no git, no repository, a repository that is not
// this source tree (a tarball unpacked inside another checkout) or git refusing the
// directory all give commit "unknown", with the reason on stderr.
//
//   node scripts/build-info.mjs [OUTPUT]     (default: dist/build-info.json)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const output = resolve(process.argv[2] ?? join(root, 'dist', 'build-info.json'));

function git(...args) {
  const r = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8' });
  if (r.error !== undefined) return { ok: false, why: r.error.message };
  if (r.status !== 0) return { ok: false, why: (r.stderr || `exit ${r.status}`).trim() };
  return { ok: true, out: r.stdout.trim() };
}

function gitCommit() {
  const top = git('rev-parse', '--show-toplevel');
  if (!top.ok) return { commit: 'unknown', why: top.why };
  if (realpathSync(top.out) !== realpathSync(root)) {
    return { commit: 'unknown', why: `${root} is not the top of the git repository ${top.out}` };
  }
  const head = git('rev-parse', '--verify', 'HEAD');
  if (!head.ok) return { commit: 'unknown', why: head.why };
  const status = git('status', '--porcelain', '--untracked-files=no');
  if (!status.ok) return { commit: 'unknown', why: status.why };
  return { commit: status.out === '' ? head.out : `${head.out}-dirty` };
}

const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const fromEnv = process.env.KURYR_SERVICES_COMMIT;
const found = fromEnv !== undefined && fromEnv !== '' ? { commit: fromEnv } : gitCommit();
if (found.why !== undefined) {
  process.stderr.write(`build-info: commit unknown (${found.why})\n`);
}
mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, `${JSON.stringify({ version, commit: found.commit }, null, 2)}\n`);
