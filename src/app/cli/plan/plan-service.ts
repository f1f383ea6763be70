/**
 * The heart of `plan`: each Service from the manifests → translate → plan from nothing →
 * a ServiceReport. No I/O.
 */
import type {
  ObservedFloatingIp,
  Observed,
  CapabilityProfile,
  NetworkContext,
  TranslateConfig,
  DesiredLoadBalancer,
} from '../../../core/model.js';
import { plan } from '../../../core/plan/plan.js';
import { translate } from '../../../core/translate/translate.js';
import type { ServiceManifest } from '../../manifests/load.js';
import { formatSource } from '../../manifests/errors.js';
import { summarizeActions } from '../../render/actions.js';
import type { ServiceReport } from '../../render/report.js';

/** What every Service is translated with. */
export interface PlanSettings {
  readonly config: TranslateConfig;
  readonly network: NetworkContext;
  readonly capabilities: CapabilityProfile;
}

/**
 * What OpenStack holds before the first reconcile: nothing, except the user's floating IP
 * named by `loadBalancerIP`, assumed to exist and be free (so the plan shows its association).
 */
function observedFromNothing(desired: DesiredLoadBalancer, settings: PlanSettings): Observed {
  const intent = desired.floatingIp;
  if (intent?.method !== 'user') return { loadBalancers: [], floatingIps: [] };
  const userFloatingIp: ObservedFloatingIp = {
    id: `floating-ip-${intent.address}`,
    address: intent.address,
    networkId: settings.config.externalSvcNet ?? 'external-network',
    portId: null,
    tags: [],
    description: '',
  };
  return { loadBalancers: [], floatingIps: [], userFloatingIp };
}

function inputNotes(manifest: ServiceManifest): string[] {
  const notes: string[] = [];
  if (manifest.endpointsFrom === 'Endpoints') {
    notes.push(
      `endpoints from core v1 Endpoints, converted to ${manifest.slices.length} EndpointSlice(s), one per subset`,
    );
  }
  if (manifest.endpointsFrom === 'none')
    notes.push('no EndpointSlice or Endpoints given: pools have no members');
  return notes;
}

/** Translates and plans one Service from its manifest. Pure; never throws for bad data. */
export function planService(manifest: ServiceManifest, settings: PlanSettings): ServiceReport {
  const base = {
    namespace: manifest.namespace,
    name: manifest.name,
    source: formatSource(manifest.source),
    uid: manifest.service.metadata?.uid ?? '',
    placeholderUid: manifest.placeholderUid,
    notes: inputNotes(manifest),
  };
  const translation = translate({ service: manifest.service, slices: manifest.slices, ...settings });
  if (translation.kind !== 'desired') {
    return { ...base, result: translation.kind, reason: translation.reason, warnings: [] };
  }
  const desired = translation.loadBalancer;
  const result = plan({
    service: desired.service,
    owner: { clusterId: settings.config.clusterId, writer: settings.config.writer },
    desired,
    observed: observedFromNothing(desired, settings),
  });
  return {
    ...base,
    result: 'desired',
    loadBalancer: desired,
    actions: summarizeActions(result.actions),
    warnings: translation.warnings,
  };
}
