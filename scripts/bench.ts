/**
 * The 20-Service benchmark with its floor (issue 11). First the floor: the same trees the
 * controller would build, sent straight to Octavia by a minimal client (bench-parts/floor.ts),
 * for each `--floor` concurrency (1 = sequential); then the controller's run (simulated
 * Kubernetes API server + the controller in process + the real test cloud; bench-parts/
 * controller-run.ts). Prints per phase OpenStack reads and writes per Service, the times per
 * Service (p50/p95/max), and the `controller / floor` table. The load average is printed
 * with each run: the cloud and the 2 cores are shared.
 *
 * Usage: node dist/scripts/bench.js [--workers N] [--floor 1,20|none] [--floor-poll-ms 1000]
 *          [--conf 'key = value']... [--record docs/bench/bench.md]
 */
import { randomInt } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import { startHarness, type Harness } from '../test/support/e2e-harness.js';
import { testcloudSession } from '../test/support/testcloud.js';
import { compareLines, type Series } from './bench-parts/compare.js';
import { runController, type ControllerRun } from './bench-parts/controller-run.js';
import { releaseFloor, runFloor } from './bench-parts/floor.js';
import { floorTrees } from './bench-parts/floor-trees.js';
import { loadLine, machineLine } from './bench-parts/machine.js';
import { delta, snapshot } from './bench-parts/metrics.js';
import type { Milestones } from './bench-parts/progress.js';
import { percentiles, phaseLines } from './bench-parts/report.js';
import { buildWorkload, type BenchService } from './bench-parts/workload.js';

const lines: string[] = [];
const say = (line: string): void => {
  lines.push(line);
  process.stdout.write(`${line}\n`);
};

const { values: args } = parseArgs({
  options: {
    workers: { type: 'string' },
    floor: { type: 'string', default: '1,20' },
    'floor-poll-ms': { type: 'string', default: '1000' },
    conf: { type: 'string', multiple: true, default: [] },
    record: { type: 'string' },
    /** Fewer Services for a smoke run: every k-th of the 20, so each kind stays represented. */
    services: { type: 'string', default: '20' },
  },
});

function timings(title: string, values: readonly (number | undefined)[]): string {
  return `  ${title.padEnd(34)} ${percentiles(values.filter((v): v is number => v !== undefined))}`;
}

async function floorRun(h: Harness, services: readonly BenchService[], concurrency: number): Promise<Series> {
  const registry = new Registry();
  const opened = await testcloudSession({ registry });
  const owner = { clusterId: `${h.clusterId}-floor${concurrency}`, writer: 'bench-floor' };
  say(`floor, ${concurrency} at a time: load average ${loadLine()}`);
  try {
    const trees = await floorTrees(opened.session, { config: h.config, owner, services });
    const base = await snapshot(registry);
    let afterCreate = base;
    const run = await runFloor(opened.session, trees, {
      concurrency,
      pollMs: Number(args['floor-poll-ms']),
      timeoutMs: 900_000,
      between: async () => {
        afterCreate = await snapshot(registry);
      },
    });
    const create = delta(afterCreate, base);
    const del = delta(await snapshot(registry), afterCreate);
    const ms = [...run.milestones.values()];
    const label = concurrency === 1 ? 'floor sequential' : `floor ${concurrency} at once`;
    for (const line of [
      ...phaseLines(`${label}: create (${trees.length} trees)`, create, trees.length),
      timings(
        'request → LB ACTIVE:',
        ms.map((m) => m.lbActive),
      ),
      timings(
        'request → tree ACTIVE:',
        ms.map((m) => m.treeActive),
      ),
      timings(
        'own POST → tree ACTIVE:',
        ms.map((m) => m.ownTreeActive),
      ),
      timings(
        'request → ingress (LoadBalancer):',
        ms.map((m) => m.ingress),
      ),
      ...phaseLines(`${label}: delete`, del, trees.length),
      timings(
        'request → 404:',
        ms.map((m) => m.deleted),
      ),
      timings(
        'own DELETE → 404:',
        ms.map((m) => m.ownDeleted),
      ),
      `  load average after: ${loadLine()}`,
    ])
      say(line);
    return {
      label,
      lbActive: ms.flatMap((m) => (m.lbActive === undefined ? [] : [m.lbActive])),
      treeActive: ms.flatMap((m) => (m.treeActive === undefined ? [] : [m.treeActive])),
      ingress: ms.flatMap((m) => (m.ingress === undefined ? [] : [m.ingress])),
      released: ms.flatMap((m) => (m.deleted === undefined ? [] : [m.deleted])),
      createMs: run.createMs,
      deleteMs: run.deleteMs,
      create,
      delete: del,
      services: trees.length,
    };
  } finally {
    const left = await releaseFloor(opened.session, owner.clusterId, 1_800_000);
    if (left > 0)
      say(
        `floor: ${left} load balancer(s) tagged ks-cluster=${owner.clusterId} still there: delete them by hand`,
      );
    opened.close();
  }
}

function controllerSeries(run: ControllerRun, n: number): Series {
  const pick = (ms: ReadonlyMap<string, Milestones>, key: keyof Milestones): number[] =>
    [...ms.values()].flatMap((m) => {
      const v = m[key];
      return v === undefined ? [] : [v];
    });
  return {
    label: 'controller',
    lbActive: pick(run.created, 'lbActive'),
    treeActive: pick(run.created, 'ready'),
    ingress: pick(run.created, 'ingress'),
    released: pick(run.released, 'released'),
    createMs: run.createMs,
    deleteMs: run.deleteMs,
    create: run.requests.create,
    delete: run.requests.delete,
    services: n,
  };
}

function reportController(run: ControllerRun, n: number): void {
  const c = [...run.created.values()];
  const ingress = c.filter((m) => m.ingress !== undefined);
  for (const line of [
    ...phaseLines(`controller: create (${n} Services)`, run.requests.create, n),
    timings(
      'Service → LB ACTIVE (Octavia):',
      c.map((m) => m.lbActive),
    ),
    timings(
      'Service → Ready (tree converged):',
      c.map((m) => m.ready),
    ),
    timings(
      'Service → ingress (LoadBalancer):',
      ingress.map((m) => m.ingress),
    ),
    ...phaseLines(`controller: scale (+1 endpoint in each of ${n} slices)`, run.requests.scale, n),
    timings(
      'scale → members converged:',
      [...run.scaled.values()].map((m) => m.ready),
    ),
    ...phaseLines(`controller: delete (${n} Services)`, run.requests.delete, n),
    timings(
      'delete → released:',
      [...run.released.values()].map((m) => m.released),
    ),
    `  load average after: ${loadLine()}`,
  ])
    say(line);
}

async function record(file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, `\n## ${new Date().toISOString()}\n\n\`\`\`\n${lines.join('\n')}\n\`\`\`\n`);
}

/** Every k-th of `all` so that `count` of them remain (each kind stays represented). */
function pickServices(all: readonly BenchService[], count: number): BenchService[] {
  const wanted = Math.min(all.length, Math.max(1, count));
  const picked = new Set(
    Array.from({ length: wanted }, (_, k) => Math.round(((k + 1) * all.length) / wanted) - 1),
  );
  return all.filter((_, i) => picked.has(i));
}

/** The floor's concurrencies from `--floor` (`none`: no floor run). */
function floorSizes(): number[] {
  return args.floor === 'none' ? [] : args.floor.split(',').map(Number);
}

async function main(): Promise<void> {
  const conf = args.conf.join('\n');
  const h = await startHarness({
    ...(args.workers === undefined ? {} : { workers: Number(args.workers) }),
    extraConf: conf,
  });
  const octet = randomInt(100, 128);
  const services = pickServices(buildWorkload(octet, h.clusterId.slice(-4)), Number(args.services));
  say(`bench: ${machineLine()}`);
  say(
    `bench: cluster id ${h.clusterId}, ${h.config.service.workers} workers, ClusterIPs 10.2.${octet}.10-29, ${services.length} Services${conf === '' ? '' : `, [kuryr_services] ${args.conf.join('; ')}`}`,
  );
  try {
    const floorSeries: Series[] = [];
    for (const n of floorSizes()) floorSeries.push(await floorRun(h, services, n));
    say(`controller: load average ${loadLine()}`);
    await h.startController();
    const run = await runController(h, services, say);
    reportController(run, services.length);
    for (const line of compareLines(controllerSeries(run, services.length), floorSeries)) say(line);
    await h.dispose();
    say(`verified: no Service, load balancer or floating IP tagged ${h.clusterId} remains`);
  } catch (err) {
    say(`bench FAILED: ${err instanceof Error ? err.message : String(err)}; cleaning up`);
    await h.dispose().catch((e: unknown) => {
      say(`cleanup failed: ${String(e)}`);
    });
    process.exitCode = 1;
  }
  if (args.record !== undefined) await record(args.record);
}

main().then(
  () => {
    process.exit();
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
