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
import { waitFor } from '../test/support/wait.js';
import { delta, snapshot } from './bench-parts/metrics.js';
import { track, type Milestones, type ProgressSources, type Tracked } from './bench-parts/progress.js';
import { percentiles, phaseLines } from './bench-parts/report.js';
import { buildWorkload, scaledSlice, type BenchService } from './bench-parts/workload.js';
import { ownedLoadBalancers } from './sandbox-parts/cloud.js';

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

async function deletePhase(h: Harness, services: readonly BenchService[]): Promise<number> {
  const t0 = Date.now();
  for (const s of services) await h.core.deleteNamespacedService({ name: s.name, namespace: NAMESPACE });
  say(`deleted ${services.length} Services; waiting until the controller released them`);
  await waitFor('every load balancer and floating IP released', 1_200_000, async () => {
    const [lbs, fips] = await Promise.all([
      ownedLoadBalancers(h.cloud.session, h.clusterId),
      h.ownedFloatingIps(),
    ]);
    return lbs.length === 0 && fips.length === 0;
  });
  return Date.now() - t0;
}

function timings(
  title: string,
  ms: Map<string, Milestones>,
  pick: (m: Milestones) => number | undefined,
): string {
  const values = [...ms.values()].map(pick).filter((v): v is number => v !== undefined);
  return `  ${title.padEnd(34)} ${percentiles(values)}`;
}

/** Runs the three phases, printing each one's numbers as soon as it is over. */
async function run(h: Harness, services: readonly BenchService[]): Promise<void> {
  const n = services.length;
  const base = await snapshot(h.registry());
  const created = await createPhase(h, services);
  const afterCreate = await snapshot(h.registry());
  const ingressOnly = new Map([...created].filter(([, m]) => m.ingress !== undefined));
  for (const line of [
    ...phaseLines(`create (${n} Services)`, delta(afterCreate, base), n),
    timings('Service → LB ACTIVE (Octavia):', created, (m) => m.lbActive),
    timings('Service → Ready (tree converged):', created, (m) => m.ready),
    timings('Service → ingress (LoadBalancer):', ingressOnly, (m) => m.ingress),
  ])
    say(line);
  const scaled = await scalePhase(h, services);
  const afterScale = await snapshot(h.registry());
  for (const line of [
    ...phaseLines(`scale (+1 endpoint in each of ${n} slices)`, delta(afterScale, afterCreate), n),
    timings('scale → members converged:', scaled, (m) => m.ready),
  ])
    say(line);
  const releasedMs = await deletePhase(h, services);
  for (const line of phaseLines(`delete (${n} Services)`, delta(await snapshot(h.registry()), afterScale), n))
    say(line);
  say(`  all released, nothing tagged left:  ${(releasedMs / 1000).toFixed(1)} s`);
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
    await run(h, services);
    await h.dispose();
    say(`verified: no Service, load balancer or floating IP tagged ${h.clusterId} remains`);
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
