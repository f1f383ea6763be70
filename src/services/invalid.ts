/**
 * A Service that can never work as written: a Warning event and `InputValid=False` on its
 * record; whatever load balancer it already has is left as it is (a typo must not take a
 * working Service down). Not retried until the Service changes.
 */
import type { V1Service } from '@kubernetes/client-node';
import type { Reason } from '../core/translate/translation.js';
import type { ReconcilerDeps } from './deps.js';
import { conditionFor } from './record.js';

/** Records the Event and the condition (creating a bare record when the Service has none). */
export async function reportInvalid(
  deps: ReconcilerDeps,
  svc: V1Service,
  reason: Reason,
  signal: AbortSignal,
): Promise<void> {
  await deps.events.record(svc, 'Warning', reason.code, reason.message);
  const nowIso = new Date(deps.now()).toISOString();
  const namespace = svc.metadata?.namespace ?? '';
  const name = svc.metadata?.name ?? '';
  const cached = deps.caches.getKlb(namespace, name);
  const bare = {
    ip: svc.spec?.clusterIP ?? '',
    subnet_id: '',
    type: svc.spec?.type ?? 'ClusterIP',
    provider: '',
    ports: [],
  };
  const klb = cached ?? (await deps.kube.ensureKlbSpec(svc, bare, undefined, signal));
  const condition = conditionFor(
    { type: 'InputValid', status: 'False', reason: reason.code, message: reason.message },
    klb.status?.conditions,
    nowIso,
  );
  const others = (klb.status?.conditions ?? []).filter((c) => c.type !== 'InputValid');
  await deps.kube.writeKlbStatus(klb, { ...(klb.status ?? {}), conditions: [...others, condition] }, signal);
}
