/**
 * A failure the Service's owner must see: a Warning Event on the Service and `Ready=False`
 * with the fault on its KuryrLoadBalancer (src/services/failures.ts classifies). Without a
 * Service (an orphan) only the log knows.
 */
import type { V1Service } from '@kubernetes/client-node';
import type { KuryrLoadBalancer } from '../kube/klb.js';
import type { ReconcilerDeps } from './deps.js';
import type { FailureClass } from './failures.js';
import { keyOfService, recordedStateOf, statusWithCondition } from './record.js';

/** What to report. */
export interface FailureReport {
  readonly svc: V1Service | null;
  readonly klb: KuryrLoadBalancer | undefined;
  readonly failure: FailureClass;
  readonly signal: AbortSignal;
}

/** Reports `failure` (a failure to report is logged: the failure itself matters more). */
export async function reportFailure(deps: ReconcilerDeps, report: FailureReport): Promise<void> {
  const { svc, klb, failure } = report;
  const key = keyOfService(svc);
  deps.logger.warn({ key, reason: failure.reason, terminal: failure.terminal }, failure.message);
  if (svc === null) return;
  await deps.events.record(svc, 'Warning', failure.reason, failure.message);
  if (klb === undefined) return;
  const ready = { type: 'Ready', status: 'False' as const, reason: failure.reason, message: failure.message };
  // Everything else the record knew stays: a failed call changed nothing we observed.
  const status = statusWithCondition(klb, ready, new Date(deps.now()).toISOString());
  deps.metrics.serviceRecorded(key, recordedStateOf(status));
  try {
    await deps.kube.writeKlbStatus(klb, status, report.signal);
  } catch (err) {
    deps.logger.warn({ key, err }, 'could not record the failure on the KuryrLoadBalancer');
  }
}
