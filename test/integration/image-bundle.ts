/**
 * Running a built image without a container engine: the OCI archive is unpacked by umoci
 * into an OCI runtime bundle (rootfs + config.json made from the image's own config:
 * user, entrypoint, env, cwd), and runc runs it. The bundle's config is tightened the
 * way a pod's securityContext would be: read-only root, a tmpfs on /tmp, no network.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What one command produced. */
export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a program to completion (10 min cap) and captures its output. Asynchronous: a test
 * worker blocked in spawnSync for minutes misses vitest's RPC deadlines.
 */
export function run(command: string, args: readonly string[], cwd?: string): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, timeout: 600_000 });
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

/** The parts of an OCI runtime config.json the tests read and change. */
export interface RuntimeConfig {
  process: {
    terminal?: boolean;
    user: { uid: number; gid: number };
    args: string[];
    env: string[];
    cwd: string;
  };
  root: { path: string; readonly?: boolean };
  mounts: { destination: string; type?: string; source?: string; options?: string[] }[];
  linux: { resources?: unknown; namespaces: { type: string }[] };
  annotations?: Record<string, string>;
}

/** An unpacked image: `dir/rootfs` and the config umoci derived from the image config. */
export interface Bundle {
  readonly dir: string;
  readonly rootfs: string;
  readonly config: RuntimeConfig;
}

/** Extracts `archive` (oci-archive) into `work/layout` and unpacks tag `tag` into `work/bundle`. */
export async function unpackImage(archive: string, tag: string, work: string): Promise<Bundle> {
  const layout = join(work, 'layout');
  const dir = join(work, 'bundle');
  await mkdir(layout, { recursive: true });
  const tar = await run('tar', ['-xf', archive, '-C', layout]);
  if (tar.code !== 0) throw new Error(`tar -xf ${archive}: ${tar.stderr}`);
  const umoci = await run('umoci', ['unpack', '--image', `${layout}:${tag}`, dir]);
  if (umoci.code !== 0) throw new Error(`umoci unpack ${layout}:${tag}: ${umoci.stderr}`);
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as RuntimeConfig;
  return { dir, rootfs: join(dir, 'rootfs'), config };
}

/**
 * The image's own process (user, env, cwd) with `args` for the entrypoint, a read-only
 * root, a tmpfs on /tmp and the host directories `binds` (destination → source) read-only.
 * No cgroup settings: this machine's hybrid cgroup layout is not what the test is about.
 */
export function lockedDown(
  image: RuntimeConfig,
  args: readonly string[],
  binds: Readonly<Record<string, string>>,
): RuntimeConfig {
  const mounts = image.mounts.filter((m) => m.destination !== '/sys/fs/cgroup');
  mounts.push({
    destination: '/tmp',
    type: 'tmpfs',
    source: 'tmpfs',
    options: ['nosuid', 'nodev', 'mode=1777'],
  });
  for (const [destination, source] of Object.entries(binds)) {
    mounts.push({ destination, type: 'bind', source, options: ['rbind', 'ro'] });
  }
  const linux = { ...image.linux };
  delete linux.resources;
  return {
    ...image,
    process: { ...image.process, terminal: false, args: [...args] },
    root: { ...image.root, readonly: true },
    mounts,
    linux,
  };
}

let runs = 0;

/** Writes `config` into the bundle and runs it with runc (a fresh container id each time). */
export async function runBundle(bundle: Bundle, config: RuntimeConfig): Promise<Run> {
  await writeFile(join(bundle.dir, 'config.json'), JSON.stringify(config, null, 2));
  runs += 1;
  return run('runc', ['run', '--bundle', bundle.dir, `ks-image-test-${process.pid}-${runs}`]);
}
