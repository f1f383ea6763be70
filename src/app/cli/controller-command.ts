/**
 * `kuryr-services controller`: runs the controller until SIGTERM/SIGINT, then drains.
 * Kubernetes access: --kubeconfig, else in-cluster config inside a pod, else the default
 * kubeconfig. OpenStack access: clouds.yaml / secure.yaml / OS_* as openstacksdk resolves
 * them (--os-cloud or OS_CLOUD names the cloud). Logs are JSON lines on stdout.
 * With leader election (default in a pod) only the holder of a Lease runs the controller;
 * the others wait as standbys (docs/adr/0007-leader-election.md).
 */
import { randomBytes } from 'node:crypto';
import { homedir, hostname } from 'node:os';
import { Command } from 'commander';
import { Registry } from 'prom-client';
import { systemClock } from '../../engine/clock.js';
import { loadKubeConfig } from '../../kube/clients.js';
import { leaseClientFor, type LeaseRef } from '../../kube/leader/client.js';
import { DEFAULT_LEADER_TIMING, LeaderElector } from '../../kube/leader/leader.js';
import { CloudConfigError, readFileIfExists, resolveCloudConfig } from '../../openstack/cloud-config.js';
import { SubnetMissingError } from '../../services/context.js';
import { openCloudSession } from '../../openstack/keystone/open.js';
import { readBuildInfo } from '../build-info.js';
import { defaultAppConfig, KuryrConfError, readKuryrConf, type LoadedConfig } from '../config/kuryr-conf.js';
import { startController, type ControllerOptions, type RunningController } from '../controller.js';
import { runWhileLeading, whenAborted } from '../leader-run.js';
import { makeLogContext } from '../log-context.js';
import { makeLogger, type AppLogger } from '../logging.js';
import { makeProcessMetrics, type BuildLabels, type ProcessMetrics } from '../metrics.js';
import { startOpsServer } from '../ops-server.js';
import { EXIT_FAILURE, EXIT_INPUT, type CliCommand, type CommandContext } from './context.js';

interface ControllerFlags {
  readonly kubeconfig?: string;
  readonly osCloud?: string;
  readonly config?: string;
  readonly metricsAddr: string;
  readonly logLevel: string;
  /** undefined: neither --leader-elect nor --no-leader-elect (on in a pod, off elsewhere). */
  readonly leaderElect?: boolean;
  readonly leaderElectNamespace?: string;
  readonly leaderElectName: string;
}

/** Who campaigns for which Lease; null when leader election is off. */
interface Election {
  readonly lease: LeaseRef;
  readonly identity: string;
}

/** The build's labels for `kuryr_build_info`: version and commit from the build's info file. */
function buildLabels(): BuildLabels {
  const { version, commit } = readBuildInfo();
  return { version, commit, node: process.version };
}

/** A problem with what the user gave us (flags, kuryr.conf, clouds.yaml, configured subnets). */
class ControllerUsageError extends Error {
  override readonly name = 'ControllerUsageError';
}

function isInputError(err: unknown): boolean {
  return (
    err instanceof ControllerUsageError ||
    err instanceof KuryrConfError ||
    err instanceof CloudConfigError ||
    err instanceof SubnetMissingError
  );
}

function parseAddr(addr: string): { host: string; port: number } | null {
  if (addr === '' || addr === 'off') return null;
  const at = addr.lastIndexOf(':');
  const port = Number(addr.slice(at + 1));
  if (at < 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ControllerUsageError(`--metrics-addr "${addr}": expected host:port (or "off")`);
  }
  return { host: addr.slice(0, at) || '127.0.0.1', port };
}

async function loadConfig(flags: ControllerFlags, ctx: CommandContext): Promise<LoadedConfig> {
  const loaded =
    flags.config === undefined
      ? { config: defaultAppConfig(), warnings: [] }
      : await readKuryrConf(flags.config);
  for (const w of loaded.warnings) ctx.io.stderr(`kuryr-services: warning: ${w}\n`);
  if (loaded.config.neutron.serviceSubnetIds.length === 0) {
    throw new ControllerUsageError(
      `${flags.config ?? 'configuration'}: [neutron_defaults] service_subnet is required to run the controller`,
    );
  }
  return loaded;
}

/**
 * Leader election settings. In a pod it is on unless --no-leader-elect: a Deployment may run
 * several replicas and a rolling update overlaps two pods even with one. Elsewhere (developer
 * runs, the sandbox, the benchmark) it is off unless --leader-elect.
 */
function electionFor(flags: ControllerFlags, env: NodeJS.ProcessEnv, inCluster: boolean): Election | null {
  if (!(flags.leaderElect ?? inCluster)) return null;
  const namespace = flags.leaderElectNamespace ?? nonEmpty(env.POD_NAMESPACE) ?? 'kube-system';
  if (flags.leaderElectName === '' || namespace === '') {
    throw new ControllerUsageError('--leader-elect-name and --leader-elect-namespace must not be empty');
  }
  // The random suffix keeps a restarted pod (same name) from being taken for its predecessor.
  const identity = `${nonEmpty(env.POD_NAME) ?? hostname()}_${randomBytes(4).toString('hex')}`;
  return { lease: { namespace, name: flags.leaderElectName }, identity };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Aborted on the first SIGTERM/SIGINT; `dispose` removes the handlers. */
function shutdownSignal(logger: AppLogger): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (signal: string): void => {
    logger.info({ signal }, 'stopping');
    controller.abort();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    },
  };
}

/** Starts the controller, telling `metrics` when it is ready and when it stopped. */
async function startObserved(
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

async function runLeaderElected(
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
      let stopping = false;
      // A terminal cloud-context error (404 project/subnet, bad config) while leading: exit
      // non-zero like the unelected run does, so the pod restarts and the error is seen.
      running.cloudLoaded.catch((err: unknown) => {
        if (stopping || shutdown.aborted) return;
        logger.error(
          { err: err instanceof Error ? err.message : String(err) },
          'cloud context failed, exiting',
        );
        process.exitCode = EXIT_FAILURE;
        setTimeout(() => process.exit(EXIT_FAILURE), 2000).unref();
        void running.stop(0);
      });
      return {
        ...running,
        stop: async (drainTimeoutMs?: number) => {
          stopping = true;
          await running.stop(drainTimeoutMs);
        },
      };
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
  if (outcome.kind === 'lost') {
    // Like client-go's OnStoppedLeading: exit non-zero so the pod restarts; if anything still
    // holds the event loop shortly after, exit hard rather than keep working without the lease.
    setTimeout(() => process.exit(EXIT_FAILURE), 2000).unref();
    throw outcome.error;
  }
}

/** Everything the controller runs with, read from the flags, kuryr.conf, clouds.yaml and the kubeconfig. */
async function controllerOptions(
  flags: ControllerFlags,
  ctx: CommandContext,
): Promise<{
  options: ControllerOptions;
  election: Election | null;
  processMetrics: ProcessMetrics;
  close: () => void;
}> {
  const { config } = await loadConfig(flags, ctx);
  const ops = parseAddr(flags.metricsAddr);
  const inCluster = process.env.KUBERNETES_SERVICE_HOST !== undefined;
  const election = electionFor(flags, process.env, inCluster);
  const logContext = makeLogContext();
  const logger = makeLogger({ level: flags.logLevel, mixin: logContext.mixin });
  const registry = new Registry();
  const build = buildLabels();
  const processMetrics = { metrics: makeProcessMetrics(registry, build) };
  const cloud = await resolveCloudConfig({
    env: process.env,
    readFile: readFileIfExists,
    cwd: process.cwd(),
    homeDir: homedir(),
    cloud: flags.osCloud,
  });
  for (const warning of cloud.warnings) logger.warn({ cloud: cloud.name }, warning);
  const opened = await openCloudSession(cloud, {
    logger,
    registry,
    version: build.version,
    readFile: readFileIfExists,
  });
  const kubeConfig = loadKubeConfig({
    ...(flags.kubeconfig === undefined ? {} : { path: flags.kubeconfig }),
    inCluster,
  });
  const options: ControllerOptions = {
    kubeConfig,
    session: opened.session,
    config,
    logger,
    registry,
    clock: systemClock(),
    ops,
    logContext,
  };
  return {
    options,
    election,
    processMetrics: processMetrics.metrics,
    close: () => {
      opened.close();
    },
  };
}

async function run(flags: ControllerFlags, ctx: CommandContext): Promise<void> {
  const { options, election, processMetrics, close } = await controllerOptions(flags, ctx);
  const { logger } = options;
  const shutdown = shutdownSignal(logger);
  try {
    if (election !== null) {
      logger.info({ lease: election.lease, identity: election.identity }, 'leader election on');
      await runLeaderElected(options, election, { shutdown: shutdown.signal, metrics: processMetrics });
      return;
    }
    // Without election this process is the only controller: it "leads" while it runs.
    processMetrics.leading(true);
    const running = await startObserved(options, processMetrics);
    try {
      // A terminal cloud-context error (404 project/subnet, bad config) ends the run non-zero.
      await Promise.race([
        whenAborted(shutdown.signal),
        running.cloudLoaded.then(() => whenAborted(shutdown.signal)),
      ]);
    } catch (err) {
      await running.stop();
      if (shutdown.signal.aborted) return;
      throw err;
    }
    await running.stop();
    processMetrics.leading(false);
  } finally {
    shutdown.dispose();
    close();
  }
}

/** Builds the `controller` subcommand. */
export const controllerCommand: CliCommand = (ctx) =>
  new Command('controller')
    .description('run the controller: keep an Octavia load balancer for every Service')
    .option(
      '--kubeconfig <file>',
      'kubeconfig file (default: in-cluster config in a pod, else ~/.kube/config)',
    )
    .option('--os-cloud <name>', 'cloud in clouds.yaml (default: OS_CLOUD, else OS_* variables)')
    .option(
      '--config <file>',
      'kuryr.conf ([neutron_defaults], [octavia_defaults], [kubernetes], [kuryr_services])',
    )
    .option(
      '--metrics-addr <host:port>',
      'where to serve /metrics, /healthz, /readyz ("off" to disable)',
      '127.0.0.1:9090',
    )
    .option('--log-level <level>', 'debug | info | warn | error', 'info')
    .option('--leader-elect', 'run only while holding the leader Lease (default: on in a pod, off elsewhere)')
    .option('--no-leader-elect', 'run without leader election (a single replica only)')
    .option(
      '--leader-elect-namespace <namespace>',
      'namespace of the leader Lease (default: POD_NAMESPACE, else kube-system)',
    )
    .option('--leader-elect-name <name>', 'name of the leader Lease', 'kuryr-services-controller')
    .action(async (flags: ControllerFlags) => {
      try {
        await run(flags, ctx);
      } catch (err) {
        ctx.io.stderr(`kuryr-services controller: ${err instanceof Error ? err.message : String(err)}\n`);
        ctx.setExitCode(isInputError(err) ? EXIT_INPUT : EXIT_FAILURE);
      }
    });
