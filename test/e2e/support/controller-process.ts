/**
 * The real controller binary as child processes, for the leader-election end-to-end test
 * (test/e2e/leader.test.ts): building it into a private directory, running it with its JSON
 * logs in files, reading its metrics and logs, and watching the cloud for objects tagged
 * with the test's cluster id (duplicates seen at any poll, leftovers at the end).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { clusterTag, OWNER_TAG } from '../../../src/core/ownership.js';
import { ConflictError, NotFoundError } from '../../../src/openstack/errors.js';
import * as floatingips from '../../../src/openstack/neutron/floatingips.js';
import * as loadbalancers from '../../../src/openstack/octavia/loadbalancers.js';
import type { OpenStackSession } from '../../../src/openstack/session.js';
import { testcloudDir } from '../../support/testcloud.js';

/** The controller's main.js, and the directory built for it (null when given). */
export interface BuiltController {
  readonly mainJs: string;
  readonly outDir: string | null;
}

/**
 * `KS_CONTROLLER_MAIN` when set, else a fresh build of the working tree into a temporary
 * directory (its `node_modules` a link to the repository's). A build with type errors in
 * files of others is still used when it emitted main.js (the errors go to stderr).
 */
export async function buildController(repoRoot: string): Promise<BuiltController> {
  const given = process.env.KS_CONTROLLER_MAIN;
  if (given !== undefined && given !== '') return { mainJs: given, outDir: null };
  const outDir = await mkdtemp(path.join(tmpdir(), 'leader-e2e-dist-'));
  await symlink(path.join(repoRoot, 'node_modules'), path.join(outDir, 'node_modules'));
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const { code, output } = await runToEnd(
    process.execPath,
    [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir],
    repoRoot,
  );
  const mainJs = path.join(outDir, 'src', 'app', 'main.js');
  if (!existsSync(mainJs))
    throw new Error(`build of the controller into ${outDir} failed (exit ${code}):\n${output}`);
  if (code !== 0)
    process.stderr.write(`leader e2e: the build reported errors (main.js emitted anyway):\n${output}\n`);
  return { mainJs, outDir };
}

function runToEnd(
  cmd: string,
  args: readonly string[],
  cwd: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      resolve({ code, output });
    });
  });
}

/**
 * Writes the test cloud's kuryr.conf with `[kuryr_services] cluster_id = clusterId` and
 * `pending_requeue_ms = 500` into `dir`; returns its path.
 */
export async function writeKuryrConf(dir: string, clusterId: string): Promise<string> {
  const base = await readFile(path.join(testcloudDir(), 'kuryr.conf'), 'utf8');
  const lines = base.split('\n').filter((l) => !/^\s*(cluster_id|pending_requeue_ms)\s*=/.test(l));
  const at = lines.findIndex((l) => l.trim() === '[kuryr_services]');
  const extra = [`cluster_id = ${clusterId}`, 'pending_requeue_ms = 500'];
  if (at < 0) lines.push('', '[kuryr_services]', ...extra);
  else lines.splice(at + 1, 0, ...extra);
  const file = path.join(dir, 'kuryr.conf');
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

/** How a child process ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One controller process (`main.js controller ...`) with its logs in `logFile`. */
export interface ControllerChild {
  readonly podName: string;
  readonly port: number;
  readonly logFile: string;
  readonly exited: Promise<Exit>;
  running(): boolean;
  signal(sig: NodeJS.Signals): void;
}

/** How to run one controller process. */
export interface ControllerChildOptions {
  readonly mainJs: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly podName: string;
  readonly port: number;
  readonly logFile: string;
}

/** Spawns the controller; it is SIGKILLed if this process exits first. Does not wait for readiness. */
export function spawnController(opts: ControllerChildOptions): ControllerChild {
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  const child: ChildProcess = spawn(process.execPath, [opts.mainJs, ...opts.args], {
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      log.end();
      resolve({ code, signal });
    });
  });
  return {
    podName: opts.podName,
    port: opts.port,
    logFile: opts.logFile,
    exited,
    running: () => child.exitCode === null && child.signalCode === null,
    signal: (sig) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    },
  };
}

/** One JSON log line of the controller (pino: `time` as ISO text, read back in ms; `msg`). */
export interface LogLine {
  readonly time: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** The JSON lines of `file` (other lines, e.g. CLI errors, are skipped). */
export async function logLines(file: string): Promise<LogLine[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').flatMap((line) => {
    try {
      const parsed = JSON.parse(line) as unknown;
      if (typeof parsed !== 'object' || parsed === null) return [];
      const { time, msg } = parsed as { time?: unknown; msg?: unknown };
      const ms = typeof time === 'string' ? Date.parse(time) : Number.NaN;
      return !Number.isNaN(ms) && typeof msg === 'string' ? [{ ...parsed, time: ms, msg }] : [];
    } catch {
      return [];
    }
  });
}

/** The last `n` lines of `file`, for failure messages. */
export async function tail(file: string, n = 20): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

/** True when `GET http://127.0.0.1:<port><route>` answers 2xx. */
export async function answers(port: number, route: string): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}${route}`, { signal: AbortSignal.timeout(2000) })
    .then((r) => r.ok)
    .catch(() => false);
}

/** The sum of the samples of `name` with `labels` in the process's /metrics (0 when absent). */
export async function metricValue(
  port: number,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2000) });
  if (!res.ok) throw new Error(`GET /metrics on port ${port}: HTTP ${res.status}`);
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return (await res.text())
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .filter((l) => wanted.every((w) => l.includes(w)))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** Load balancers tagged with `clusterId` (one list call). */
export function taggedLoadBalancers(
  session: OpenStackSession,
  clusterId: string,
): Promise<loadbalancers.LoadBalancerRecord[]> {
  return loadbalancers.listAll(session, { tags: [OWNER_TAG, clusterTag(clusterId)] });
}

/** Floating IPs tagged with `clusterId` (one list call). */
export function taggedFloatingIps(
  session: OpenStackSession,
  clusterId: string,
): Promise<floatingips.FloatingIpRecord[]> {
  return floatingips.listAll(session, { tags: [OWNER_TAG, clusterTag(clusterId)] });
}

/**
 * Polls the tagged load balancers every `everyMs` and remembers the most seen at once per
 * name (`<namespace>/<service>`): more than one is a duplicate. `stop()` ends the polling.
 */
export function watchDuplicates(session: OpenStackSession, clusterId: string, everyMs = 2000) {
  const most = new Map<string, number>();
  let errors = 0;
  let polls = 0;
  const stop = new AbortController();
  const loop = (async () => {
    while (!stop.signal.aborted) {
      try {
        const counts = new Map<string, number>();
        for (const lb of await taggedLoadBalancers(session, clusterId))
          counts.set(lb.name, (counts.get(lb.name) ?? 0) + 1);
        for (const [name, n] of counts) most.set(name, Math.max(n, most.get(name) ?? 0));
        polls++;
      } catch {
        errors++;
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    /** Names seen with more than one load balancer at once, with that count. */
    duplicates: (): Record<string, number> => Object.fromEntries([...most].filter(([, n]) => n > 1)),
    polls: () => polls,
    errors: () => errors,
    stop: async () => {
      stop.abort();
      await loop;
    },
  };
}

/**
 * Deletes (cascade) every load balancer and floating IP tagged with `clusterId`, waiting out
 * 409 while busy, then waits until Octavia lists none; true when nothing is left in time.
 */
export async function removeTagged(
  session: OpenStackSession,
  clusterId: string,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lbs = await taggedLoadBalancers(session, clusterId);
    const fips = await taggedFloatingIps(session, clusterId);
    if (lbs.length === 0 && fips.length === 0) return true;
    if (Date.now() > deadline) return false;
    for (const fip of fips) await ignoring(() => floatingips.delete(session, fip.id));
    for (const lb of lbs.filter((l) => l.provisioningStatus !== 'PENDING_DELETE'))
      await ignoring(() => loadbalancers.delete(session, lb.id, { cascade: true }));
    await new Promise((r) => setTimeout(r, 3000));
  }
}

/** Runs `call`, ignoring 404 (gone) and 409 (busy: the caller retries). */
async function ignoring(call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (err) {
    if (!(err instanceof NotFoundError || err instanceof ConflictError)) throw err;
  }
}
