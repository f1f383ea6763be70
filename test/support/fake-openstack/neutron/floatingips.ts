/**
 * Neutron floating IPs: allocate on an external network (optionally a subnet of it) with or
 * without a port, bind/unbind by PUT, change the description, release. Binding checks what
 * Neutron checks: the port exists and has an IPv4 address, no other floating IP of that
 * network holds the address (409 FloatingIPPortAlreadyAssociated), and a router joins the
 * port's subnet to the network (404 ExternalGatewayForFloatingIPNotFound). Without the
 * tag-creation extension `tags` in a POST is a 400; a non-admin may not pick the address (403).
 */
import { neutronBadRequest, neutronFault, neutronNotFound } from '../errors.js';
import { empty, json } from '../request.js';
import { optNullableString, optString, reqString, resourceBody } from './body.js';
import { type NeutronCtx, type NeutronHandler, ownerOf } from './context.js';
import { parseAddress } from './ip.js';
import { allocateIp, releaseIp } from './ipam.js';
import { findVisible, type ListSpec, listResource, pickFields } from './list.js';
import { networkSpec } from './networks.js';
import { portSpec } from './ports.js';
import { routerBetween } from './routers.js';
import { type FloatingIpRow, floatingIpView, type PortRow, type SubnetRow } from './rows.js';
import type { NeutronState } from './state.js';

function view(f: FloatingIpRow, state: NeutronState): Record<string, unknown> {
  return floatingIpView(f, f.portId === null ? undefined : state.ports.get(f.portId));
}

/** How floating IPs are listed. */
export const floatingIpSpec: ListSpec<FloatingIpRow> = {
  plural: 'floatingips',
  table: (s) => s.floatingIps,
  filters: {
    id: (f) => [f.id],
    floating_ip_address: (f) => [f.address],
    floating_network_id: (f) => [f.networkId],
    port_id: (f) => (f.portId === null ? [] : [f.portId]),
    fixed_ip_address: (f) => (f.fixedIp === null ? [] : [f.fixedIp]),
    router_id: (f) => (f.routerId === null ? [] : [f.routerId]),
    status: (f) => [f.status],
    description: (f) => [f.description],
  },
  indexed: { port_id: 'port', floating_ip_address: 'address', description: 'description' },
  view,
  notFound: (id) => neutronNotFound('FloatingIPNotFound', `Floating IP ${id} could not be found`),
};

const POST_KEYS = [
  'floating_network_id',
  'subnet_id',
  'port_id',
  'fixed_ip_address',
  'floating_ip_address',
  'description',
  'project_id',
  'tenant_id',
];

interface Binding {
  readonly portId: string;
  readonly fixedIp: string;
  readonly routerId: string;
}

function fixedIpOf(port: PortRow, requested: string | undefined): { subnetId: string; ipAddress: string } {
  const v4 = port.fixedIps.filter((ip) => parseAddress(ip.ipAddress)?.version === 4);
  const chosen = requested === undefined ? v4[0] : v4.find((ip) => ip.ipAddress === requested);
  if (chosen === undefined) {
    const why =
      requested === undefined ? 'does not have any IPv4 address' : `does not have fixed ip ${requested}`;
    throw neutronBadRequest(`Bad floatingip request: Port ${port.id} ${why}.`, 'BadRequest');
  }
  return chosen;
}

/** Checks a binding of `fip` (id/address known, maybe not stored yet) to `portId`. Throws Neutron's faults. */
function bindingFor(
  ctx: NeutronCtx,
  fip: { readonly id: string; readonly address: string; readonly networkId: string },
  want: { readonly portId: string; readonly fixedIp?: string | undefined },
): Binding {
  const port = findVisible(portSpec, want.portId, ctx);
  const fixed = fixedIpOf(port, want.fixedIp);
  for (const otherId of ctx.state.floatingIps.ids('port', port.id)) {
    const other = ctx.state.floatingIps.get(otherId);
    if (other === undefined || other.id === fip.id || other.fixedIp !== fixed.ipAddress) continue;
    if (other.networkId !== fip.networkId) continue;
    throw neutronFault(
      409,
      'FloatingIPPortAlreadyAssociated',
      `Cannot associate floating IP ${fip.address} (${fip.id}) with port ${port.id} using fixed IP ${fixed.ipAddress}, as that fixed IP already has a floating IP on external network ${fip.networkId}.`,
    );
  }
  const router = routerBetween(ctx.state, fip.networkId, fixed.subnetId);
  if (router === undefined) {
    throw neutronNotFound(
      'ExternalGatewayForFloatingIPNotFound',
      `External network ${fip.networkId} is not reachable from subnet ${fixed.subnetId}.  Therefore, cannot associate Port ${port.id} with a Floating IP.`,
    );
  }
  return { portId: port.id, fixedIp: fixed.ipAddress, routerId: router.id };
}

function externalSubnet(ctx: NeutronCtx, networkId: string, subnetId: string | undefined): SubnetRow[] {
  const network = findVisible(networkSpec, networkId, ctx);
  if (!network.external) {
    throw neutronBadRequest(
      `Bad floatingip request: Network ${networkId} is not a valid external network.`,
      'BadRequest',
    );
  }
  const subnets = ctx.state.subnets.under('network', network.id);
  if (subnetId === undefined) return subnets.filter((s) => s.cidr.version === 4);
  const subnet = subnets.find((s) => s.id === subnetId);
  if (subnet === undefined) {
    throw neutronBadRequest(
      `Bad floatingip request: Subnet ${subnetId} does not belong to network ${networkId}.`,
      'BadRequest',
    );
  }
  return [subnet];
}

function allocateOn(
  subnets: readonly SubnetRow[],
  requested: string | undefined,
): { subnet: SubnetRow; address: string } {
  let last: Error = neutronFault(
    409,
    'IpAddressGenerationFailure',
    'No more IP addresses available on network.',
  );
  for (const subnet of subnets) {
    try {
      return { subnet, address: allocateIp(subnet, requested) };
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      last = error;
    }
  }
  throw last;
}

const create: NeutronHandler = (ctx, req) => {
  const body = resourceBody(req, 'floatingip', { known: POST_KEYS, forbidden: ['tags'], verb: 'POST' });
  const requested = optString(body, 'floating_ip_address');
  if (requested !== undefined && !ctx.caller.admin) {
    throw neutronFault(
      403,
      'PolicyNotAuthorized',
      '(rule:create_floatingip and rule:create_floatingip:floating_ip_address) is disallowed by policy',
    );
  }
  const networkId = reqString(body, 'floating_network_id');
  const { subnet, address } = allocateOn(
    externalSubnet(ctx, networkId, optString(body, 'subnet_id')),
    requested,
  );
  const stamp = ctx.state.stamp(ownerOf(ctx, body));
  const portId = optString(body, 'port_id');
  let binding: Binding | null = null;
  try {
    if (portId !== undefined) {
      binding = bindingFor(
        ctx,
        { id: stamp.id, address, networkId },
        { portId, fixedIp: optString(body, 'fixed_ip_address') },
      );
    }
  } catch (error) {
    releaseIp(subnet, address);
    throw error;
  }
  const row = ctx.state.floatingIps.insert({
    ...stamp,
    networkId,
    subnetId: subnet.id,
    address,
    portId: binding?.portId ?? null,
    fixedIp: binding?.fixedIp ?? null,
    routerId: binding?.routerId ?? null,
    status: 'DOWN',
    description: optString(body, 'description') ?? '',
  });
  return json(201, { floatingip: view(row, ctx.state) });
};

const update: NeutronHandler = (ctx, req, { id = '' }) => {
  const fip = findVisible(floatingIpSpec, id, ctx);
  const body = resourceBody(req, 'floatingip', {
    known: ['port_id', 'fixed_ip_address', 'description'],
    verb: 'PUT',
  });
  const portId = optNullableString(body, 'port_id');
  const binding =
    portId === undefined || portId === null
      ? portId
      : bindingFor(ctx, fip, { portId, fixedIp: optString(body, 'fixed_ip_address') });
  ctx.state.floatingIps.update(fip.id, (f) => {
    if (binding !== undefined) {
      f.portId = binding?.portId ?? null;
      f.fixedIp = binding?.fixedIp ?? null;
      f.routerId = binding?.routerId ?? null;
    }
    f.description = optString(body, 'description') ?? f.description;
    ctx.state.touch(f);
  });
  return json(200, { floatingip: view(fip, ctx.state) });
};

const remove: NeutronHandler = (ctx, _req, { id = '' }) => {
  const fip = findVisible(floatingIpSpec, id, ctx);
  const subnet = ctx.state.subnets.get(fip.subnetId);
  if (subnet !== undefined) releaseIp(subnet, fip.address);
  ctx.state.floatingIps.remove(fip.id);
  return empty(204);
};

const show: NeutronHandler = (ctx, req, { id = '' }) => {
  const fip = findVisible(floatingIpSpec, id, ctx);
  return json(200, { floatingip: pickFields(view(fip, ctx.state), req.query.all('fields')) });
};

/** Route handlers of /v2.0/floatingips. */
export const floatingIpHandlers = {
  list: ((ctx, req) => listResource(floatingIpSpec, req, ctx)) satisfies NeutronHandler,
  show,
  create,
  update,
  remove,
};
