/**
 * A Service that can never work as written: a Warning event and `InputValid=False` on its
 * record; whatever load balancer it already has is left as it is (a typo must not take a
 * working Service down). Not retried until the Service changes.
 */
import type { V1Service } from '@kubernetes/client-node';
import type { Reason } from '../core/translate/translation.js';
import type { ReconcilerDeps } from './deps.js';
import type { KlbSpec } from '../kube/klb.js';
import { keyOfService, statusWithCondition } from './record.js';

/** A bare record for a Service that never got one (its InputValid condition needs a home). */
function bareSpec(svc: V1Service): KlbSpec {
  return {
    ip: svc.spec?.clusterIP ?? '',
    subnet_id: '',
    type: svc.spec?.type ?? 'ClusterIP',
    provider: '',
    ports: [],
  };
}

/** Records the Event and the condition (creating a bare record when the Service has none). */
export async function reportInvalid(
  deps: ReconcilerDeps,
  svc: V1Service,
  reason: Reason,
  signal: AbortSignal,
): Promise<void> {
  await deps.events.record(svc, 'Warning', reason.code, reason.message);
  const [namespace = '', name = ''] = keyOfService(svc).split('/');
  const cached = deps.caches.getKlb(namespace, name);
  const klb = cached ?? (await deps.kube.ensureKlbSpec(svc, bareSpec(svc), undefined, signal));
  const spec = { type: 'InputValid', status: 'False' as const, reason: reason.code, message: reason.message };
  await deps.kube.writeKlbStatus(
    klb,
    statusWithCondition(klb, spec, new Date(deps.now()).toISOString()),
    signal,
  );
}
