/**
 * Octavia's tables with the indexes its list filters use (project, tags, name, VIP address
 * and port, parent load balancer or pool), ordered as Octavia lists by default: creation
 * time in whole seconds, then id. Deleted load balancers leave a tombstone (Octavia keeps
 * the DELETED row), so a pagination marker naming one stays valid.
 */
import { Collection, type IndexSpec } from '../collection.js';
import type { NeutronState } from '../neutron/state.js';
import { seconds } from '../time.js';
import type { World } from '../world.js';
import type { OperationFault } from './lifecycle.js';
import type {
  HealthMonitorRow,
  ListenerRow,
  LoadBalancerRow,
  MemberRow,
  OctaviaRow,
  PoolRow,
} from './rows.js';

/** Octavia's default order: `created_at` (seconds), then `id`, ascending. */
export function octaviaOrder(a: OctaviaRow, b: OctaviaRow): number {
  const dt = seconds(a.createdAt) - seconds(b.createdAt);
  if (dt !== 0) return dt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const project: IndexSpec<OctaviaRow> = { name: 'project', keys: (r) => [r.projectId] };
const tag: IndexSpec<OctaviaRow> = { name: 'tag', keys: (r) => r.tags };
const name: IndexSpec<OctaviaRow> = { name: 'name', keys: (r) => [r.name] };

/** The five tables, and the Neutron state Octavia's network driver writes to. */
export class OctaviaState {
  readonly world: World;
  readonly neutron: NeutronState;
  readonly loadBalancers = new Collection<LoadBalancerRow>({
    indexes: [
      project,
      tag,
      name,
      { name: 'vip_address', keys: (lb) => [lb.vipAddress] },
      { name: 'vip_port_id', keys: (lb) => [lb.vipPortId] },
    ],
    compare: octaviaOrder,
  });
  readonly listeners = new Collection<ListenerRow>({
    indexes: [project, tag, name, { name: 'lb', keys: (l) => [l.lbId] }],
    compare: octaviaOrder,
  });
  readonly pools = new Collection<PoolRow>({
    indexes: [project, tag, name, { name: 'lb', keys: (p) => [p.lbId] }],
    compare: octaviaOrder,
  });
  readonly members = new Collection<MemberRow>({
    indexes: [tag, { name: 'pool', keys: (m) => [m.poolId] }],
    compare: octaviaOrder,
  });
  readonly healthMonitors = new Collection<HealthMonitorRow>({
    indexes: [project, tag, { name: 'pool', keys: (h) => [h.poolId] }],
    compare: octaviaOrder,
  });
  /** Deleted load balancers: id → creation time (for pagination markers). */
  readonly tombstones = new Map<string, number>();
  /** Injected failures, consumed by the operations they match. */
  readonly faults: OperationFault[] = [];

  constructor(world: World, neutron: NeutronState) {
    this.world = world;
    this.neutron = neutron;
  }

  /** The current time of the injected clock. */
  now(): number {
    return this.world.clock.now();
  }
}
