/**
 * The `kuryr-services` command line: a commander program whose subcommands come from
 * `commands.ts`. Output goes through the injected `CliIo`; nothing here calls process.exit.
 */
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands.js';
import { formatVersionLine, versionReport } from './version-command.js';
import { EXIT_FAILURE, EXIT_INPUT, EXIT_OK, type CliIo, type CommandContext } from './context.js';

function buildProgram(ctx: CommandContext): Command {
  const program = new Command('kuryr-services')
    .description('Kubernetes Services as OpenStack Octavia load balancers')
    .exitOverride()
    .configureOutput({ writeOut: ctx.io.stdout, writeErr: ctx.io.stderr })
    .showHelpAfterError('(run with --help for usage)')
    .version(formatVersionLine(versionReport()), '--version', 'print the version line and exit');
  for (const make of COMMANDS) {
    const command = make(ctx);
    command.copyInheritedSettings(program);
    program.addCommand(command);
  }
  return program;
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/**
 * Runs the CLI with `args` (without node and script path) and resolves to the exit code:
 * 0 success, 2 bad input (usage errors included), 1 unexpected failure. Never rejects.
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  let exitCode = EXIT_OK;
  const ctx: CommandContext = {
    io,
    setExitCode: (code) => {
      exitCode = Math.max(exitCode, code);
    },
  };
  try {
    await buildProgram(ctx).parseAsync([...args], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_INPUT;
    io.stderr(`kuryr-services: unexpected failure: ${describe(error)}\n`);
    return EXIT_FAILURE;
  }
}
