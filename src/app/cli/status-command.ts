/**
 * `kuryr-services status`: per Service, its load balancer (id, VIP, floating IP, listeners,
 * members ready/total, provisioning and operating status) and the last error, read with list
 * calls from any cluster and cloud (src/services/status/). `--watch` re-reads every
 * `--interval` seconds until interrupted. Read-only.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { readStatusRows } from '../../services/status/read.js';
import { renderStatusJson, renderStatusTable } from '../../services/status/rows.js';
import { isConfigError, openAccess, withAccessFlags, type Access, type AccessFlags } from './access.js';
import { EXIT_FAILURE, EXIT_INPUT, type CliCommand, type CommandContext } from './context.js';

interface StatusFlags extends AccessFlags {
  readonly namespace?: string;
  readonly output: 'table' | 'json' | 'wide';
  readonly watch?: boolean;
  readonly interval: number;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function parseInterval(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new InvalidArgumentError('a positive number of seconds');
  return seconds;
}

async function printOnce(access: Access, flags: StatusFlags, ctx: CommandContext): Promise<void> {
  const rows = await readStatusRows({
    kube: access.kube,
    session: access.session,
    owner: access.owner,
    projectId: access.projectId,
    ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
    ...(ctx.io.signal === undefined ? {} : { signal: ctx.io.signal }),
  });
  ctx.io.stdout(
    flags.output === 'json' ? renderStatusJson(rows) : renderStatusTable(rows, flags.output === 'wide'),
  );
}

/** Refreshes until the signal aborts; a failed refresh is reported and the next one tried. */
async function watch(access: Access, flags: StatusFlags, ctx: CommandContext): Promise<void> {
  const signal = ctx.io.signal;
  const stopped = (): boolean => signal?.aborted === true;
  while (!stopped()) {
    if (flags.output !== 'json') ctx.io.stdout(`--- ${new Date().toISOString()}\n`);
    try {
      await printOnce(access, flags, ctx);
    } catch (err) {
      if (stopped()) return;
      ctx.io.stderr(`kuryr-services status: refresh failed: ${message(err)}\n`);
    }
    try {
      await sleep(flags.interval * 1000, undefined, signal === undefined ? {} : { signal });
    } catch {
      return; // aborted
    }
  }
}

async function run(flags: StatusFlags, ctx: CommandContext): Promise<void> {
  const access = await openAccess(flags, ctx.io, ctx.io.signal);
  try {
    await (flags.watch === true ? watch(access, flags, ctx) : printOnce(access, flags, ctx));
  } finally {
    access.close();
  }
}

/** Builds the `status` subcommand. */
export const statusCommand: CliCommand = (ctx) =>
  withAccessFlags(new Command('status'))
    .description('show each Service with its load balancer, floating IP, members and last error (read-only)')
    .option('-n, --namespace <namespace>', 'only this namespace (default: all)')
    .addOption(
      new Option('-o, --output <format>', 'output format (wide: full ids and errors)')
        .choices(['table', 'wide', 'json'])
        .default('table'),
    )
    .option('-w, --watch', 'refresh until interrupted')
    .option('--interval <seconds>', 'seconds between refreshes with --watch', parseInterval, 2)
    .addHelpText(
      'after',
      `
Reads: one list each of Services, KuryrLoadBalancers and Events; one list of the load
balancers tagged with this cluster's id; one list of the project's floating IPs; a status
tree per load balancer shown (members and their operating status). MEMBERS is ready/total,
ready meaning operating ONLINE or NO_MONITOR. Exit codes: 0 shown, 1 the cluster or cloud
failed, 2 unusable configuration.
`,
    )
    .action(async (flags: StatusFlags) => {
      try {
        await run(flags, ctx);
      } catch (err) {
        ctx.io.stderr(`kuryr-services status: ${message(err)}\n`);
        ctx.setExitCode(isConfigError(err) ? EXIT_INPUT : EXIT_FAILURE);
      }
    });
