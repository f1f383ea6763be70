/**
 * Neutron ports: create with fixed IPs from the network's subnets (requested or allocated),
 * a MAC and the project's default security group; list with the `fixed_ips` filter
 * (`ip_address=` and `subnet_id=` terms on the same address); update of names and device
 * fields; delete, which frees the addresses and unbinds floating IPs. Octavia's VIP ports and
 * the routers' interface ports are made through `insertPort` too.
 */
import { neutronBadRequest, neutronFault, neutronNotFound } from '../errors.js';
import { empty, isObject, json } from '../request.js';
import { optBool, optString, reqString, resourceBody } from './body.js';
import { type NeutronCtx, type NeutronHandler, ownerOf } from './context.js';
import { allocateIp, inSubnet, releaseIp } from './ipam.js';
import { boolText, findVisible, type ListSpec, listResource, showResource } from './list.js';
import { networkSpec } from './networks.js';
import { type FixedIp, type PortRow, portView } from './rows.js';
import type { NeutronState } from './state.js';

function fixedIpsFilter(values: readonly string[]): {
  test: (p: PortRow) => boolean;
  terms: [string, string][];
} {
  const wanted = new Map<string, Set<string>>();
  for (const value of values) {
    const [key = '', ...rest] = value.split('=');
    const set = wanted.get(key) ?? new Set<string>();
    set.add(rest.join('='));
    wanted.set(key, set);
  }
  const field = (ip: FixedIp, key: string): string => (key === 'subnet_id' ? ip.subnetId : ip.ipAddress);
  const ips = [...(wanted.get('ip_address') ?? [])];
  return {
    test: (p) => p.fixedIps.some((ip) => [...wanted].every(([key, set]) => set.has(field(ip, key)))),
    terms: ips.length === 1 && ips[0] !== undefined ? [['ip', ips[0]]] : [],
  };
}

/** How ports are listed (router gateway ports are hidden from non-admins). */
export const portSpec: ListSpec<PortRow> = {
  plural: 'ports',
  table: (s) => s.ports,
  filters: {
    id: (p) => [p.id],
    name: (p) => [p.name],
    description: (p) => [p.description],
    network_id: (p) => [p.networkId],
    device_id: (p) => [p.deviceId],
    device_owner: (p) => [p.deviceOwner],
    mac_address: (p) => [p.macAddress],
    status: (p) => [p.status],
    admin_state_up: (p) => [boolText(p.adminStateUp)],
    security_groups: (p) => p.securityGroups,
  },
  indexed: { network_id: 'network', device_id: 'device' },
  custom: { fixed_ips: fixedIpsFilter },
  visible: (p, caller) => !p.hidden && p.projectId === caller.projectId,
  view: (p) => portView(p),
  notFound: (id) => neutronNotFound('PortNotFound', `Port ${id} could not be found.`),
};

/** What a new port needs. */
export interface PortInput {
  readonly networkId: string;
  readonly projectId: string;
  readonly name?: string;
  readonly description?: string;
  readonly adminStateUp?: boolean;
  /** Absent: one address from the network's first subnet (IPv4 preferred). */
  readonly fixedIps?: readonly { readonly subnetId?: string; readonly ipAddress?: string }[];
  readonly deviceId?: string;
  readonly deviceOwner?: string;
  readonly securityGroups?: readonly string[];
  readonly hidden?: boolean;
}

function subnetFor(state: NeutronState, networkId: string, want: { subnetId?: string; ipAddress?: string }) {
  const subnets = state.subnets.under('network', networkId);
  if (want.subnetId !== undefined) {
    const subnet = subnets.find((s) => s.id === want.subnetId);
    if (subnet === undefined) {
      throw neutronBadRequest(
        `Invalid input for operation: Failed to create port on network ${networkId}, because fixed_ips included invalid subnet ${want.subnetId}.`,
        'InvalidInput',
      );
    }
    return subnet;
  }
  const ip = want.ipAddress ?? '';
  const subnet = subnets.find((s) => inSubnet(s, ip));
  if (subnet === undefined) {
    throw neutronBadRequest(
      `IP address ${ip} is not a valid IP for any of the subnets on the specified network.`,
      'InvalidInput',
    );
  }
  return subnet;
}

function allocateAll(state: NeutronState, input: PortInput): FixedIp[] {
  const subnets = state.subnets.under('network', input.networkId);
  const first = subnets.find((s) => s.cidr.version === 4) ?? subnets[0];
  const wants = input.fixedIps ?? (first === undefined ? [] : [{ subnetId: first.id }]);
  const taken: FixedIp[] = [];
  try {
    for (const want of wants) {
      const subnet = subnetFor(state, input.networkId, want);
      taken.push({ subnetId: subnet.id, ipAddress: allocateIp(subnet, want.ipAddress) });
    }
  } catch (error) {
    releaseAll(state, taken);
    throw error;
  }
  return taken;
}

function releaseAll(state: NeutronState, ips: readonly FixedIp[]): void {
  for (const ip of ips) {
    const subnet = state.subnets.get(ip.subnetId);
    if (subnet !== undefined) releaseIp(subnet, ip.ipAddress);
  }
}

/** Creates a port with its addresses; throws Neutron's faults (nothing is kept on failure). */
export function insertPort(state: NeutronState, input: PortInput): PortRow {
  const fixedIps = allocateAll(state, input);
  return state.ports.insert({
    ...state.stamp(input.projectId),
    revision: 1,
    networkId: input.networkId,
    name: input.name ?? '',
    description: input.description ?? '',
    adminStateUp: input.adminStateUp ?? true,
    status: 'DOWN',
    macAddress: state.world.ids.mac(),
    deviceId: input.deviceId ?? '',
    deviceOwner: input.deviceOwner ?? '',
    fixedIps,
    securityGroups: [...(input.securityGroups ?? [state.defaultSecurityGroup(input.projectId)])],
    hidden: input.hidden ?? false,
  });
}

/** Deletes a port: frees its addresses and unbinds the floating IPs on it. No-op when absent. */
export function deletePortRow(state: NeutronState, id: string): void {
  const port = state.ports.remove(id);
  if (port === undefined) return;
  releaseAll(state, port.fixedIps);
  for (const fipId of [...state.floatingIps.ids('port', id)]) {
    state.floatingIps.update(fipId, (f) => {
      f.portId = null;
      f.fixedIp = null;
      f.routerId = null;
      state.touch(f);
    });
  }
}

const KNOWN = [
  'network_id',
  'name',
  'description',
  'admin_state_up',
  'fixed_ips',
  'device_id',
  'device_owner',
  'security_groups',
  'project_id',
  'tenant_id',
];

function parseFixedIps(raw: unknown): { subnetId?: string; ipAddress?: string }[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw))
    throw neutronBadRequest(
      `Invalid input for fixed_ips. Reason: Invalid data format for fixed IP: '${JSON.stringify(raw)}'.`,
    );
  return raw.map((entry: unknown) => {
    if (!isObject(entry))
      throw neutronBadRequest(
        `Invalid input for fixed_ips. Reason: Invalid data format for fixed IP: '${String(entry)}'.`,
      );
    const subnetId = typeof entry.subnet_id === 'string' ? entry.subnet_id : undefined;
    const ipAddress = typeof entry.ip_address === 'string' ? entry.ip_address : undefined;
    return {
      ...(subnetId === undefined ? {} : { subnetId }),
      ...(ipAddress === undefined ? {} : { ipAddress }),
    };
  });
}

const create: NeutronHandler = (ctx, req) => {
  const body = resourceBody(req, 'port', { known: KNOWN, forbidden: ['tags'], verb: 'POST' });
  const network = findVisible(networkSpec, reqString(body, 'network_id'), ctx);
  const fixedIps = parseFixedIps(body.fixed_ips);
  const groups = Array.isArray(body.security_groups) ? body.security_groups.map(String) : undefined;
  const port = insertPort(ctx.state, {
    networkId: network.id,
    projectId: ownerOf(ctx, body),
    name: optString(body, 'name') ?? '',
    description: optString(body, 'description') ?? '',
    adminStateUp: optBool(body, 'admin_state_up') ?? true,
    deviceId: optString(body, 'device_id') ?? '',
    deviceOwner: optString(body, 'device_owner') ?? '',
    ...(fixedIps === undefined ? {} : { fixedIps }),
    ...(groups === undefined ? {} : { securityGroups: groups }),
  });
  return json(201, { port: portView(port) });
};

function findPort(ctx: NeutronCtx, id: string): PortRow {
  return findVisible(portSpec, id, ctx);
}

const update: NeutronHandler = (ctx, req, { id = '' }) => {
  const port = findPort(ctx, id);
  const body = resourceBody(req, 'port', {
    known: ['name', 'description', 'admin_state_up', 'device_id', 'device_owner'],
    verb: 'PUT',
  });
  ctx.state.ports.update(port.id, (p) => {
    p.name = optString(body, 'name') ?? p.name;
    p.description = optString(body, 'description') ?? p.description;
    p.adminStateUp = optBool(body, 'admin_state_up') ?? p.adminStateUp;
    p.deviceId = optString(body, 'device_id') ?? p.deviceId;
    p.deviceOwner = optString(body, 'device_owner') ?? p.deviceOwner;
    ctx.state.touch(p);
  });
  return json(200, { port: portView(port) });
};

const remove: NeutronHandler = (ctx, _req, { id = '' }) => {
  const port = findPort(ctx, id);
  if (port.deviceOwner === 'network:router_interface' || port.deviceOwner === 'network:router_gateway') {
    throw neutronFault(
      409,
      'L3PortInUse',
      `Port ${port.id} cannot be deleted directly via the port API: has device owner ${port.deviceOwner}.`,
    );
  }
  deletePortRow(ctx.state, port.id);
  return empty(204);
};

/** Route handlers of /v2.0/ports. */
export const portHandlers = {
  list: ((ctx, req) => listResource(portSpec, req, ctx)) satisfies NeutronHandler,
  show: ((ctx, req, { id = '' }) =>
    showResource(portSpec, req, { ...ctx, id, singular: 'port' })) satisfies NeutronHandler,
  create,
  update,
  remove,
};
