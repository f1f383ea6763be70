/**
 * The world of `npm run bench:scale`: the fake OpenStack's HTTP face (test/support/
 * fake-openstack, with per-request latency and Octavia's paging), the simulated Kubernetes
 * API server, and the real controller binary as a child process pointed at both by a
 * clouds.yaml, a kubeconfig and a kuryr.conf. The controller is measured from outside only:
 * VmRSS/VmHWM and CPU ticks from /proc/<pid>, the V8 heap from a diagnostic report (written on
 * SIGUSR2 by `--report-on-signal`, no inspector), passes from its /metrics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeOpenStack } from '../../test/support/fake-openstack/cloud.js';
import { kuryrConfFor } from '../../test/support/fake-openstack/topology.js';
import {
  startFakeOpenStackServer,
  type FakeOpenStackServer,
} from '../../test/support/fake-openstack/face-http.js';
import { startKubeApiServer, type KubeApiServer } from '../../test/support/kube-apiserver/index.js';

/** The built controller entry point. */
const MAIN = path.resolve(import.meta.dirname, '../../src/app/main.js');

/** What the world is made of. */
export interface ScaleWorld {
  readonly fake: FakeOpenStack;
  readonly server: FakeOpenStackServer;
  readonly api: KubeApiServer;
  readonly dir: string;
  stop(): Promise<void>;
}

/** Options of the world. */
export interface WorldOptions {
  readonly services: number;
  readonly resyncSeconds: number;
  readonly workers: number;
  readonly latencyMs: number;
}

function kuryrConf(fake: FakeOpenStack, o: WorldOptions): string {
  return kuryrConfFor(fake.info, {
    cluster_id: 'scalebench',
    workers: o.workers,
    resync_period: o.resyncSeconds,
    pending_requeue_ms: 1000,
  });
}

/** Starts the fake cloud, its HTTP face and the API server; writes the controller's files. */
export async function startWorld(o: WorldOptions): Promise<ScaleWorld> {
  const fake = new FakeOpenStack({
    config: { octavia: { create: 3000, createPerChild: 100, update: 1000, delete: 1500, jitter: 0.3 } },
    topology: { publicCidr: '172.16.0.0/16' },
  });
  const server = await startFakeOpenStackServer(fake, {
    latency: { fixedMs: o.latencyMs, jitterMs: o.latencyMs },
  });
  const api = await startKubeApiServer({
    serviceCidr: '10.2.0.0/17',
    historyLimit: 20 * o.services + 10_000,
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'ks-bench-scale-'));
  await server.writeCloudsYaml(path.join(dir, 'clouds.yaml'));
  await writeFile(path.join(dir, 'kubeconfig'), api.kubeConfig().exportConfig());
  await writeFile(path.join(dir, 'kuryr.conf'), kuryrConf(fake, o));
  return {
    fake,
    server,
    api,
    dir,
    async stop() {
      await api.stop();
      await server.close();
    },
  };
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const address = srv.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** The controller child process and its probes. */
export interface ControllerProcess {
  readonly pid: number;
  /** Resident set now and its high-water mark, in MiB. */
  memory(): Promise<{ readonly rssMiB: number; readonly hwmMiB: number }>;
  /** CPU seconds used so far (user + system). */
  cpuSeconds(): Promise<number>;
  /** The V8 heap now (a diagnostic report), in MiB. */
  heap(): Promise<{ readonly usedMiB: number; readonly totalMiB: number }>;
  /** Reconcile passes so far (sum of kuryr_reconcile_duration_seconds_count). */
  passes(): Promise<number>;
  /** Starts the high-water mark again from the RSS now (Linux `clear_refs` 5), so a phase reports its own peak. */
  resetPeak(): Promise<void>;
  /** True when the controller's /readyz answers 200 (caches synced, workers running). */
  ready(): Promise<boolean>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

async function procStatus(pid: number, key: string): Promise<number> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1];
  return Number(kb ?? 0) / 1024;
}

async function newestReport(dir: string, before: ReadonlySet<string>): Promise<string | null> {
  const files = (await readdir(dir)).filter((f) => f.startsWith('report.') && !before.has(f));
  return files.sort().at(-1) ?? null;
}

/** Starts the controller binary in `world` (its log goes to controller-<n>.log). */
export async function startControllerProcess(world: ScaleWorld, n: number): Promise<ControllerProcess> {
  const port = await freePort();
  const d = world.dir;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      // Extra V8/Node flags for the controller under test (e.g. a heap limit or a heap-snapshot signal).
      ...(process.env.KS_BENCH_NODE_OPTIONS ?? '').split(' ').filter((f) => f !== ''),
      '--report-on-signal',
      '--report-signal=SIGUSR2',
      `--report-directory=${d}`,
      '--report-compact',
      MAIN,
      'controller',
      ...['--kubeconfig', path.join(d, 'kubeconfig'), '--os-cloud', 'fake'],
      ...['--config', path.join(d, 'kuryr.conf'), '--metrics-addr', `127.0.0.1:${port}`, '--no-leader-elect'],
      // The controller's log level (e.g. debug: each pass, each request, why a created basis was left).
      ...['--log-level', process.env.KS_BENCH_LOG_LEVEL ?? 'info'],
    ],
    { env: { ...process.env, OS_CLIENT_CONFIG_FILE: path.join(d, 'clouds.yaml') } },
  );
  const log = createWriteStream(path.join(d, `controller-${n}.log`));
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const pid = child.pid ?? 0;
  const metricsText = async (): Promise<string> => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  for (let i = 0; i < 100; i++) {
    if (
      await metricsText().then(
        () => true,
        () => false,
      )
    )
      break;
    await sleep(200);
  }
  return {
    pid,
    memory: async () => ({ rssMiB: await procStatus(pid, 'VmRSS'), hwmMiB: await procStatus(pid, 'VmHWM') }),
    cpuSeconds: async () => {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux).
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    heap: async () => {
      const before = new Set(await readdir(d));
      process.kill(pid, 'SIGUSR2');
      for (let i = 0; i < 100; i++) {
        const file = await newestReport(d, before);
        if (file !== null) {
          const text = await readFile(path.join(d, file), 'utf8').catch(() => '');
          if (text.trim().endsWith('}')) {
            const report = JSON.parse(text) as {
              javascriptHeap: { usedMemory: number; totalMemory: number };
            };
            const mib = (b: number): number => b / 2 ** 20;
            return {
              usedMiB: mib(report.javascriptHeap.usedMemory),
              totalMiB: mib(report.javascriptHeap.totalMemory),
            };
          }
        }
        await sleep(100);
      }
      throw new Error('no diagnostic report written');
    },
    passes: async () => {
      let total = 0;
      for (const line of (await metricsText()).split('\n'))
        if (line.startsWith('kuryr_reconcile_duration_seconds_count'))
          total += Number(line.split(' ').at(-1));
      return total;
    },
    resetPeak: () => writeFile(`/proc/${pid}/clear_refs`, '5'),
    ready: () =>
      fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      ),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
