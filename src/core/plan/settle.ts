/**
 * After the actions ran: the decision adjusted to what the executor could do. Octavia may
 * answer 409 (the load balancer turned busy under us) and later writes on a busy load
 * balancer are deferred to the next pass; both are normal. Pure.
 */
import type { Action } from './actions.js';
import { isOctaviaWrite } from './actions.js';
import { basisOf } from './basis.js';
import type { Decision, Licence, Next } from './decision.js';
import type { Observed, ObservedFloatingIp, ObservedLoadBalancer } from '../model.js';
import { octaviaTargetId } from './targets.js';

/** What the executor reports of one run. */
export interface ExecutionReport {
  readonly done: readonly Action[];
  readonly deferred: readonly Action[];
  /** Octavia answered 409 and the run stopped. */
  readonly conflict: boolean;
  /** The id Octavia answered to the run's load balancer create, if it ran one. */
  readonly createdLoadBalancerId?: string;
  /** The tree that create answered (null: not whole). */
  readonly createdTree?: ObservedLoadBalancer | null;
  /** The floating IPs the run created. */
  readonly createdFloatingIps?: readonly ObservedFloatingIp[];
}

/**
 * A licence survives deferrals only of Octavia writes on the load balancers it names; one
 * granted to a create (no id yet, licence.ts creatingLicence) needs the create done and
 * nothing deferred, and is bound to the id the create answered.
 */
function keptLicence(
  licence: Licence | null,
  run: ExecutionReport,
  observed: Observed | null,
): Licence | null {
  if (licence === null) return null;
  const { deferred } = run;
  if (licence.loadBalancerIds.length === 0) {
    const id = run.createdLoadBalancerId;
    if (id === undefined || deferred.length > 0) return null;
    const basis = observed === null ? null : basisOf(observed, run);
    const bound = { ...licence, loadBalancerIds: [id] };
    return basis?.loadBalancer.id === id ? { ...bound, basis } : bound;
  }
  const ids = new Set(licence.loadBalancerIds);
  const fine = deferred.every((a) => isOctaviaWrite(a) && ids.has(octaviaTargetId(a) ?? ''));
  return fine ? licence : null;
}

function licenceOf(next: Next): Licence | null {
  return next.kind === 'wait' || next.kind === 'verify' ? next.licence : null;
}

/**
 * `decision` after `run`; unchanged when nothing ran. `observed`: the full observation the
 * decision was taken on (null: another kind), from which a create's basis is judged (basis.ts).
 */
export function settle(decision: Decision, run: ExecutionReport, observed: Observed | null = null): Decision {
  if (decision.actions.length === 0) return decision;
  const licence = keptLicence(licenceOf(decision.next), run, observed);
  if (run.conflict) {
    const first = run.deferred.find((a) => isOctaviaWrite(a));
    const target = first === undefined ? 'unknown' : (octaviaTargetId(first) ?? 'new');
    const reason = `Octavia answered 409 Conflict: load balancer ${target} is busy`;
    const next: Next = { kind: 'wait', token: `busy:${target}`, reason, licence };
    const record =
      decision.record === null
        ? null
        : {
            ...decision.record,
            ready: { type: 'Ready' as const, status: 'False' as const, reason: 'Pending', message: reason },
          };
    return { ...decision, next, record };
  }
  const next: Next =
    decision.next.kind === 'wait' || decision.next.kind === 'verify'
      ? { ...decision.next, licence }
      : decision.next;
  const message = `${run.done.length} change(s) sent to OpenStack`;
  const record =
    decision.record?.ready.reason === 'Reconciling'
      ? { ...decision.record, ready: { ...decision.record.ready, message } }
      : decision.record;
  return { ...decision, next, record };
}
