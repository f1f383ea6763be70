/**
 * The controller run under leader election (docs/adr/0007-leader-election.md): who campaigns
 * for which Lease, and the run that starts the controller only while the Lease is held. A
 * standby answers the probes; a lost Lease or a terminal failure of the controller (its cloud
 * context: a configured subnet or project that answers 404) ends the run with an error, so the
 * process exits non-zero and the pod restarts, as client-go's OnStoppedLeading does.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { leaseClientFor, type LeaseRef } from '../../kube/leader/client.js';
import { DEFAULT_LEADER_TIMING, LeaderElector } from '../../kube/leader/leader.js';
import { startController, type ControllerOptions, type RunningController } from '../controller.js';
import { runWhileLeading } from '../leader-run.js';
import type { ProcessMetrics } from '../metrics.js';
import { startOpsServer } from '../ops-server.js';
import { EXIT_FAILURE } from './context.js';

/** Who campaigns for which Lease; null when leader election is off. */
export interface Election {
  readonly lease: LeaseRef;
  readonly identity: string;
}

/** What the election flags say: on/off (undefined: on in a pod), the Lease's namespace and name. */
export interface ElectionFlags {
  readonly leaderElect?: boolean;
  readonly leaderElectNamespace?: string;
  readonly leaderElectName: string;
}

/**
 * Leader election settings. In a pod it is on unless --no-leader-elect: a Deployment may run
 * several replicas and a rolling update overlaps two pods even with one. Elsewhere (developer
 * runs, the sandbox, the benchmark) it is off unless --leader-elect. Throws (a usage error from
 * `usageError`) when the Lease would have an empty name or namespace.
 */
export function electionFor(
  flags: ElectionFlags,
  env: NodeJS.ProcessEnv,
  inCluster: boolean,
  usageError: (message: string) => Error,
): Election | null {
  if (!(flags.leaderElect ?? inCluster)) return null;
  const namespace = flags.leaderElectNamespace ?? nonEmpty(env.POD_NAMESPACE) ?? 'kube-system';
  if (flags.leaderElectName === '' || namespace === '') {
    throw usageError('--leader-elect-name and --leader-elect-namespace must not be empty');
  }
  // The random suffix keeps a restarted pod (same name) from being taken for its predecessor.
  const identity = `${nonEmpty(env.POD_NAME) ?? hostname()}_${randomBytes(4).toString('hex')}`;
  return { lease: { namespace, name: flags.leaderElectName }, identity };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Starts the controller, telling `metrics` when it is ready and when it stopped. */
export async function startObserved(
  options: ControllerOptions,
  metrics: ProcessMetrics,
): Promise<RunningController> {
  const running = await startController(options);
  running.ready.then(
    () => {
      metrics.ready(true);
    },
    () => undefined,
  );
  return {
    ...running,
    stop: async (drainTimeoutMs) => {
      metrics.ready(false);
      await running.stop(drainTimeoutMs);
    },
  };
}

/**
 * Campaigns for the Lease and runs the controller while it is held. Resolves on shutdown;
 * rejects when the Lease is lost or the controller failed for good (its cloud context).
 */
export async function runLeaderElected(
  options: ControllerOptions,
  election: Election,
  run: { readonly shutdown: AbortSignal; readonly metrics: ProcessMetrics },
): Promise<void> {
  const { logger, clock, ops } = options;
  const { shutdown, metrics } = run;
  const elector = new LeaderElector({
    client: leaseClientFor(options.kubeConfig, election.lease),
    identity: election.identity,
    clock,
    logger,
  });
  const outcome = await runWhileLeading({
    elector,
    start: async () => {
      const running = await startObserved(options, metrics);
      return { stop: (drainMs?: number) => running.stop(drainMs), failure: running.cloudLoaded };
    },
    onLeading: (leads) => {
      metrics.leading(leads);
    },
    shutdown,
    // A standby answers /healthz and /readyz with 200: it is alive and ready to take over
    // (a 503 would stall every rolling update behind the standby that never leads).
    ...(ops === null
      ? {}
      : { standby: () => startOpsServer({ registry: options.registry, ready: () => null, ...ops }) }),
    clock,
    logger,
    lostDrainMs: (DEFAULT_LEADER_TIMING.leaseDurationMs - DEFAULT_LEADER_TIMING.renewDeadlineMs) / 2,
  });
  if (outcome.kind === 'shutdown') return;
  if (outcome.kind === 'lost') {
    // If anything still holds the event loop shortly after, exit hard rather than keep
    // working without the lease.
    setTimeout(() => process.exit(EXIT_FAILURE), 2000).unref();
  }
  throw outcome.error;
}
