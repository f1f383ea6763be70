/**
 * Neutron subnets: create with Neutron's defaults (gateway = first host, allocation pools =
 * the rest of the hosts, DHCP on) and its checks (a valid CIDR of the stated IP version, no
 * overlap within the network, pools inside the CIDR), list/show (visible with their
 * network), delete (409 SubnetInUse while ports hold addresses).
 */
import { neutronBadRequest, neutronFault, neutronNotFound } from '../errors.js';
import { empty, isObject, json } from '../request.js';
import { optBool, optNullableString, optString, reqString, resourceBody } from './body.js';
import type { NeutronCtx, NeutronHandler } from './context.js';
import { ownerOf } from './context.js';
import { type Cidr, formatAddress, formatCidr, inCidr, overlaps, parseAddress, parseCidr } from './ip.js';
import { boolText, canSee, findVisible, type ListSpec, listResource, showResource } from './list.js';
import { networkSpec } from './networks.js';
import { type PoolRange, type SubnetRow, subnetView } from './rows.js';
import type { NeutronState } from './state.js';

/** How subnets are listed: a project sees its own and those of networks it can see. */
export const subnetSpec: ListSpec<SubnetRow> = {
  plural: 'subnets',
  table: (s) => s.subnets,
  filters: {
    id: (s) => [s.id],
    name: (s) => [s.name],
    description: (s) => [s.description],
    network_id: (s) => [s.networkId],
    cidr: (s) => [s.cidrText],
    ip_version: (s) => [String(s.cidr.version)],
    gateway_ip: (s) => (s.gatewayIp === null ? [] : [s.gatewayIp]),
    enable_dhcp: (s) => [boolText(s.enableDhcp)],
  },
  indexed: { network_id: 'network' },
  visible: (s, caller, state) => {
    const network = state.networks.get(s.networkId);
    return (
      s.projectId === caller.projectId ||
      (network !== undefined && canSee(networkSpec, network, caller, state))
    );
  },
  view: (s) => subnetView(s),
  notFound: (id) => neutronNotFound('SubnetNotFound', `Subnet ${id} could not be found.`),
};

const KNOWN = [
  'network_id',
  'name',
  'description',
  'cidr',
  'ip_version',
  'gateway_ip',
  'allocation_pools',
  'enable_dhcp',
  'dns_nameservers',
  'host_routes',
  'project_id',
  'tenant_id',
  'subnetpool_id',
  'ipv6_ra_mode',
  'ipv6_address_mode',
  'service_types',
];

function range(version: 4 | 6, first: bigint, last: bigint): PoolRange {
  return { start: formatAddress(version, first), end: formatAddress(version, last), first, last };
}

/** Neutron's default pools: every host address but the gateway. */
function defaultPools(cidr: Cidr, gateway: bigint | null): PoolRange[] {
  const first = cidr.first + 1n;
  const last = cidr.version === 4 ? cidr.last - 1n : cidr.last;
  if (gateway === null || gateway < first || gateway > last) return [range(cidr.version, first, last)];
  const out: PoolRange[] = [];
  if (gateway > first) out.push(range(cidr.version, first, gateway - 1n));
  if (gateway < last) out.push(range(cidr.version, gateway + 1n, last));
  return out;
}

function parsePools(cidr: Cidr, cidrText: string, raw: unknown): PoolRange[] {
  if (!Array.isArray(raw))
    throw neutronBadRequest(`Invalid input for allocation_pools. Reason: '${String(raw)}' is not a list.`);
  return raw.map((entry: unknown) => {
    const start = isObject(entry) && typeof entry.start === 'string' ? parseAddress(entry.start) : null;
    const end = isObject(entry) && typeof entry.end === 'string' ? parseAddress(entry.end) : null;
    if (start === null || end === null || start.value > end.value) {
      throw neutronBadRequest(
        `Invalid input for allocation_pools. Reason: ${JSON.stringify(entry)} is not a valid pool.`,
      );
    }
    if (!inCidr(cidr, start.version, start.value) || !inCidr(cidr, end.version, end.value)) {
      throw neutronFault(
        400,
        'OutOfBoundsAllocationPool',
        `The allocation pool ${formatAddress(start.version, start.value)}-${formatAddress(end.version, end.value)} spans beyond the subnet cidr ${cidrText}.`,
      );
    }
    return range(cidr.version, start.value, end.value);
  });
}

function parseGateway(cidr: Cidr, body: Record<string, unknown>): bigint | null {
  const gateway = optNullableString(body, 'gateway_ip');
  if (gateway === null) return null;
  if (gateway === undefined) return cidr.first + 1n;
  const parsed = parseAddress(gateway);
  if (parsed === null || !inCidr(cidr, parsed.version, parsed.value)) {
    throw neutronBadRequest(
      `Invalid input for operation: Gateway IP ${gateway} is not in subnet ${formatCidr(cidr)}.`,
      'InvalidInput',
    );
  }
  return parsed.value;
}

/** The subnet fields a create needs, after Neutron's checks. */
export interface SubnetInput {
  readonly networkId: string;
  readonly projectId: string;
  readonly name: string;
  readonly cidr: string;
  readonly ipVersion: 4 | 6;
  readonly body?: Record<string, unknown>;
}

function checkedCidr(state: NeutronState, input: SubnetInput): Cidr {
  const cidr = parseCidr(input.cidr);
  if (cidr?.version !== input.ipVersion) {
    throw neutronBadRequest(
      `Invalid input for operation: '${input.cidr}' is not a valid IP subnet.`,
      'InvalidInput',
    );
  }
  for (const other of state.subnets.under('network', input.networkId)) {
    if (overlaps(other.cidr, cidr)) {
      throw neutronBadRequest(
        `Invalid input for operation: Requested subnet with cidr: ${formatCidr(cidr)} for network: ${input.networkId} overlaps with another subnet.`,
        'InvalidInput',
      );
    }
  }
  return cidr;
}

/** Inserts a subnet on its network (seeding and POST share it). Throws Neutron's 400s. */
export function insertSubnet(state: NeutronState, input: SubnetInput): SubnetRow {
  const body = input.body ?? {};
  const cidr = checkedCidr(state, input);
  const gateway = parseGateway(cidr, body);
  const cidrText = formatCidr(cidr);
  const pools =
    body.allocation_pools === undefined
      ? defaultPools(cidr, gateway)
      : parsePools(cidr, cidrText, body.allocation_pools);
  const row = state.subnets.insert({
    ...state.stamp(input.projectId),
    networkId: input.networkId,
    name: input.name,
    description: optString(body, 'description') ?? '',
    cidr,
    cidrText,
    gatewayIp: gateway === null ? null : formatAddress(cidr.version, gateway),
    pools,
    enableDhcp: optBool(body, 'enable_dhcp') ?? true,
    allocated: new Set(),
    cursor: pools[0]?.first ?? cidr.first,
  });
  state.networks.update(input.networkId, (n) => {
    n.subnetIds.push(row.id);
    state.touch(n);
  });
  return row;
}

const create: NeutronHandler = (ctx, req) => {
  const body = resourceBody(req, 'subnet', { known: KNOWN, forbidden: ['tags'], verb: 'POST' });
  const network = findVisible(networkSpec, reqString(body, 'network_id'), ctx);
  const version = body.ip_version;
  if (version !== 4 && version !== 6) {
    throw neutronBadRequest(`Invalid input for ip_version. Reason: '${String(version)}' is not in [4, 6].`);
  }
  const row = insertSubnet(ctx.state, {
    networkId: network.id,
    projectId: ownerOf(ctx, body),
    name: optString(body, 'name') ?? '',
    cidr: reqString(body, 'cidr'),
    ipVersion: version,
    body,
  });
  return json(201, { subnet: subnetView(row) });
};

function findOwned(ctx: NeutronCtx, id: string): SubnetRow {
  const row = findVisible(subnetSpec, id, ctx);
  if (!ctx.caller.admin && row.projectId !== ctx.caller.projectId) throw subnetSpec.notFound(id);
  return row;
}

const remove: NeutronHandler = (ctx, _req, { id = '' }) => {
  const row = findOwned(ctx, id);
  const inUse = ctx.state.ports
    .under('network', row.networkId)
    .some((p) => p.fixedIps.some((ip) => ip.subnetId === row.id));
  if (inUse) {
    throw neutronFault(
      409,
      'SubnetInUse',
      `Unable to complete operation on subnet ${row.id}: One or more ports have an IP allocation from this subnet.`,
    );
  }
  ctx.state.subnets.remove(row.id);
  ctx.state.networks.update(row.networkId, (n) => {
    n.subnetIds = n.subnetIds.filter((s) => s !== row.id);
    ctx.state.touch(n);
  });
  return empty(204);
};

/** Route handlers of /v2.0/subnets. */
export const subnetHandlers = {
  list: ((ctx, req) => listResource(subnetSpec, req, ctx)) satisfies NeutronHandler,
  show: ((ctx, req, { id = '' }) =>
    showResource(subnetSpec, req, { ...ctx, id, singular: 'subnet' })) satisfies NeutronHandler,
  create,
  remove,
};
