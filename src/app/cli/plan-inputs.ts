/** Reading kuryr.conf and subnets.yaml for `plan`. */
import type { PlanConfigInput, PlanSubnetsInput } from './plan-context.js';
import type { PlanFlags } from './plan-flags.js';
import { PlanUsageError } from './plan-flags.js';

/** kuryr.conf and subnets.yaml contents, and the warnings reading them produced. */
export interface PlanInputs {
  readonly config: PlanConfigInput | null;
  readonly subnets: PlanSubnetsInput | null;
  readonly warnings: readonly string[];
}

/** Reads --config and --subnets. Throws PlanUsageError naming file, section and key. */
export function readPlanInputs(flags: PlanFlags): Promise<PlanInputs> {
  if (flags.config !== undefined || flags.subnets !== undefined) {
    return Promise.reject(new PlanUsageError('--config and --subnets are not supported yet'));
  }
  return Promise.resolve({ config: null, subnets: null, warnings: [] });
}
