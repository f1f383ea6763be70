/**
 * The 20-Service benchmark: the simulated Kubernetes API server + the controller (in
 * process, its metrics registry read directly) + the real local test cloud. Each Service is
 * created with its EndpointSlice applied first; then every slice gets one more endpoint;
 * then everything is deleted. Prints OpenStack writes/reads per Service for each phase (from
 * kuryr_openstack_requests_total, kuryr_openstack_actions_total,
 * kuryr_loadbalancer_creates_total) and the time from Service creation to LB ACTIVE, to
 * Ready (whole tree converged) and to status.loadBalancer.ingress (p50/p95/max).
 * Usage: node dist/scripts/bench.js [--workers N]
 */
import { randomInt } from 'node:crypto';
import { startHarness, type Harness } from '../test/support/e2e-harness.js';
import { ownedLoadBalancers } from './sandbox-parts/cloud.js';
import { delta, snapshot, type Snapshot } from './bench-parts/metrics.js';
import { track, type Milestones, type ProgressSources, type Tracked } from './bench-parts/progress.js';
import { percentiles, phaseLines } from './bench-parts/report.js';
import { buildWorkload, scaledSlice, type BenchService } from './bench-parts/workload.js';

const NAMESPACE = 'default';
const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function sourcesOf(h: Harness): ProgressSources {
  return {
    core: h.core,
    custom: h.custom,
    namespace: NAMESPACE,
    loadBalancers: () => ownedLoadBalancers(h.cloud.session, h.clusterId),
  };
}

async function createPhase(h: Harness, services: readonly BenchService[]): Promise<Map<string, Milestones>> {
  const tracked: Tracked[] = [];
  for (const s of services) {
    await h.discovery.createNamespacedEndpointSlice({ namespace: NAMESPACE, body: s.slice });
    await h.core.createNamespacedService({ namespace: NAMESPACE, body: s.service });
    tracked.push({
      name: s.name,
      createdAt: Date.now(),
      members: s.members,
      wantsIngress: s.kind === 'loadbalancer',
    });
  }
  say(`created ${services.length} Services (slice first); waiting for every load balancer to converge`);
  return track(sourcesOf(h), tracked, 1_200_000);
}

async function scalePhase(h: Harness, services: readonly BenchService[]): Promise<Map<string, Milestones>> {
  const tracked: Tracked[] = [];
  for (const [i, s] of services.entries()) {
    const body = scaledSlice(s, i);
    const name = body.metadata?.name ?? '';
    await h.discovery.replaceNamespacedEndpointSlice({ name, namespace: NAMESPACE, body });
    const members = (s.members / 2) * 3;
    tracked.push({ name: s.name, createdAt: Date.now(), members, wantsIngress: false });
  }
  say(`scaled ${services.length} slices by one endpoint; waiting for the members`);
  return track(sourcesOf(h), tracked, 900_000);
}

function timings(
  title: string,
  ms: Map<string, Milestones>,
  pick: (m: Milestones) => number | undefined,
): string {
  const values = [...ms.values()].map(pick).filter((v): v is number => v !== undefined);
  return `  ${title.padEnd(34)} ${percentiles(values)}`;
}

async function run(h: Harness, services: readonly BenchService[]): Promise<string[]> {
  const base = await snapshot(h.registry());
  const created = await createPhase(h, services);
  const afterCreate = await snapshot(h.registry());
  const scaled = await scalePhase(h, services);
  const afterScale = await snapshot(h.registry());
  say('deleting every Service; waiting until the controller released them');
  const t0 = Date.now();
  await h.dispose();
  const released = Date.now() - t0;
  const afterDelete = await snapshot(h.registry());
  return report({
    n: services.length,
    base,
    afterCreate,
    afterScale,
    afterDelete,
    created,
    scaled,
    released,
  });
}

interface Results {
  readonly n: number;
  readonly base: Snapshot;
  readonly afterCreate: Snapshot;
  readonly afterScale: Snapshot;
  readonly afterDelete: Snapshot;
  readonly created: Map<string, Milestones>;
  readonly scaled: Map<string, Milestones>;
  readonly released: number;
}

function report(r: Results): string[] {
  const ingressOnly = new Map([...r.created].filter(([, m]) => m.ingress !== undefined));
  return [
    ...phaseLines(`create (${r.n} Services)`, delta(r.afterCreate, r.base), r.n),
    timings('Service → LB ACTIVE (Octavia):', r.created, (m) => m.lbActive),
    timings('Service → Ready (tree converged):', r.created, (m) => m.ready),
    timings('Service → ingress (LoadBalancer):', ingressOnly, (m) => m.ingress),
    ...phaseLines(`scale (+1 endpoint in each of ${r.n} slices)`, delta(r.afterScale, r.afterCreate), r.n),
    timings('scale → members converged:', r.scaled, (m) => m.ready),
    ...phaseLines(`delete (${r.n} Services)`, delta(r.afterDelete, r.afterScale), r.n),
    `  all released, nothing tagged left:  ${(r.released / 1000).toFixed(1)} s`,
  ];
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--workers');
  const workers = at > 0 ? Number(process.argv[at + 1]) : 4;
  const octet = randomInt(100, 128);
  const h = await startHarness({ workers });
  const services = buildWorkload(octet, h.clusterId.slice(-4));
  say(`bench: cluster id ${h.clusterId}, ${workers} workers, ClusterIPs 10.2.${octet}.10-29, 20 Services`);
  await h.startController();
  try {
    for (const line of await run(h, services)) say(line);
  } catch (err) {
    say(`bench FAILED: ${err instanceof Error ? err.message : String(err)}; cleaning up`);
    await h.dispose().catch((e: unknown) => {
      say(`cleanup failed: ${String(e)}`);
    });
    process.exitCode = 1;
  }
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
