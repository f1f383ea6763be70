/**
 * Neutron's tables with the indexes the list filters use (project, tags, network, device,
 * fixed IP, floating IP address, port, description), ordered by id as Neutron's paginated
 * lists are.
 */
import { Collection, type IndexSpec } from '../collection.js';
import type { World } from '../world.js';
import type { FloatingIpRow, NetworkRow, PortRow, RouterRow, Stamped, SubnetRow } from './rows.js';

function byId(a: { readonly id: string }, b: { readonly id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const project: IndexSpec<Stamped> = { name: 'project', keys: (r) => [r.projectId] };
const tag: IndexSpec<Stamped> = { name: 'tag', keys: (r) => [...r.tags] };

/** The five tables. */
export class NeutronState {
  readonly world: World;
  readonly networks = new Collection<NetworkRow>({
    indexes: [project, tag, { name: 'name', keys: (n) => [n.name] }],
    compare: byId,
  });
  readonly subnets = new Collection<SubnetRow>({
    indexes: [project, tag, { name: 'network', keys: (s) => [s.networkId] }],
    compare: byId,
  });
  readonly ports = new Collection<PortRow>({
    indexes: [
      project,
      tag,
      { name: 'network', keys: (p) => [p.networkId] },
      { name: 'device', keys: (p) => [p.deviceId] },
      { name: 'ip', keys: (p) => p.fixedIps.map((ip) => ip.ipAddress) },
    ],
    compare: byId,
  });
  readonly floatingIps = new Collection<FloatingIpRow>({
    indexes: [
      project,
      tag,
      { name: 'port', keys: (f) => (f.portId === null ? [] : [f.portId]) },
      { name: 'address', keys: (f) => [f.address] },
      { name: 'description', keys: (f) => [f.description] },
    ],
    compare: byId,
  });
  readonly routers = new Collection<RouterRow>({ indexes: [project, tag], compare: byId });
  readonly #securityGroups = new Map<string, string>();

  constructor(world: World) {
    this.world = world;
  }

  /** The id of `projectId`'s default security group (stable per project). */
  defaultSecurityGroup(projectId: string): string {
    let id = this.#securityGroups.get(projectId);
    if (id === undefined) this.#securityGroups.set(projectId, (id = this.world.ids.uuid()));
    return id;
  }

  /** Fresh bookkeeping for a new object of `projectId`. */
  stamp(projectId: string): Stamped {
    const now = this.world.clock.now();
    return {
      id: this.world.ids.uuid(),
      projectId,
      createdAt: now,
      updatedAt: now,
      revision: 0,
      tags: new Set(),
    };
  }

  /** Marks `row` changed now. */
  touch(row: Stamped): void {
    row.updatedAt = this.world.clock.now();
    row.revision++;
  }
}
