/**
 * Runs the real `kuryr-services` binary (dist/src/app/main.js) for CLI tests, building it
 * first when any source under src/ is newer. The build compiles only main.ts and what it
 * imports, with the project's build settings, into the same dist/ as `npm run build`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The built executable. */
export const MAIN = join(ROOT, 'dist/src/app/main.js');

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, (await stat(path)).mtimeMs);
  }
  return newest;
}

async function isFresh(): Promise<boolean> {
  const built = await stat(MAIN).catch(() => null);
  return built !== null && built.mtimeMs >= (await newestSource(join(ROOT, 'src')));
}

/** Builds dist/src/app/main.js unless it is newer than every source. Throws when it cannot. */
export async function ensureBuilt(): Promise<void> {
  if (await isFresh()) return;
  const dir = await mkdtemp(join(tmpdir(), 'ks-cli-build-'));
  try {
    const config = join(dir, 'tsconfig.json');
    const files = [join(ROOT, 'src/app/main.ts')];
    await writeFile(
      config,
      JSON.stringify({ extends: join(ROOT, 'tsconfig.build.json'), files, include: [] }),
    );
    // Type errors elsewhere (work in progress) do not stop tsc from emitting; a missing output does.
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', config], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if ((await stat(MAIN).catch(() => null)) === null) {
      throw new Error(`building ${MAIN} failed:\n${tsc.stdout}${tsc.stderr}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What one run of the binary produced. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node dist/src/app/main.js ...args` in the repository root. */
export function runBinary(args: readonly string[]): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** The JSON document of a `plan --output json` run, loosely typed for assertions. */
export interface PlanJson {
  readonly services: readonly {
    readonly namespace: string;
    readonly name: string;
    readonly result: string;
    readonly placeholderUid: boolean;
    readonly loadBalancer?: {
      readonly provider: string;
      readonly floatingIp: unknown;
      readonly listeners: readonly {
        readonly protocol: string;
        readonly protocolPort: number;
        readonly pool: {
          readonly lbAlgorithm: string;
          readonly members: readonly { readonly address: string; readonly protocolPort: number }[];
        };
      }[];
    };
    readonly actions?: readonly { readonly kind: string; readonly octaviaWrite: boolean }[];
    readonly warnings: readonly { readonly code: string; readonly message: string }[];
    readonly reason?: { readonly code: string; readonly message: string };
  }[];
  readonly errors: readonly {
    readonly file: string;
    readonly document: number | null;
    readonly field: string | null;
    readonly message: string;
  }[];
}

/** Parses a `plan --output json` stdout. */
export function parsePlanJson(stdout: string): PlanJson {
  return JSON.parse(stdout) as PlanJson;
}
