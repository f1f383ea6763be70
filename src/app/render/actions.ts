/** One-line descriptions of plan actions, for people. */
import { isOctaviaWrite, type Action, type PortRef } from '../../core/plan/actions.js';
import type { DesiredListener } from '../../core/model.js';
import type { ActionSummary } from './report.js';

function describePort(port: PortRef): string {
  return port.kind === 'port' ? `port ${port.portId}` : 'the VIP port of the new load balancer';
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function describeTree(listeners: readonly DesiredListener[]): string {
  const members = listeners.reduce((n, l) => n + l.pool.members.length, 0);
  return `${plural(listeners.length, 'listener')}, ${plural(listeners.length, 'pool')}, ${plural(members, 'member')}`;
}

function describeOctavia(action: Action): string {
  switch (action.kind) {
    case 'createLoadBalancer':
      return `${action.loadBalancer.name}: one fully-populated call (${describeTree(action.loadBalancer.listeners)})`;
    case 'deleteLoadBalancer':
      return `${action.loadBalancerId} (cascade): ${action.reason}`;
    case 'tagLoadBalancer':
      return `${action.loadBalancerId} (adopting kuryr's load balancer): ${action.tags.join(', ')}`;
    case 'createListener':
      return `${action.listener.protocol}:${action.listener.protocolPort} on ${action.loadBalancerId} (pool and ${plural(action.listener.pool.members.length, 'member')} nested)`;
    case 'updateListener':
      return `${action.listenerId}: ${Object.keys(action.changes).join(', ')}`;
    case 'createPool':
      return `${action.pool.name} for listener ${action.listenerId} (${plural(action.pool.members.length, 'member')} nested)`;
    case 'updatePool':
      return `${action.poolId}: ${Object.keys(action.changes).join(', ')}`;
    case 'replaceMembers':
      return `pool ${action.poolId}: ${plural(action.members.length, 'member')}`;
    case 'deleteListener':
      return action.listenerId;
    case 'deletePool':
      return action.poolId;
    default:
      return '';
  }
}

function describeNeutron(action: Action): string {
  switch (action.kind) {
    case 'createFloatingIp': {
      const subnet = action.subnetId === undefined ? '' : ` (subnet ${action.subnetId})`;
      return `on network ${action.networkId}${subnet} → ${describePort(action.port)}`;
    }
    case 'associateFloatingIp':
      return `${action.floatingIpId} → ${describePort(action.port)}`;
    case 'disassociateFloatingIp':
    case 'deleteFloatingIp':
      return action.floatingIpId;
    case 'tagFloatingIp':
      return `${action.floatingIpId}: ${action.tags.join(', ')}`;
    default:
      return describeOctavia(action);
  }
}

/** `kind detail` for each action, and whether it is an Octavia write. */
export function summarizeActions(actions: readonly Action[]): ActionSummary[] {
  return actions.map((action) => ({
    kind: action.kind,
    octaviaWrite: isOctaviaWrite(action),
    summary: `${action.kind} ${describeNeutron(action)}`.trim(),
  }));
}

/** E.g. `1 Octavia write: createLoadBalancer (fully populated); 1 Neutron write: createFloatingIp`. */
export function countActions(actions: readonly ActionSummary[]): string {
  if (actions.length === 0) return 'nothing to do';
  const group = (octavia: boolean, label: string): string | null => {
    const kinds = actions.filter((a) => a.octaviaWrite === octavia).map((a) => a.kind);
    if (kinds.length === 0) return null;
    const names = kinds.map((k) => (k === 'createLoadBalancer' ? `${k} (fully populated)` : k));
    return `${plural(kinds.length, `${label} write`)}: ${names.join(', ')}`;
  };
  return [group(true, 'Octavia'), group(false, 'Neutron')].filter((g) => g !== null).join('; ');
}
