/**
 * What `kuryr-services plan` found, as data: the context it planned in, one entry per
 * Service, the input errors and notes. Renderers (table, JSON) only format this.
 */
import type { Action } from '../../core/plan/actions.js';
import type { DesiredLoadBalancer, NetworkContext } from '../../core/model.js';
import type { Reason } from '../../core/translate/translation.js';

/** The context every Service was planned in. */
export interface PlanContextSummary {
  /** e.g. `2.27 (newest supported)`, `2.10 (--octavia-api)`, `2.0 (legacy Neutron LBaaS v2)`. */
  readonly octaviaApi: string;
  readonly provider: string;
  readonly legacyLbaasV2: boolean;
  readonly clusterId: string;
  readonly memberMode: string;
  /** Where the subnets came from: a file, or the built-in demo topology. */
  readonly networkSource: string;
  readonly network: NetworkContext;
  /** External network for Pool floating IPs, or null. */
  readonly externalNetwork: string | null;
}

/** One action of a plan, summarised. */
export interface ActionSummary {
  readonly kind: Action['kind'];
  readonly octaviaWrite: boolean;
  readonly summary: string;
}

interface ServiceBase {
  readonly namespace: string;
  readonly name: string;
  /** `file, document N` of the Service. */
  readonly source: string;
  /** The uid planned with (the manifest's, or a placeholder). */
  readonly uid: string;
  /** True when the manifest had no uid and `uid` was derived from namespace/name. */
  readonly placeholderUid: boolean;
  /** Notes about the input of this Service (Endpoints converted, no endpoints...). */
  readonly notes: readonly string[];
}

/** The outcome for one Service. */
export type ServiceReport =
  | (ServiceBase & {
      readonly result: 'desired';
      readonly loadBalancer: DesiredLoadBalancer;
      readonly actions: readonly ActionSummary[];
      readonly warnings: readonly Reason[];
    })
  | (ServiceBase & {
      readonly result: 'skip' | 'invalid';
      readonly reason: Reason;
      readonly warnings: readonly Reason[];
    });

/** An input problem, located. */
export interface ReportedError {
  readonly file: string;
  /** 1-based document number in the file; null for whole-file problems. */
  readonly document: number | null;
  readonly item?: number;
  readonly field: string | null;
  readonly message: string;
}

/** Everything `plan` prints. */
export interface PlanReport {
  readonly context: PlanContextSummary;
  readonly services: readonly ServiceReport[];
  readonly errors: readonly ReportedError[];
  readonly notes: readonly string[];
}

/** 2 when any input error or invalid Service is reported, else 0 (skips are fine). */
export function planExitCode(report: PlanReport): 0 | 2 {
  const invalid = report.services.some((s) => s.result === 'invalid');
  return report.errors.length > 0 || invalid ? 2 : 0;
}
