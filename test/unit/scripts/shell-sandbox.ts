/**
 * Runs bash functions of scripts/ on a made-up machine: a temp dir whose `bin/` is the
 * whole PATH (a few real tools plus shims written by the test), so a missing shim fails
 * with "command not found" instead of reaching the real system.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root (the tests live in test/unit/scripts/). */
export const REPO = resolve(import.meta.dirname, '../../..');

/** Real tools the sandboxed functions may use (none of them installs anything). */
const TOOLS = ['awk', 'cat', 'chmod', 'cp', 'date', 'grep', 'mkdir', 'mv', 'rm'];

/** Result of one bash run. */
export type BashResult = { code: number | null; stdout: string; stderr: string };

/** A temp machine: `bin` (the PATH), `state` (scratch for shims and the code under test). */
export type Sandbox = {
  bin: string;
  state: string;
  /** Writes an executable `bin/NAME`: a bash script with `body`. */
  shim(name: string, body: string): Promise<void>;
  /** Runs `source FILE; export PATH=bin; COMMANDS` under bash, with only HOME, LC_ALL, SHIM_STATE and `env` set. */
  run(file: string, commands: string, env?: Record<string, string>): BashResult;
  remove(): Promise<void>;
};

function realTool(name: string): string {
  const found = ['/usr/bin', '/bin'].map((d) => join(d, name)).find((p) => existsSync(p));
  if (found === undefined) throw new Error(`sandbox: ${name} not found in /usr/bin or /bin`);
  return found;
}

/** Creates a sandbox; the caller must `remove()` it. */
export async function makeSandbox(): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), 'ks-shell-'));
  const bin = join(root, 'bin');
  const state = join(root, 'state');
  await mkdir(bin);
  await mkdir(state);
  for (const tool of TOOLS) await symlink(realTool(tool), join(bin, tool));
  return {
    bin,
    state,
    async shim(name, body) {
      const file = join(bin, name);
      await writeFile(file, `#!/bin/bash\n${body}\n`);
      await chmod(file, 0o755);
    },
    run(file, commands, env = {}) {
      const script = `source "$1"; export PATH="$2"; ${commands}`;
      const r = spawnSync('/bin/bash', ['-c', script, 'sandbox', file, bin], {
        cwd: state,
        env: { HOME: state, LC_ALL: 'C', SHIM_STATE: state, ...env },
        encoding: 'utf8',
        timeout: 30_000,
      });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    async remove() {
      await rm(root, { recursive: true, force: true });
    },
  };
}
