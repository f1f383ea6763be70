/**
 * `kuryr-services version` (and the one-line `--version`): the package version, the git
 * commit it was built from, the Node.js running it and the Octavia API versions it supports.
 */
import { Command, Option } from 'commander';
import { formatApiVersion, NEWEST_SUPPORTED_API, OLDEST_SUPPORTED_API } from '../../core/capabilities.js';
import { readBuildInfo, type BuildInfo } from '../build-info.js';
import type { CliCommand } from './context.js';

/** Everything `version` reports. */
export interface VersionReport extends BuildInfo {
  /** `process.version` of the Node.js running the CLI, e.g. `v24.22.3`. */
  readonly node: string;
  /** The Octavia API versions the code works with (a newer server is used as `newest`). */
  readonly octaviaApi: { readonly oldest: string; readonly newest: string };
}

/** The report for this process: build info, `process.version` and the capability range. */
export function versionReport(build: BuildInfo = readBuildInfo()): VersionReport {
  return {
    version: build.version,
    commit: build.commit,
    node: process.version,
    octaviaApi: {
      oldest: formatApiVersion(OLDEST_SUPPORTED_API),
      newest: formatApiVersion(NEWEST_SUPPORTED_API),
    },
  };
}

/** `kuryr-services 0.1.0 (commit …, node v24.22.3, Octavia API 2.5-2.27)`, no newline. */
export function formatVersionLine(report: VersionReport): string {
  const api = `${report.octaviaApi.oldest}-${report.octaviaApi.newest}`;
  return `kuryr-services ${report.version} (commit ${report.commit}, node ${report.node}, Octavia API ${api})`;
}

/** The text form: one `label: value` line per field, newline-terminated. */
export function formatVersionText(report: VersionReport): string {
  const { oldest, newest } = report.octaviaApi;
  const rows: [string, string][] = [
    ['version', report.version],
    ['commit', report.commit],
    ['node', report.node],
    ['octavia api', `${oldest} to ${newest} (a newer Octavia is used as ${newest})`],
  ];
  return rows.map(([label, value]) => `${`${label}:`.padEnd(13)}${value}\n`).join('');
}

/** The JSON form: `{version, commit, node, octaviaApi: {oldest, newest}}`, 2-space indented. */
export function formatVersionJson(report: VersionReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Builds the `version` subcommand. */
export const versionCommand: CliCommand = (ctx) =>
  new Command('version')
    .description('print the version, git commit, Node.js version and supported Octavia API versions')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((options: { output: string }) => {
      const report = versionReport();
      ctx.io.stdout(options.output === 'json' ? formatVersionJson(report) : formatVersionText(report));
    });
