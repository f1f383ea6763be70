/** `kuryr-services plan`: what the Services in manifests would become, without any cloud. */
import { Command, Option } from 'commander';
import { formatApiVersion, NEWEST_SUPPORTED_API } from '../../../core/capabilities.js';
import { DEFAULT_INPUT_LIMITS, formatBytes } from '../../manifests/files.js';
import { EXIT_INPUT, type CliCommand } from '../context.js';
import { collect, OUTPUT_FORMATS, parsePlanFlags, PlanUsageError } from './flags.js';
import { runPlan } from './run.js';

const HELP_AFTER = `
Reads every .yaml/.yml/.json file given (directories recursively, in sorted order):
v1 Services, discovery.k8s.io/v1 EndpointSlices and v1 Endpoints (converted to one
EndpointSlice per subset when a Service has no EndpointSlice). Other kinds are ignored.
A Service without metadata.uid is planned with a placeholder uid derived from its name.
YAML merge keys (<<) are applied. Each document stands alone: one that cannot be used
(a syntax error, an alias bomb, a field of the wrong type) is reported and the others
are planned. Files past --max-file-size, or past --max-total-size in all, are not read.

Network: subnets come from --subnets, else from a built-in demo topology (pods
10.1.0.0/16, Services 10.2.0.0/16, floating IPs from 172.24.4.0/24; see
examples/subnets.yaml). Service and pod subnet ids come from --service-subnet and
--pod-subnet, else from kuryr.conf [neutron_defaults], else the demo ids.

Exit codes:
  0  every Service was planned or skipped
  2  an input error (unreadable or malformed manifest, bad kuryr.conf, bad option) or a
     Service that can never work as written (invalid); the others are still planned
  1  unexpected failure

Example:
  kuryr-services plan -f examples/manifests --config examples/kuryr.conf --subnets examples/subnets.yaml
`;

/** Builds the `plan` subcommand. */
export const planCommand: CliCommand = (ctx) =>
  new Command('plan')
    .description('show the Octavia load balancers the Services in manifests would get (dry run, no cloud)')
    .requiredOption('-f, --filename <path...>', 'manifest files or directories (repeatable)')
    .option('--config <file>', 'kuryr.conf to read [neutron_defaults], [octavia_defaults]... from')
    .option('--subnets <file>', 'YAML list of Neutron subnets (id, cidr, gateway_ip, ip_version, ...)')
    .option(
      '--service-subnet <id>',
      'subnet holding Service VIPs (repeatable; overrides kuryr.conf)',
      collect,
    )
    .option('--pod-subnet <id>', 'subnet holding pods (repeatable; overrides kuryr.conf)', collect)
    .option(
      '--octavia-api <version>',
      `Octavia API version to plan for (default ${formatApiVersion(NEWEST_SUPPORTED_API)}, the newest supported)`,
    )
    .addOption(
      new Option('--provider <name>', 'Octavia provider (default: kuryr.conf, else amphora)').choices([
        'amphora',
        'ovn',
      ]),
    )
    .option('--legacy-lbaas-v2', 'plan for the old Neutron LBaaS v2 API (TCP only, no allowed_cidrs)')
    .option('--cluster-id <id>', 'cluster id put in ownership tags (default: kuryr.conf, else "kubernetes")')
    .addOption(
      new Option('--member-mode <mode>', 'L2 (members on pod subnets) or L3 (routed)').choices(['L2', 'L3']),
    )
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .option(
      '--max-file-size <size>',
      `largest manifest file read, e.g. 16Mi (default ${formatBytes(DEFAULT_INPUT_LIMITS.maxFileBytes)})`,
    )
    .option(
      '--max-total-size <size>',
      `most manifest text read in all, e.g. 64Mi (default ${formatBytes(DEFAULT_INPUT_LIMITS.maxTotalBytes)})`,
    )
    .addHelpText('after', HELP_AFTER)
    .action(async (_options: unknown, command: Command) => {
      try {
        ctx.setExitCode(await runPlan(parsePlanFlags(command.opts()), ctx.io));
      } catch (error) {
        if (!(error instanceof PlanUsageError)) throw error;
        ctx.io.stderr(`${error.message}\n`);
        ctx.setExitCode(EXIT_INPUT);
      }
    });
