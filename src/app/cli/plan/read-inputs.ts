/** Reading kuryr.conf (--config) and subnets.yaml (--subnets) for `plan`. */
import { KuryrConfError, readKuryrConf, type AppConfig } from '../../config/kuryr-conf.js';
import { SubnetsFileError, readSubnetsFile } from '../../config/subnets-file.js';
import type { SubnetInfo } from '../../../core/model.js';
import { PlanUsageError, type PlanFlags } from './flags.js';

/** Subnets read from --subnets. */
export interface PlanSubnetsInput {
  readonly file: string;
  readonly subnets: readonly SubnetInfo[];
}

/** kuryr.conf and subnets.yaml contents (null when not given), and the warnings reading them produced. */
export interface PlanInputs {
  readonly config: AppConfig | null;
  readonly subnets: PlanSubnetsInput | null;
  readonly warnings: readonly string[];
}

async function readConfig(
  path: string | undefined,
): Promise<{ config: AppConfig | null; warnings: readonly string[] }> {
  if (path === undefined) return { config: null, warnings: [] };
  try {
    return await readKuryrConf(path);
  } catch (error) {
    if (error instanceof KuryrConfError) throw new PlanUsageError(error.message, { cause: error });
    throw error;
  }
}

async function readSubnets(path: string | undefined): Promise<PlanSubnetsInput | null> {
  if (path === undefined) return null;
  try {
    return { file: path, subnets: await readSubnetsFile(path) };
  } catch (error) {
    if (error instanceof SubnetsFileError) throw new PlanUsageError(error.message, { cause: error });
    throw error;
  }
}

/**
 * Reads --config and --subnets. Throws PlanUsageError (message naming file, section and
 * key, or file, entry and field) when either cannot be used; unknown kuryr.conf keys are
 * returned as warnings.
 */
export async function readPlanInputs(flags: PlanFlags): Promise<PlanInputs> {
  const { config, warnings } = await readConfig(flags.config);
  const subnets = await readSubnets(flags.subnets);
  return { config, subnets, warnings };
}
