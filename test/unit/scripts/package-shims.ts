/**
 * Debian's package tools for the shell sandbox, answering as on Debian 12 (see shims/):
 * `dpkg-query` reads `dpkg-status` (one `NAME STATUS` line per package dpkg knows),
 * `apt-get` installs nothing and logs each call to `apt-get.log`, `id -u` answers SHIM_UID.
 */
import { chmod, copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sandbox } from './shell-sandbox.js';

const SHIMS = join(import.meta.dirname, 'shims');

/** Installs the dpkg-query, apt-get and id shims; `dpkg` lists what dpkg knows (`NAME STATUS`). */
export async function installPackageShims(box: Sandbox, dpkg: readonly string[]): Promise<void> {
  for (const name of ['dpkg-query', 'apt-get', 'id']) {
    await copyFile(join(SHIMS, name), join(box.bin, name));
    await chmod(join(box.bin, name), 0o755);
  }
  await writeFile(join(box.state, 'dpkg-status'), dpkg.map((l) => `${l}\n`).join(''));
}

/** Makes `apt-get VERB` exit with `code`. */
export async function failAptGet(box: Sandbox, verb: string, code: number): Promise<void> {
  await writeFile(join(box.state, `apt-get-${verb}.exit`), `${code}\n`);
}

/** The apt-get calls made so far, one argument string per call (empty when none). */
export async function aptGetCalls(box: Sandbox): Promise<string[]> {
  const text = await readFile(join(box.state, 'apt-get.log'), 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l !== '');
}

/** A file of the sandbox's state dir, or undefined when it does not exist. */
export function readState(box: Sandbox, name: string): Promise<string | undefined> {
  return readFile(join(box.state, name), 'utf8').catch(() => undefined);
}
