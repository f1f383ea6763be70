/**
 * The container image, built for real by scripts/image/build (mmdebstrap + npm + buildah,
 * installing those Debian tools if missing), unpacked by umoci and run by runc from the
 * image's own OCI config, and loaded and run by podman. Checks what is in the image
 * (non-root user, only dist/ and production dependencies, the pinned Node.js) and that
 * its entrypoint answers `--version`, `version -o json` and `plan` on examples/ exactly
 * as the binary built on the host does, with the root filesystem read-only.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { lockedDown, run, runBundle, unpackImage, type Bundle, type Run } from './image-bundle.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 1_200_000 });

const ROOT = resolve(import.meta.dirname, '../..');
const BUILD = join(ROOT, 'scripts/image/build');
const APP = '/opt/kuryr-services';
const PLAN = ['plan', '-f', 'examples/manifests', '--config', 'examples/kuryr.conf'];
const PLAN_ARGS = [...PLAN, '--subnets', 'examples/subnets.yaml', '-o', 'json'];

interface PackageJson {
  version: string;
}

interface LockFile {
  packages: Record<string, { dev?: boolean; optional?: boolean }>;
}

function git(...args: string[]): string {
  const r = spawnSync('git', ['-C', ROOT, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

function pinnedNodeVersion(): string {
  const r = spawnSync(
    'bash',
    ['-c', 'source "$1"; echo "$IMG_NODE_VERSION"', 'x', join(ROOT, 'scripts/image/steps.sh')],
    {
      encoding: 'utf8',
    },
  );
  return r.stdout.trim();
}

let work = '';
let archive = '';
let bundle: Bundle;
let pkg: PackageJson;
let commit = '';
const entrypoint = ['/usr/local/bin/node', `${APP}/dist/src/app/main.js`];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ks-image-'));
  const built = await run('bash', [BUILD, '--out', work]);
  expect(built.code, built.stderr).toBe(0);
  archive = built.stdout.trim();
  pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
  const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
  commit = `${git('rev-parse', 'HEAD')}${dirty ? '-dirty' : ''}`;
  bundle = await unpackImage(archive, `kuryr-services:${pkg.version}`, join(work, 'unpacked'));
});

afterAll(async () => {
  if (work !== '') await rm(work, { recursive: true, force: true });
});

async function sizeOf(path: string): Promise<number> {
  const s = await stat(path);
  if (!s.isDirectory()) return s.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await sizeOf(join(path, entry)).catch(() => 0);
  return total;
}

describe('the image', () => {
  it('is named by the package version and runs the entrypoint as uid/gid 65532', async () => {
    expect(archive).toBe(join(work, `kuryr-services-${pkg.version}.oci.tar`));
    const index = JSON.parse(await readFile(join(work, 'unpacked/layout/index.json'), 'utf8')) as {
      manifests: { annotations?: Record<string, string> }[];
    };
    expect(index.manifests.map((m) => m.annotations?.['org.opencontainers.image.ref.name'])).toEqual([
      `kuryr-services:${pkg.version}`,
    ]);
    const { process: proc, annotations } = bundle.config;
    expect(proc.user).toMatchObject({ uid: 65532, gid: 65532 });
    expect(proc.args).toEqual([...entrypoint, 'controller']);
    expect(proc.env).toContain('NODE_ENV=production');
    expect(annotations?.['org.opencontainers.image.version']).toBe(pkg.version);
    expect(annotations?.['org.opencontainers.image.revision']).toBe(commit);
    const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;
    const [packed, unpacked, app] = [
      (await stat(archive)).size,
      await sizeOf(bundle.rootfs),
      await sizeOf(join(bundle.rootfs, APP)),
    ];
    process.stdout.write(
      `image: archive ${mib(packed)}, root filesystem ${mib(unpacked)} (app ${mib(app)})\n`,
    );
  });

  it('holds only dist/ and the production dependencies of the app', async () => {
    const app = join(bundle.rootfs, APP);
    expect((await readdir(app)).sort()).toEqual([
      'dist',
      'node_modules',
      'package-lock.json',
      'package.json',
    ]);
    expect((await readdir(join(app, 'dist'))).sort()).toEqual(['build-info.json', 'src']);
    // package-lock.json marks what only development needs: exactly that must be missing.
    const lock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8')) as LockFile;
    const entries = Object.entries(lock.packages).filter(([path]) => path.startsWith('node_modules/'));
    const present = async (path: string): Promise<boolean> =>
      stat(join(app, path)).then(
        () => true,
        () => false,
      );
    const dev = entries.filter(([, e]) => e.dev === true).map(([path]) => path);
    const prod = entries.filter(([, e]) => e.dev !== true && e.optional !== true).map(([path]) => path);
    expect(dev).toContain('node_modules/vitest');
    expect(prod).toContain('node_modules/@kubernetes/client-node');
    for (const path of dev) expect(await present(path), path).toBe(false);
    for (const path of prod) expect(await present(path), path).toBe(true);
  });

  it('has no shell, package manager or npm, and nothing owned by the runtime user', async () => {
    for (const path of ['bin/sh', 'bin/bash', 'usr/bin/dpkg', 'usr/bin/apt-get', 'usr/local/bin/npm']) {
      await expect(stat(join(bundle.rootfs, path)), path).rejects.toThrow(/ENOENT/);
    }
    const owned = await run('find', [
      bundle.rootfs,
      '-xdev',
      '(',
      '-uid',
      '65532',
      '-o',
      '-gid',
      '65532',
      ')',
      '-print',
    ]);
    expect(owned.stdout).toBe('');
  });
});

describe('the entrypoint under runc, read-only root', () => {
  const binds = { '/examples': join(ROOT, 'examples') };

  it('cannot write outside /tmp (the premise of the runs below)', async () => {
    const probe = [
      '/usr/local/bin/node',
      '-e',
      `const fs = require('fs'); const r = [];
       for (const p of ['/tmp/x', '${APP}/x', '/etc/x']) {
         try { fs.writeFileSync(p, 'x'); r.push(p + ' ok'); } catch (e) { r.push(p + ' ' + e.code); }
       }
       console.log(process.getuid() + ':' + process.getgid() + ' ' + r.join(', '));`,
    ];
    const r = await runBundle(bundle, lockedDown(bundle.config, probe, binds));
    expect(r.stdout.trim()).toBe(`65532:65532 /tmp/x ok, ${APP}/x EROFS, /etc/x EROFS`);
  });

  it('--version names the version, the commit, the pinned Node.js and the Octavia API range', async () => {
    const r = await runBundle(bundle, lockedDown(bundle.config, [...entrypoint, '--version'], binds));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `kuryr-services ${pkg.version} (commit ${commit}, node v${pinnedNodeVersion()}, Octavia API 2.5-2.27)\n`,
    );
    const json = await runBundle(
      bundle,
      lockedDown(bundle.config, [...entrypoint, 'version', '-o', 'json'], binds),
    );
    expect(JSON.parse(json.stdout)).toMatchObject({
      version: pkg.version,
      commit,
      node: `v${pinnedNodeVersion()}`,
    });
  });

  it('plans examples/ exactly as the binary built on the host does', async () => {
    const r = await runBundle(bundle, lockedDown(bundle.config, [...entrypoint, ...PLAN_ARGS], binds));
    expect(r.code, r.stderr).toBe(0);
    const host = await run(process.execPath, [join(ROOT, 'dist/src/app/main.js'), ...PLAN_ARGS], ROOT);
    expect(host.code).toBe(0);
    const inImage = JSON.parse(r.stdout) as { services: { name: string; result: string }[] };
    expect(inImage).toEqual(JSON.parse(host.stdout));
    expect(inImage.services.filter((s) => s.result === 'desired').length).toBeGreaterThan(3);
    const table = await runBundle(bundle, lockedDown(bundle.config, [...entrypoint, ...PLAN], binds));
    expect(table.stdout).toMatch(/\d+ Services: \d+ planned, \d+ skipped, 0 invalid; 0 input error\(s\)/);
  });
});

describe('the image under podman', () => {
  // This sandbox lacks CAP_SYS_RESOURCE, so podman's default ulimits (raised to the host's)
  // cannot be set: its containers.conf drops them. vfs storage and runc, cgroups by cgroupfs,
  // all in the test's own directory.
  const podman = (args: readonly string[]): Promise<Run> =>
    run('env', [
      `CONTAINERS_CONF=${join(work, 'containers.conf')}`,
      'podman',
      ...['--root', join(work, 'podman/root'), '--runroot', join(work, 'podman/run')],
      ...[
        '--storage-driver',
        'vfs',
        '--runtime',
        'runc',
        '--cgroup-manager',
        'cgroupfs',
        '--events-backend',
        'none',
      ],
      ...args,
    ]);
  const locked = ['run', '--rm', '--network', 'none', '--read-only', '--tmpfs', '/tmp', '--cap-drop', 'ALL'];
  let image = '';

  beforeAll(async () => {
    await writeFile(join(work, 'containers.conf'), '[containers]\ndefault_ulimits = []\npids_limit = 0\n');
    const loaded = await podman(['load', '-i', archive]);
    expect(loaded.code, loaded.stderr).toBe(0);
    image = `localhost/kuryr-services:${pkg.version}`;
    expect(loaded.stdout).toContain(`Loaded image: ${image}`);
  });

  it('runs as the image user, read-only, without capabilities: --version and plan as on the host', async () => {
    const uid = await podman([
      ...locked,
      '--entrypoint',
      '/usr/local/bin/node',
      image,
      '-p',
      'process.getuid()',
    ]);
    expect(uid.stdout.trim()).toBe('65532');
    const version = await podman([...locked, image, '--version']);
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout).toContain(
      `kuryr-services ${pkg.version} (commit ${commit}, node v${pinnedNodeVersion()}`,
    );
    const volume = ['-v', `${join(ROOT, 'examples')}:/examples:ro`];
    const plan = await podman([...locked, ...volume, image, ...PLAN_ARGS]);
    expect(plan.code, plan.stderr).toBe(0);
    const host = await run(process.execPath, [join(ROOT, 'dist/src/app/main.js'), ...PLAN_ARGS], ROOT);
    expect(JSON.parse(plan.stdout)).toEqual(JSON.parse(host.stdout));
  });
});
