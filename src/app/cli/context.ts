/** What every subcommand shares: output streams, exit codes, the subcommand shape. */
import type { Command } from 'commander';

/** Where the CLI writes: human output to stdout, diagnostics to stderr. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Ends long-running output (`status --watch`) when aborted; absent: runs until killed. */
  readonly signal?: AbortSignal;
}

/** Success. */
export const EXIT_OK = 0;
/** An unexpected failure (a bug, or an I/O error nobody anticipated). */
export const EXIT_FAILURE = 1;
/** Bad input: usage, configuration, manifests, or a Service that can never work as written. */
export const EXIT_INPUT = 2;

/** What a subcommand gets: the output streams and a way to set the exit code. */
export interface CommandContext {
  readonly io: CliIo;
  /** Records the exit code of the run (the highest one recorded wins). */
  readonly setExitCode: (code: number) => void;
}

/** A subcommand: builds its commander Command, whose action reports through the context. */
export type CliCommand = (ctx: CommandContext) => Command;
