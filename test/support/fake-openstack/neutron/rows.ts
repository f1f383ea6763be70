/**
 * Neutron's objects as the fake stores them, and their JSON as Neutron 21 renders it (field
 * sets captured from the test cloud). Tags are kept as a set and rendered sorted, as Neutron
 * does everywhere but in the answer of `PUT …/tags`.
 */
import { neutronTime } from '../time.js';
import type { Cidr } from './ip.js';

/** Bookkeeping every Neutron object has. */
export interface Stamped {
  readonly id: string;
  projectId: string;
  readonly createdAt: number;
  updatedAt: number;
  revision: number;
  tags: Set<string>;
}

export interface NetworkRow extends Stamped {
  name: string;
  description: string;
  adminStateUp: boolean;
  shared: boolean;
  external: boolean;
  mtu: number;
  subnetIds: string[];
}

/** One allocation pool, with its bounds as numbers. */
export interface PoolRange {
  readonly start: string;
  readonly end: string;
  readonly first: bigint;
  readonly last: bigint;
}

export interface SubnetRow extends Stamped {
  readonly networkId: string;
  name: string;
  description: string;
  readonly cidr: Cidr;
  readonly cidrText: string;
  readonly gatewayIp: string | null;
  readonly pools: readonly PoolRange[];
  enableDhcp: boolean;
  /** Allocated addresses (numeric values as decimal strings). */
  readonly allocated: Set<string>;
  /** Where the next free-address search starts. */
  cursor: bigint;
}

export interface FixedIp {
  readonly subnetId: string;
  readonly ipAddress: string;
}

export interface PortRow extends Stamped {
  readonly networkId: string;
  name: string;
  description: string;
  adminStateUp: boolean;
  status: string;
  readonly macAddress: string;
  deviceId: string;
  deviceOwner: string;
  fixedIps: FixedIp[];
  securityGroups: string[];
  /** Hidden from non-admin callers (router gateway ports). */
  readonly hidden: boolean;
}

export interface FloatingIpRow extends Stamped {
  readonly networkId: string;
  readonly subnetId: string;
  readonly address: string;
  portId: string | null;
  fixedIp: string | null;
  routerId: string | null;
  status: string;
  description: string;
}

export interface GatewayInfo {
  readonly networkId: string;
  readonly fixedIps: readonly FixedIp[];
  readonly portId: string;
}

export interface RouterRow extends Stamped {
  name: string;
  description: string;
  adminStateUp: boolean;
  gateway: GatewayInfo | null;
  /** Interface port ids. */
  interfacePortIds: string[];
}

function stamps(row: Stamped): Record<string, unknown> {
  return {
    tags: [...row.tags].sort(),
    created_at: neutronTime(row.createdAt),
    updated_at: neutronTime(row.updatedAt),
    revision_number: row.revision,
    project_id: row.projectId,
  };
}

/** A network's JSON. */
export function networkView(n: NetworkRow): Record<string, unknown> {
  return {
    id: n.id,
    name: n.name,
    tenant_id: n.projectId,
    admin_state_up: n.adminStateUp,
    mtu: n.mtu,
    status: 'ACTIVE',
    subnets: [...n.subnetIds],
    shared: n.shared,
    availability_zone_hints: [],
    availability_zones: [],
    ipv4_address_scope: null,
    ipv6_address_scope: null,
    'router:external': n.external,
    description: n.description,
    port_security_enabled: true,
    is_default: false,
    ...stamps(n),
  };
}

/** A subnet's JSON. */
export function subnetView(s: SubnetRow): Record<string, unknown> {
  return {
    id: s.id,
    name: s.name,
    tenant_id: s.projectId,
    network_id: s.networkId,
    ip_version: s.cidr.version,
    subnetpool_id: null,
    enable_dhcp: s.enableDhcp,
    ipv6_ra_mode: null,
    ipv6_address_mode: null,
    gateway_ip: s.gatewayIp,
    cidr: s.cidrText,
    allocation_pools: s.pools.map((p) => ({ start: p.start, end: p.end })),
    host_routes: [],
    dns_nameservers: [],
    description: s.description,
    service_types: [],
    ...stamps(s),
  };
}

/** A port's JSON. */
export function portView(p: PortRow): Record<string, unknown> {
  return {
    id: p.id,
    name: p.name,
    network_id: p.networkId,
    tenant_id: p.projectId,
    mac_address: p.macAddress,
    admin_state_up: p.adminStateUp,
    status: p.status,
    device_id: p.deviceId,
    device_owner: p.deviceOwner,
    fixed_ips: p.fixedIps.map((ip) => ({ subnet_id: ip.subnetId, ip_address: ip.ipAddress })),
    allowed_address_pairs: [],
    extra_dhcp_opts: [],
    security_groups: [...p.securityGroups],
    description: p.description,
    'binding:vnic_type': 'normal',
    port_security_enabled: p.securityGroups.length > 0,
    ...stamps(p),
  };
}

/** The `port_details` of a floating IP bound to `port`. */
function portDetails(port: PortRow | undefined): Record<string, unknown> | null {
  if (port === undefined) return null;
  return {
    name: port.name,
    network_id: port.networkId,
    mac_address: port.macAddress,
    admin_state_up: port.adminStateUp,
    status: port.status,
    device_id: port.deviceId,
    device_owner: port.deviceOwner,
  };
}

/** A floating IP's JSON (`port` is the bound port, for `port_details`). */
export function floatingIpView(f: FloatingIpRow, port: PortRow | undefined): Record<string, unknown> {
  return {
    id: f.id,
    tenant_id: f.projectId,
    floating_ip_address: f.address,
    floating_network_id: f.networkId,
    router_id: f.routerId,
    port_id: f.portId,
    fixed_ip_address: f.fixedIp,
    status: f.status,
    description: f.description,
    port_details: f.portId === null ? null : portDetails(port),
    ...stamps(f),
  };
}

/** A router's JSON. */
export function routerView(r: RouterRow): Record<string, unknown> {
  const gw = r.gateway;
  return {
    id: r.id,
    name: r.name,
    tenant_id: r.projectId,
    admin_state_up: r.adminStateUp,
    status: 'ACTIVE',
    external_gateway_info:
      gw === null
        ? null
        : {
            network_id: gw.networkId,
            external_fixed_ips: gw.fixedIps.map((ip) => ({
              subnet_id: ip.subnetId,
              ip_address: ip.ipAddress,
            })),
            enable_snat: true,
          },
    description: r.description,
    availability_zones: [],
    availability_zone_hints: [],
    routes: [],
    flavor_id: null,
    ...stamps(r),
  };
}
