/**
 * `kuryr-services controller`: runs the controller until SIGTERM/SIGINT, then drains.
 * Kubernetes access: --kubeconfig, else in-cluster config inside a pod, else the default
 * kubeconfig. OpenStack access: clouds.yaml / secure.yaml / OS_* as openstacksdk resolves
 * them (--os-cloud or OS_CLOUD names the cloud). Logs are JSON lines on stdout.
 * With leader election (default in a pod) only the holder of a Lease runs the controller;
 * the others wait as standbys (docs/adr/0007-leader-election.md).
 */
import { homedir } from 'node:os';
import { Command } from 'commander';
import { Registry } from 'prom-client';
import { systemClock } from '../../engine/clock.js';
import { loadKubeConfig } from '../../kube/clients.js';
import { CloudConfigError, readFileIfExists, resolveCloudConfig } from '../../openstack/cloud-config.js';
import { CloudContextInputError } from '../../services/context.js';
import { openCloudSession } from '../../openstack/keystone/open.js';
import { readBuildInfo } from '../build-info.js';
import { defaultAppConfig, KuryrConfError, readKuryrConf, type LoadedConfig } from '../config/kuryr-conf.js';
import type { ControllerOptions } from '../controller.js';
import { whenAborted } from '../leader-run.js';
import { electionFor, runLeaderElected, startObserved, type Election } from './controller-leader.js';
import { makeLogContext } from '../log-context.js';
import { makeLogger, type AppLogger } from '../logging.js';
import { makeProcessMetrics, type BuildLabels, type ProcessMetrics } from '../metrics.js';
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
    err instanceof CloudContextInputError
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
  const election = electionFor(flags, process.env, inCluster, (m) => new ControllerUsageError(m));
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
