/** Which load balancer an action writes to. Pure. */
import type { Action } from './actions.js';

/** The id of the existing load balancer `action` writes to; null for creates and Neutron actions. */
export function octaviaTargetId(action: Action): string | null {
  return 'loadBalancerId' in action ? action.loadBalancerId : null;
}
