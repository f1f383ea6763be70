/** The state `apply` threads through actions, and the id helpers it shares (pure). */
import type { Observed, ObservedFloatingIp } from '../../../src/core/model.js';

/** An action that cannot apply to the modelled state (unknown id, no created load balancer). */
export class ApplyError extends Error {
  override readonly name = 'ApplyError';
}

export interface State {
  readonly observed: Observed;
  /** The load balancer created by this action list, which `createdLoadBalancer` refers to. */
  readonly createdId: string | null;
}

export function allIds(observed: Observed): Set<string> {
  const ids = new Set<string>();
  for (const lb of observed.loadBalancers) {
    ids.add(lb.id);
    for (const listener of lb.listeners) ids.add(listener.id);
    for (const pool of lb.pools) {
      ids.add(pool.id);
      for (const member of pool.members) ids.add(member.id);
    }
  }
  for (const fip of observed.floatingIps) ids.add(fip.id);
  if (observed.userFloatingIp) ids.add(observed.userFloatingIp.id);
  return ids;
}

/** `base`, or `base-2`, `base-3`… whichever is free; the chosen id is reserved in `taken`. */
export function uniqueId(base: string, taken: Set<string>): string {
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

/** `observed` with `fn` applied to every floating IP, the user's included. */
export function mapFips(observed: Observed, fn: (fip: ObservedFloatingIp) => ObservedFloatingIp): Observed {
  const user = observed.userFloatingIp;
  return {
    ...observed,
    floatingIps: observed.floatingIps.map(fn),
    ...(user === undefined ? {} : { userFloatingIp: user === null ? null : fn(user) }),
  };
}
