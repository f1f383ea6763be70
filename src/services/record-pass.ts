/**
 * The record step of a pass: what the user sees and what the next pass remembers. Events
 * (translation warnings, the decision's notices, one per notable executed action), the
 * KuryrLoadBalancer status (only what was observed; progress), the Service's ingress, and
 * for a finished release the record's and the finalizer's removal.
 */
import type { V1Service } from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';
import type { ServiceRef } from '../core/model.js';
import { isOwnedByCluster } from '../core/ownership.js';
import type { Decision, Intent } from '../core/plan/decision.js';
import type { Reason } from '../core/translate/translation.js';
import { hasKuryrFinalizer, type KlbStatus, type KuryrLoadBalancer } from '../kube/klb.js';
import { hasFinalizer, ingressIps } from '../kube/service-writes.js';
import type { ReconcilerDeps } from './deps.js';
import type { ExecuteOutcome } from './interfaces.js';
import { klbProgressOf, klbStatusFor, recordedStateOf, translatedConditions } from './record.js';
import { reportActions } from './report.js';

/** The notice reason of an object with our cluster id and another writer (src/core/plan/decide.ts). */
const OWNERSHIP_CONFLICT = 'KuryrOwnershipConflict';

/** What was decided and done in the pass. */
export interface PassRecord {
  readonly svc: V1Service | null;
  readonly ref: ServiceRef;
  readonly intent: Intent;
  readonly warnings: readonly Reason[];
  readonly klb: KuryrLoadBalancer | undefined;
  readonly decision: Decision;
  readonly outcome: ExecuteOutcome;
  readonly signal: AbortSignal;
}

/** The adoption verdicts (core/plan/decide-adoption.ts), logged as `adopt --dry-run` prints them. */
const ADOPTION_NOTICES: ReadonlySet<string> = new Set([
  'KuryrAdoptedLB',
  'KuryrAdoptionRefused',
  'KuryrLoadBalancerKept',
]);

function logAdoption(deps: ReconcilerDeps, ref: PassRecord['ref'], decision: Decision): void {
  for (const n of decision.notices) {
    if (!ADOPTION_NOTICES.has(n.reason)) continue;
    const fields = { key: `${ref.namespace}/${ref.name}`, reason: n.reason };
    if (n.type === 'Warning') deps.logger.warn(fields, n.message);
    else deps.logger.info(fields, n.message);
  }
}

/** Records the pass; see the module comment. */
export async function recordPass(deps: ReconcilerDeps, r: PassRecord): Promise<void> {
  const { svc, decision } = r;
  for (const a of r.outcome.done) {
    if (a.kind === 'createLoadBalancer') {
      deps.metrics.createPath(a.loadBalancer.listeners.length === 0 ? 'step-by-step' : 'fully-populated');
    }
  }
  if (svc !== null) {
    for (const w of r.warnings) await deps.events.record(svc, w.eventType ?? 'Warning', w.code, w.message);
    for (const n of decision.notices) await deps.events.record(svc, n.type, n.reason, n.message);
    logAdoption(deps, r.ref, decision);
  } else {
    for (const n of decision.notices)
      deps.logger.warn({ key: `${r.ref.namespace}/${r.ref.name}` }, n.message);
  }
  const conflicts = decision.notices.filter((n) => n.reason === OWNERSHIP_CONFLICT).length;
  if (conflicts > 0) deps.metrics.ownershipConflicts(conflicts);
  await reportActions(deps, svc, r.outcome.done);
  if (r.intent.kind === 'ensure') {
    await recordStatus(deps, r);
    await recordIngress(deps, r);
    return;
  }
  if (decision.next.kind === 'released') {
    await finishRelease(deps, r);
    deps.metrics.serviceRecorded(`${r.ref.namespace}/${r.ref.name}`, null);
  }
}

async function recordStatus(deps: ReconcilerDeps, r: PassRecord): Promise<void> {
  const { klb, decision } = r;
  if (klb === undefined) return;
  const nowIso = new Date(deps.now()).toISOString();
  const toIso = (ms: number): string => new Date(ms).toISOString();
  const progress = klbProgressOf(decision.progress, toIso);
  const record = decision.record;
  const status: KlbStatus =
    record === null
      ? { ...(klb.status ?? {}), progress }
      : klbStatusFor({
          previous: klb.status,
          loadBalancer: record.loadBalancer,
          floatingIp: record.floatingIp,
          floatingIpWanted: r.intent.kind === 'ensure' && r.intent.desired.floatingIp != null,
          projectId: deps.projectId,
          conditions: translatedConditions(record.ready),
          progress,
          nowIso,
          generation: klb.metadata.generation,
        });
  deps.metrics.serviceRecorded(`${r.ref.namespace}/${r.ref.name}`, recordedStateOf(status));
  const written = isDeepStrictEqual(klb.status ?? {}, status)
    ? klb
    : await deps.kube.writeKlbStatus(klb, status, r.signal);
  // Kuryr's finalizer goes once the load balancer was observed as ours (adopted: tagged) and recorded.
  const ours = record?.loadBalancer != null && isOwnedByCluster(record.loadBalancer.tags, deps.owner);
  if (ours && hasKuryrFinalizer(written)) {
    await deps.kube.removeKuryrFinalizer(written, r.signal);
  }
}

async function recordIngress(deps: ReconcilerDeps, r: PassRecord): Promise<void> {
  const { svc, decision } = r;
  if (svc === null || decision.ingress === null || svc.metadata?.deletionTimestamp !== undefined) return;
  const before = ingressIps(svc);
  await deps.kube.setIngress(svc, decision.ingress, r.signal);
  const created = svc.metadata?.creationTimestamp;
  if (before.length === 0 && decision.ingress.length > 0 && created !== undefined) {
    deps.metrics.ingressLatency((deps.now() - new Date(created).getTime()) / 1000);
  }
}

/**
 * Nothing of ours is left: clear the ingress of a Service that stays (skipped now), delete
 * its record, remove the finalizer. An orphan (no Service) has no finalizer, and its record,
 * if any, goes with the Service by garbage collection (its owner reference).
 */
async function finishRelease(deps: ReconcilerDeps, r: PassRecord): Promise<void> {
  const { svc, ref, signal } = r;
  if (svc === null) {
    deps.logger.info({ key: `${ref.namespace}/${ref.name}` }, 'released orphan');
    return;
  }
  // The status write bumps the resourceVersion the finalizer patch is conditioned on.
  const current =
    svc.metadata?.deletionTimestamp === undefined ? await deps.kube.setIngress(svc, [], signal) : svc;
  // Everything of ours is released: a record kuryr's finalizer holds (Terminating or not) may go.
  if (r.klb !== undefined && hasKuryrFinalizer(r.klb)) await deps.kube.removeKuryrFinalizer(r.klb, signal);
  await deps.kube.deleteKlb(ref.namespace, ref.name, signal);
  if (hasFinalizer(current)) await deps.kube.removeFinalizer(current, signal);
  deps.logger.info({ key: `${ref.namespace}/${ref.name}` }, 'released');
}
