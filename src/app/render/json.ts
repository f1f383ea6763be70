/** The machine-readable rendering of a plan report (what `plan --output json` prints). */
import type { NetworkContext } from '../../core/model.js';
import type { PlanReport, ServiceReport } from './report.js';

function subnetList(network: NetworkContext, ids: readonly string[]): { id: string; cidr: string | null }[] {
  return ids.map((id) => ({ id, cidr: network.subnets.get(id)?.cidr ?? null }));
}

function serviceJson(service: ServiceReport): Record<string, unknown> {
  const base = {
    namespace: service.namespace,
    name: service.name,
    source: service.source,
    uid: service.uid,
    placeholderUid: service.placeholderUid,
    result: service.result,
  };
  if (service.result === 'desired') {
    const { loadBalancer, actions, warnings, notes } = service;
    return { ...base, loadBalancer, actions, warnings, notes };
  }
  return { ...base, reason: service.reason, warnings: service.warnings, notes: service.notes };
}

/**
 * The report as one JSON document (2-space indented, trailing newline):
 * `{context, services: [{namespace, name, source, uid, placeholderUid, result, loadBalancer?, actions?, warnings,
 * reason?, notes}], errors: [{file, document, item?, field, message}], notes}`.
 * Key order and array order are deterministic.
 */
export function renderJson(report: PlanReport): string {
  const { context } = report;
  const document = {
    context: {
      octaviaApi: context.octaviaApi,
      provider: context.provider,
      legacyLbaasV2: context.legacyLbaasV2,
      clusterId: context.clusterId,
      memberMode: context.memberMode,
      networkSource: context.networkSource,
      serviceSubnets: subnetList(context.network, context.network.serviceSubnetIds),
      podSubnets: subnetList(context.network, context.network.podSubnetIds),
      externalNetwork: context.externalNetwork,
    },
    services: report.services.map(serviceJson),
    errors: report.errors,
    notes: report.notes,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
