/**
 * `GET /v2/lbaas/loadbalancers/{id}/status`: the provisioning and operating status of a load
 * balancer and, per listener, of its default pool, the pool's monitor and members.
 */
import type { OctaviaState } from './state.js';
import type { LoadBalancerRow, PoolRow } from './rows.js';

function poolStatus(state: OctaviaState, pool: PoolRow): Record<string, unknown> {
  const hm = pool.healthMonitorId === null ? undefined : state.healthMonitors.get(pool.healthMonitorId);
  const members = pool.memberIds.flatMap((id) => {
    const m = state.members.get(id);
    return m === undefined
      ? []
      : [
          {
            id: m.id,
            name: m.name,
            operating_status: m.operatingStatus,
            provisioning_status: m.provisioningStatus,
            address: m.address,
            protocol_port: m.protocolPort,
          },
        ];
  });
  return {
    id: pool.id,
    name: pool.name,
    provisioning_status: pool.provisioningStatus,
    operating_status: pool.operatingStatus,
    ...(hm === undefined
      ? {}
      : {
          health_monitor: {
            id: hm.id,
            name: hm.name,
            type: hm.type,
            provisioning_status: hm.provisioningStatus,
            operating_status: hm.operatingStatus,
          },
        }),
    members,
  };
}

/** The status tree of `lb`. */
export function statusTree(state: OctaviaState, lb: LoadBalancerRow): Record<string, unknown> {
  const listeners = lb.listenerIds.flatMap((id) => {
    const l = state.listeners.get(id);
    if (l === undefined) return [];
    const pool = l.defaultPoolId === null ? undefined : state.pools.get(l.defaultPoolId);
    return [
      {
        id: l.id,
        name: l.name,
        operating_status: l.operatingStatus,
        provisioning_status: l.provisioningStatus,
        pools: pool === undefined ? [] : [poolStatus(state, pool)],
      },
    ];
  });
  return {
    statuses: {
      loadbalancer: {
        id: lb.id,
        name: lb.name,
        operating_status: lb.operatingStatus,
        provisioning_status: lb.provisioningStatus,
        listeners,
      },
    },
  };
}
