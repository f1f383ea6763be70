/** Runs `plan`: read inputs, translate and plan every Service, print the report. */
import { loadManifests, type LoadedManifests } from '../../manifests/load.js';
import type { ManifestError } from '../../manifests/errors.js';
import { DEFAULT_INPUT_LIMITS, InputLimitError, type InputLimits } from '../../manifests/files.js';
import { renderJson } from '../../render/json.js';
import { planExitCode, type PlanReport, type ReportedError } from '../../render/report.js';
import { renderTable } from '../../render/table.js';
import type { CliIo } from '../context.js';
import { setUpPlan, type PlanSetup } from './settings.js';
import type { PlanFlags } from './flags.js';
import { readPlanInputs } from './read-inputs.js';
import { planService } from './plan-service.js';

/** The message of `error`, with the option that changes the limit it names. */
function messageOf(error: ManifestError): string {
  if (!(error instanceof InputLimitError)) return error.message;
  return `${error.message} (${error.limit === 'file' ? '--max-file-size' : '--max-total-size'} changes the limit)`;
}

function reportedError(error: ManifestError): ReportedError {
  const { file, document, item } = error.source;
  return {
    file,
    document,
    ...(item === undefined ? {} : { item }),
    field: error.field,
    message: messageOf(error),
  };
}

function buildReport(setup: PlanSetup, loaded: LoadedManifests): PlanReport {
  return {
    context: setup.summary,
    services: loaded.services.map((manifest) => planService(manifest, setup.settings)),
    errors: loaded.errors.map(reportedError),
    notes: [...loaded.notes],
  };
}

function inputLimits(flags: PlanFlags): InputLimits {
  return {
    maxFileBytes: flags.maxFileSize ?? DEFAULT_INPUT_LIMITS.maxFileBytes,
    maxTotalBytes: flags.maxTotalSize ?? DEFAULT_INPUT_LIMITS.maxTotalBytes,
  };
}

/**
 * Plans every Service of `flags.filename` and prints the report (stdout) and input problems
 * (stderr). Resolves to the exit code (0 or 2). Throws PlanUsageError for bad options or an
 * unusable kuryr.conf / subnets file, before planning anything.
 */
export async function runPlan(flags: PlanFlags, io: CliIo): Promise<number> {
  const inputs = await readPlanInputs(flags);
  for (const warning of inputs.warnings) io.stderr(`warning: ${warning}\n`);
  const setup = setUpPlan(flags, inputs);
  const loaded = await loadManifests(flags.filename, inputLimits(flags));
  for (const error of loaded.errors) io.stderr(`error: ${messageOf(error)}\n`);
  for (const note of loaded.notes) io.stderr(`note: ${note}\n`);
  const report = buildReport(setup, loaded);
  io.stdout(flags.output === 'json' ? renderJson(report) : renderTable(report));
  return planExitCode(report);
}
