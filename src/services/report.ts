/**
 * What a user sees of the work done: one Kubernetes Event per notable executed action
 * (kuryr's reasons), and the action counter.
 */
import type { V1Service } from '@kubernetes/client-node';
import type { Action } from '../core/plan/actions.js';
import type { EventType } from '../kube/events.js';
import type { ReconcilerDeps } from './deps.js';

function describe(action: Action): { type: EventType; reason: string; message: string } | null {
  switch (action.kind) {
    case 'createLoadBalancer': {
      const lb = action.loadBalancer;
      const ports = lb.listeners.map((l) => `${l.protocol}:${l.protocolPort}`).join(', ');
      return {
        type: 'Normal',
        reason: 'KuryrEnsureLB',
        message: `Creating load balancer ${lb.name} on VIP ${lb.vipAddress} (${ports || 'no listeners'})`,
      };
    }
    case 'deleteLoadBalancer':
      return {
        type: 'Normal',
        reason: 'KuryrReleaseLB',
        message: `Deleting load balancer ${action.loadBalancerId}: ${action.reason}`,
      };
    case 'createFloatingIp':
      return {
        type: 'Normal',
        reason: 'KuryrEnsureFIP',
        message: `Allocating a floating IP from network ${action.networkId}`,
      };
    case 'associateFloatingIp':
      return {
        type: 'Normal',
        reason: 'KuryrEnsureFIP',
        message: `Attaching floating IP ${action.floatingIpId} to the VIP port`,
      };
    case 'disassociateFloatingIp':
      return {
        type: 'Normal',
        reason: 'KuryrReleaseFIP',
        message: `Detaching floating IP ${action.floatingIpId}`,
      };
    case 'disownFloatingIp':
      return {
        type: 'Normal',
        reason: 'KuryrKeepFIP',
        message: `Keeping floating IP ${action.floatingIpId}: it is no longer managed by kuryr-services`,
      };
    case 'deleteFloatingIp':
      return {
        type: 'Normal',
        reason: 'KuryrReleaseFIP',
        message: `Releasing floating IP ${action.floatingIpId}`,
      };
    case 'createListener':
      return {
        type: 'Normal',
        reason: 'KuryrEnsureListener',
        message: `Adding listener ${action.listener.name}`,
      };
    case 'deleteListener':
      return {
        type: 'Normal',
        reason: 'KuryrReleaseListener',
        message: `Removing listener ${action.listenerId}`,
      };
    default:
      return null;
  }
}

/** Records events and metrics for actions that were carried out on behalf of `svc`. */
export async function reportActions(
  deps: ReconcilerDeps,
  svc: V1Service | null,
  actions: readonly Action[],
): Promise<void> {
  for (const action of actions) {
    deps.metrics.actionExecuted(action.kind);
    const event = describe(action);
    if (event !== null && svc !== null)
      await deps.events.record(svc, event.type, event.reason, event.message);
  }
}
