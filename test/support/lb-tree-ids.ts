/** Test support: renaming the ids inside an observed load balancer tree. */
import type { ObservedLoadBalancer } from '../../src/core/model.js';

/** `lb` with every listener, pool and member id (and the references between them) passed through `re`. */
export function renameChildIds(lb: ObservedLoadBalancer, re: (id: string) => string): ObservedLoadBalancer {
  return {
    ...lb,
    listeners: lb.listeners.map((l) => ({
      ...l,
      id: re(l.id),
      defaultPoolId: l.defaultPoolId === null ? null : re(l.defaultPoolId),
    })),
    pools: lb.pools.map((p) => ({
      ...p,
      id: re(p.id),
      listenerId: p.listenerId === null ? null : re(p.listenerId),
      members: p.members.map((m) => ({ ...m, id: re(m.id) })),
    })),
  };
}
