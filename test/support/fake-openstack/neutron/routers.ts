/**
 * Neutron routers, as far as floating IPs depend on them: a gateway on an external network
 * (a hidden gateway port holds its external address) and interfaces on subnets (a port at
 * the subnet's gateway address). A floating IP can be bound to a port only when a router
 * joins the port's subnet to the floating IP's network. List/show/create/delete and
 * add/remove_router_interface.
 */
import { neutronBadRequest, neutronFault, neutronNotFound } from '../errors.js';
import { empty, isObject, json } from '../request.js';
import { optBool, optString, reqString, resourceBody } from './body.js';
import { type NeutronCtx, type NeutronHandler, ownerOf } from './context.js';
import { findVisible, type ListSpec, listResource, showResource } from './list.js';
import { networkSpec } from './networks.js';
import { deletePortRow, insertPort } from './ports.js';
import { type RouterRow, routerView } from './rows.js';
import type { NeutronState } from './state.js';
import { subnetSpec } from './subnets.js';

/** How routers are listed. */
export const routerSpec: ListSpec<RouterRow> = {
  plural: 'routers',
  table: (s) => s.routers,
  filters: {
    id: (r) => [r.id],
    name: (r) => [r.name],
    description: (r) => [r.description],
    status: () => ['ACTIVE'],
  },
  view: (r) => routerView(r),
  notFound: (id) => neutronNotFound('RouterNotFound', `Router ${id} could not be found.`),
};

/** Creates a router, with a gateway on `gatewayNetworkId` when given. Throws Neutron's faults. */
export function insertRouter(
  state: NeutronState,
  input: { readonly projectId: string; readonly name: string; readonly gatewayNetworkId?: string },
): RouterRow {
  const row = state.routers.insert({
    ...state.stamp(input.projectId),
    name: input.name,
    description: '',
    adminStateUp: true,
    gateway: null,
    interfacePortIds: [],
  });
  if (input.gatewayNetworkId !== undefined) {
    const port = insertPort(state, {
      networkId: input.gatewayNetworkId,
      projectId: '',
      deviceId: row.id,
      deviceOwner: 'network:router_gateway',
      securityGroups: [],
      hidden: true,
    });
    state.routers.update(row.id, (r) => {
      r.gateway = { networkId: input.gatewayNetworkId ?? '', fixedIps: port.fixedIps, portId: port.id };
    });
  }
  return row;
}

/** Adds an interface on `subnetId` at its gateway address; returns the port id. Throws Neutron's faults. */
export function attachSubnet(state: NeutronState, routerId: string, subnetId: string): string {
  const subnet = state.subnets.get(subnetId);
  const router = state.routers.get(routerId);
  if (subnet === undefined || router === undefined)
    throw neutronNotFound('SubnetNotFound', `Subnet ${subnetId} could not be found.`);
  if (subnet.gatewayIp === null) {
    throw neutronBadRequest(
      `Bad router request: Subnet ${subnetId} does not have a gateway IP.`,
      'BadRequest',
    );
  }
  const port = insertPort(state, {
    networkId: subnet.networkId,
    projectId: router.projectId,
    fixedIps: [{ subnetId, ipAddress: subnet.gatewayIp }],
    deviceId: router.id,
    deviceOwner: 'network:router_interface',
    securityGroups: [],
  });
  state.routers.update(router.id, (r) => {
    r.interfacePortIds.push(port.id);
    state.touch(r);
  });
  return port.id;
}

/** The router joining `subnetId` to external network `networkId`, or undefined. */
export function routerBetween(
  state: NeutronState,
  networkId: string,
  subnetId: string,
): RouterRow | undefined {
  for (const router of state.routers.select({})) {
    if (router.gateway?.networkId !== networkId) continue;
    const joined = router.interfacePortIds.some((id) =>
      state.ports.get(id)?.fixedIps.some((ip) => ip.subnetId === subnetId),
    );
    if (joined) return router;
  }
  return undefined;
}

const create: NeutronHandler = (ctx, req) => {
  const body = resourceBody(req, 'router', {
    known: ['name', 'description', 'admin_state_up', 'external_gateway_info', 'project_id', 'tenant_id'],
    forbidden: ['tags'],
    verb: 'POST',
  });
  const gw = body.external_gateway_info;
  const gatewayNetworkId = isObject(gw) ? reqString(gw, 'network_id') : undefined;
  if (gatewayNetworkId !== undefined && !findVisible(networkSpec, gatewayNetworkId, ctx).external) {
    throw neutronBadRequest(
      `Bad router request: Network ${gatewayNetworkId} is not an external network.`,
      'BadRequest',
    );
  }
  const row = insertRouter(ctx.state, {
    projectId: ownerOf(ctx, body),
    name: optString(body, 'name') ?? '',
    ...(gatewayNetworkId === undefined ? {} : { gatewayNetworkId }),
  });
  ctx.state.routers.update(row.id, (r) => {
    r.description = optString(body, 'description') ?? '';
    r.adminStateUp = optBool(body, 'admin_state_up') ?? true;
  });
  return json(201, { router: routerView(row) });
};

function interfaceAnswer(router: RouterRow, port: { id: string; networkId: string }, subnetId: string) {
  return json(200, {
    id: router.id,
    tenant_id: router.projectId,
    port_id: port.id,
    network_id: port.networkId,
    subnet_id: subnetId,
    subnet_ids: [subnetId],
    project_id: router.projectId,
  });
}

function interfaceBody(ctx: NeutronCtx, req: Parameters<NeutronHandler>[1]): string {
  const body = isObject(req.body) ? req.body : {};
  const subnetId = typeof body.subnet_id === 'string' ? body.subnet_id : undefined;
  if (subnetId === undefined)
    throw neutronBadRequest(
      'Bad router request: Either subnet_id or port_id must be specified.',
      'BadRequest',
    );
  findVisible(subnetSpec, subnetId, ctx);
  return subnetId;
}

const addInterface: NeutronHandler = (ctx, req, { id = '' }) => {
  const router = findVisible(routerSpec, id, ctx);
  const subnetId = interfaceBody(ctx, req);
  const portId = attachSubnet(ctx.state, router.id, subnetId);
  const port = ctx.state.ports.get(portId);
  return interfaceAnswer(router, { id: portId, networkId: port?.networkId ?? '' }, subnetId);
};

const removeInterface: NeutronHandler = (ctx, req, { id = '' }) => {
  const router = findVisible(routerSpec, id, ctx);
  const subnetId = interfaceBody(ctx, req);
  const port = router.interfacePortIds
    .map((pid) => ctx.state.ports.get(pid))
    .find((p) => p?.fixedIps.some((ip) => ip.subnetId === subnetId));
  if (port === undefined) {
    throw neutronNotFound(
      'RouterInterfaceNotFoundForSubnet',
      `Router ${router.id} has no interface on subnet ${subnetId}`,
    );
  }
  ctx.state.routers.update(router.id, (r) => {
    r.interfacePortIds = r.interfacePortIds.filter((pid) => pid !== port.id);
    ctx.state.touch(r);
  });
  deletePortRow(ctx.state, port.id);
  return interfaceAnswer(router, port, subnetId);
};

const remove: NeutronHandler = (ctx, _req, { id = '' }) => {
  const router = findVisible(routerSpec, id, ctx);
  if (router.interfacePortIds.length > 0) {
    throw neutronFault(409, 'RouterInUse', `Router ${router.id} still has ports`);
  }
  if (router.gateway !== null) deletePortRow(ctx.state, router.gateway.portId);
  ctx.state.routers.remove(router.id);
  return empty(204);
};

/** Route handlers of /v2.0/routers. */
export const routerHandlers = {
  list: ((ctx, req) => listResource(routerSpec, req, ctx)) satisfies NeutronHandler,
  show: ((ctx, req, { id = '' }) =>
    showResource(routerSpec, req, { ...ctx, id, singular: 'router' })) satisfies NeutronHandler,
  create,
  remove,
  addInterface,
  removeInterface,
};
