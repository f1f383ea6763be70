/**
 * Every subcommand of `kuryr-services`. Adding one: write `<name>-command.ts` (or, for a
 * command of several files, `<name>/command.ts`) exporting a `CliCommand`, and list it here.
 */
import { adoptCommand } from './adopt-command.js';
import { controllerCommand } from './controller-command.js';
import { doctorCommand } from './doctor-command.js';
import { gcCommand } from './gc-command.js';
import { planCommand } from './plan/command.js';
import { statusCommand } from './status-command.js';
import { versionCommand } from './version-command.js';
import type { CliCommand } from './context.js';

/** The subcommands, in the order `--help` lists them. */
export const COMMANDS: readonly CliCommand[] = [
  planCommand,
  controllerCommand,
  doctorCommand,
  statusCommand,
  gcCommand,
  adoptCommand,
  versionCommand,
];
