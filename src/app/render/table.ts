/** The human-readable rendering of a plan report (what `plan --output table` prints). */
import type { DesiredListener, DesiredLoadBalancer, NetworkContext } from '../../core/model.js';
import type { Reason } from '../../core/translate/translation.js';
import { countActions } from './actions.js';
import type { PlanContextSummary, PlanReport, ServiceReport } from './report.js';

/** Values start in this column whatever the nesting, so a tree reads as a table. */
const VALUE_COLUMN = 17;

function row(indent: number, label: string, value: string): string {
  return `${`${' '.repeat(indent)}${label}`.padEnd(VALUE_COLUMN - 1)} ${value}`;
}

function subnetText(network: NetworkContext, id: string): string {
  const cidr = network.subnets.get(id)?.cidr;
  return cidr === undefined ? id : `${id} (${cidr})`;
}

function renderContext(ctx: PlanContextSummary): string[] {
  const subnets = (ids: readonly string[]): string => ids.map((id) => subnetText(ctx.network, id)).join(', ');
  return [
    'kuryr-services plan: dry run, nothing is sent to OpenStack',
    row(2, 'Octavia', `API ${ctx.octaviaApi}, provider ${ctx.provider}`),
    row(2, 'cluster', `${ctx.clusterId}, member mode ${ctx.memberMode}`),
    row(2, 'subnets', ctx.networkSource),
    row(2, '', `service: ${subnets(ctx.network.serviceSubnetIds)}`),
    row(2, '', `pod: ${subnets(ctx.network.podSubnetIds)}`),
    row(
      2,
      'external net',
      ctx.externalNetwork ?? 'none (type=LoadBalancer Services get no pool floating IP)',
    ),
  ];
}

function renderUids(report: PlanReport): string[] {
  const placeholders = report.services.filter((s) => s.placeholderUid).length;
  if (placeholders === 0) return [];
  const text = `${placeholders} of ${report.services.length} Services have no metadata.uid: planned with placeholder uids derived from namespace/name`;
  return [row(2, 'uids', text)];
}

function timeoutText(ms: number | null): string {
  return ms === null ? 'default' : `${ms} ms`;
}

function renderListener(listener: DesiredListener, network: NetworkContext): string[] {
  const { pool } = listener;
  const allowed = listener.allowedCidrs.length === 0 ? 'any' : listener.allowedCidrs.join(', ');
  const timeouts = `client ${timeoutText(listener.timeoutClientData)}, member ${timeoutText(listener.timeoutMemberData)}`;
  const persistence = pool.sessionPersistence?.type ?? 'none';
  const lines = [
    row(
      4,
      'listener',
      `${listener.protocol}:${listener.protocolPort}  allowed: ${allowed}  timeouts: ${timeouts}`,
    ),
    row(6, 'pool', `${pool.protocol} ${pool.lbAlgorithm}, session persistence: ${persistence}`),
  ];
  if (pool.members.length === 0) lines.push(row(8, 'member', '(none: no ready endpoint)'));
  for (const member of pool.members) {
    const where =
      member.subnetId === undefined ? 'routed (L3)' : `subnet ${subnetText(network, member.subnetId)}`;
    lines.push(row(8, 'member', `${member.address}:${member.protocolPort}  ${where}`));
  }
  return lines;
}

function floatingIpText(lb: DesiredLoadBalancer, warnings: readonly Reason[]): string {
  const intent = lb.floatingIp;
  if (intent?.method === 'pool') {
    const subnet = intent.subnetId === undefined ? '' : ` (subnet ${intent.subnetId})`;
    return `new one from pool network ${intent.networkId}${subnet}`;
  }
  if (intent?.method === 'user')
    return `user's floating IP ${intent.address} (assumed to exist, unassociated)`;
  if (lb.internal === true) return 'none (internal: the VIP is its address)';
  const why = warnings.find((w) => w.code === 'KuryrNoFloatingIp');
  return why === undefined ? 'none (not type LoadBalancer)' : `none: ${why.message}`;
}

function renderDesired(
  service: Extract<ServiceReport, { result: 'desired' }>,
  network: NetworkContext,
): string[] {
  const lb = service.loadBalancer;
  const lines = [
    row(2, 'load balancer', lb.name),
    row(4, 'VIP', `${lb.vipAddress} on ${subnetText(network, lb.vipSubnetId)}`),
    row(4, 'provider', lb.provider),
    ...lb.listeners.flatMap((l) => renderListener(l, network)),
    row(4, 'floating IP', floatingIpText(lb, service.warnings)),
    row(2, 'actions', countActions(service.actions)),
    ...service.actions.map((a, i) => `${' '.repeat(4)}${i + 1}. ${a.summary}`),
  ];
  return lines;
}

function renderService(service: ServiceReport, network: NetworkContext): string[] {
  const head = `${service.namespace}/${service.name}: ${service.result}  (${service.source})`;
  // concat, not push(...): a pool can have more members than a call takes arguments.
  const lines =
    service.result === 'desired'
      ? [head].concat(renderDesired(service, network))
      : [head, row(2, 'reason', `${service.reason.code}: ${service.reason.message}`)];
  for (const w of service.warnings)
    lines.push(row(2, w.eventType === 'Normal' ? 'note' : 'warning', `${w.code}: ${w.message}`));
  for (const n of service.notes) lines.push(row(2, 'note', n));
  return lines;
}

function renderSummary(report: PlanReport): string {
  const count = (result: ServiceReport['result']): number =>
    report.services.filter((s) => s.result === result).length;
  const n = report.services.length;
  return `${n} Service${n === 1 ? '' : 's'}: ${count('desired')} planned, ${count('skip')} skipped, ${count('invalid')} invalid; ${report.errors.length} input error(s)`;
}

/** The report as text for a terminal: context header, one block per Service, a summary line. */
export function renderTable(report: PlanReport): string {
  const blocks = [
    [...renderContext(report.context), ...renderUids(report)],
    ...report.services.map((s) => renderService(s, report.context.network)),
    [renderSummary(report)],
  ];
  return `${blocks.map((b) => b.join('\n')).join('\n\n')}\n`;
}
