/**
 * `kuryr-services controller`: runs the controller until SIGTERM/SIGINT, then drains.
 * Kubernetes access: --kubeconfig, else in-cluster config inside a pod, else the default
 * kubeconfig. OpenStack access: clouds.yaml / secure.yaml / OS_* as openstacksdk resolves
 * them (--os-cloud or OS_CLOUD names the cloud). Logs are JSON lines on stdout.
 */
import { homedir } from 'node:os';
import { Command } from 'commander';
import { Registry } from 'prom-client';
import { systemClock } from '../../engine/clock.js';
import { loadKubeConfig } from '../../kube/clients.js';
import { CloudConfigError, readFileIfExists, resolveCloudConfig } from '../../openstack/cloud-config.js';
import { SubnetMissingError } from '../../services/context.js';
import { openCloudSession } from '../../openstack/keystone/open.js';
import { defaultAppConfig, KuryrConfError, readKuryrConf, type LoadedConfig } from '../config/kuryr-conf.js';
import { startController } from '../controller.js';
import { makeLogger } from '../logging.js';
import { EXIT_FAILURE, EXIT_INPUT, type CliCommand, type CommandContext } from './context.js';

interface ControllerFlags {
  readonly kubeconfig?: string;
  readonly osCloud?: string;
  readonly config?: string;
  readonly metricsAddr: string;
  readonly logLevel: string;
}

const VERSION = '0.1.0';

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

async function run(flags: ControllerFlags, ctx: CommandContext): Promise<void> {
  const { config } = await loadConfig(flags, ctx);
  const logger = makeLogger({ level: flags.logLevel });
  const registry = new Registry();
  const cloud = await resolveCloudConfig({
    env: process.env,
    readFile: readFileIfExists,
    cwd: process.cwd(),
    homeDir: homedir(),
    cloud: flags.osCloud,
  });
  const opened = await openCloudSession(cloud, {
    logger,
    registry,
    version: VERSION,
    readFile: readFileIfExists,
  });
  const kubeConfig = loadKubeConfig({
    ...(flags.kubeconfig === undefined ? {} : { path: flags.kubeconfig }),
    inCluster: process.env.KUBERNETES_SERVICE_HOST !== undefined,
  });
  const running = await startController({
    kubeConfig,
    session: opened.session,
    config,
    logger,
    registry,
    clock: systemClock(),
    ops: parseAddr(flags.metricsAddr),
  });
  await new Promise<void>((resolve) => {
    const onSignal = (signal: string): void => {
      logger.info({ signal }, 'stopping');
      resolve();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  await running.stop();
  opened.close();
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
    .action(async (flags: ControllerFlags) => {
      try {
        await run(flags, ctx);
      } catch (err) {
        ctx.io.stderr(`kuryr-services controller: ${err instanceof Error ? err.message : String(err)}\n`);
        ctx.setExitCode(isInputError(err) ? EXIT_INPUT : EXIT_FAILURE);
      }
    });
