/**
 * `kuryr-services doctor`: checks a real cloud and cluster for what the controller needs
 * (src/app/doctor/) and prints one row per check. Same access flags and loading as
 * `controller` (kubeconfig, clouds.yaml / OS_*, kuryr.conf). Read-only: GETs against
 * OpenStack and Kubernetes, plus SelfSubjectAccessReviews (which store nothing).
 */
import { homedir } from 'node:os';
import { Command, Option } from 'commander';
import { Registry } from 'prom-client';
import { loadKubeConfig } from '../../kube/clients.js';
import { CloudConfigError, readFileIfExists, resolveCloudConfig } from '../../openstack/cloud-config.js';
import { openCloudSession } from '../../openstack/keystone/open.js';
import { defaultAppConfig, KuryrConfError, readKuryrConf } from '../config/kuryr-conf.js';
import { exitCodeOf } from '../doctor/check.js';
import { renderDoctorJson, renderDoctorTable } from '../doctor/render.js';
import { runDoctor } from '../doctor/run.js';
import { serviceCidrsFromFlags } from '../doctor/service-cidr.js';
import { makeLogger } from '../logging.js';
import { EXIT_FAILURE, EXIT_INPUT, type CliCommand, type CommandContext } from './context.js';
import { collect } from './plan/flags.js';

interface DoctorFlags {
  readonly kubeconfig?: string;
  readonly osCloud?: string;
  readonly config?: string;
  readonly serviceCidr?: readonly string[];
  readonly output: 'table' | 'json';
  readonly leaderElectNamespace?: string;
  readonly leaderElectName: string;
}

const HELP_AFTER = `
Checks, each a row with ok / WARNING / ERROR and a fix: Keystone token and catalog;
Octavia API version and providers; the service subnet(s) hold the service CIDR (from
--service-cidr, else inferred from the ClusterIPs in use) and their allocation pools and
gateway lie outside it; pod subnets routed to the service subnet (L3) or present (L2);
external_svc_net / external_svc_subnet; quotas against what the Services need; the
KuryrLoadBalancer CRD; RBAC (SelfSubjectAccessReview per permission); the cluster identity
and cluster_id. Nothing is created or changed in OpenStack or Kubernetes.

Exit codes: 0 all ok, 1 warnings only, 2 any error (or unusable configuration).
`;

class DoctorUsageError extends Error {
  override readonly name = 'DoctorUsageError';
}

async function run(flags: DoctorFlags, ctx: CommandContext): Promise<number> {
  let serviceCidrs;
  try {
    serviceCidrs = serviceCidrsFromFlags(flags.serviceCidr ?? []);
  } catch (err) {
    throw new DoctorUsageError(err instanceof Error ? err.message : String(err));
  }
  const loaded =
    flags.config === undefined
      ? { config: defaultAppConfig(), warnings: [] }
      : await readKuryrConf(flags.config);
  for (const w of loaded.warnings) ctx.io.stderr(`kuryr-services: warning: ${w}\n`);
  const cloud = await resolveCloudConfig({
    env: process.env,
    readFile: readFileIfExists,
    cwd: process.cwd(),
    homeDir: homedir(),
    cloud: flags.osCloud,
  });
  const opened = await openCloudSession(cloud, {
    logger: makeLogger({ level: 'silent' }),
    registry: new Registry(),
    version: '0.1.0',
    readFile: readFileIfExists,
  });
  const inCluster = process.env.KUBERNETES_SERVICE_HOST !== undefined;
  const kubeConfig = loadKubeConfig({
    ...(flags.kubeconfig === undefined ? {} : { path: flags.kubeconfig }),
    inCluster,
  });
  try {
    const rows = await runDoctor({
      cloud,
      session: opened.session,
      kubeConfig,
      config: loaded.config,
      serviceCidrs,
      lease: {
        namespace: flags.leaderElectNamespace ?? leaseNamespace(process.env.POD_NAMESPACE),
        name: flags.leaderElectName,
      },
    });
    ctx.io.stdout(flags.output === 'json' ? renderDoctorJson(rows) : renderDoctorTable(rows));
    return exitCodeOf(rows);
  } finally {
    opened.close();
  }
}

/** The controller's default Lease namespace: POD_NAMESPACE when set and not empty, else kube-system. */
function leaseNamespace(podNamespace: string | undefined): string {
  return podNamespace === undefined || podNamespace === '' ? 'kube-system' : podNamespace;
}

function isInputError(err: unknown): boolean {
  return err instanceof DoctorUsageError || err instanceof KuryrConfError || err instanceof CloudConfigError;
}

/** Builds the `doctor` subcommand. */
export const doctorCommand: CliCommand = (ctx) =>
  new Command('doctor')
    .description('check the cloud and cluster layout the controller needs (read-only)')
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
      '--service-cidr <cidr>',
      "the cluster's service CIDR (repeatable for dual stack; default: inferred)",
      collect,
    )
    .option(
      '--leader-elect-namespace <namespace>',
      'namespace of the leader Lease (default: POD_NAMESPACE, else kube-system)',
    )
    .option('--leader-elect-name <name>', 'name of the leader Lease', 'kuryr-services-controller')
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .addHelpText('after', HELP_AFTER)
    .action(async (flags: DoctorFlags) => {
      try {
        ctx.setExitCode(await run(flags, ctx));
      } catch (err) {
        ctx.io.stderr(`kuryr-services doctor: ${err instanceof Error ? err.message : String(err)}\n`);
        ctx.setExitCode(isInputError(err) ? EXIT_INPUT : EXIT_FAILURE);
      }
    });
