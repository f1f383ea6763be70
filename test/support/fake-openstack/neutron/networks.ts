/**
 * Neutron networks: create (admins may make them external or shared), list/show (a project
 * sees its own, external and shared ones), update of name/description, delete (409
 * NetworkInUse while ports remain; its subnets go with it).
 */
import { FakeApiError, neutronFault, neutronNotFound } from '../errors.js';
import { empty, json } from '../request.js';
import { optBool, optString, resourceBody } from './body.js';
import { type NeutronCtx, type NeutronHandler, ownerOf } from './context.js';
import { boolText, findVisible, type ListSpec, listResource, showResource } from './list.js';
import { type NetworkRow, networkView } from './rows.js';
import type { NeutronState } from './state.js';

/** How networks are listed. */
export const networkSpec: ListSpec<NetworkRow> = {
  plural: 'networks',
  table: (s) => s.networks,
  filters: {
    id: (n) => [n.id],
    name: (n) => [n.name],
    description: (n) => [n.description],
    status: () => ['ACTIVE'],
    admin_state_up: (n) => [boolText(n.adminStateUp)],
    shared: (n) => [boolText(n.shared)],
    'router:external': (n) => [boolText(n.external)],
    mtu: (n) => [String(n.mtu)],
  },
  indexed: { name: 'name' },
  visible: (n, caller) => n.projectId === caller.projectId || n.external || n.shared,
  view: (n) => networkView(n),
  notFound: (id) => neutronNotFound('NetworkNotFound', `Network ${id} could not be found.`),
};

const KNOWN = [
  'name',
  'description',
  'admin_state_up',
  'shared',
  'router:external',
  'mtu',
  'project_id',
  'tenant_id',
  'port_security_enabled',
  'availability_zone_hints',
];

/** Inserts a network (no validation: seeding and the POST handler share it). */
export function insertNetwork(
  state: NeutronState,
  fields: { projectId: string; name: string; external?: boolean; shared?: boolean; mtu?: number },
): NetworkRow {
  return state.networks.insert({
    ...state.stamp(fields.projectId),
    name: fields.name,
    description: '',
    adminStateUp: true,
    shared: fields.shared ?? false,
    external: fields.external ?? false,
    mtu: fields.mtu ?? 1450,
    subnetIds: [],
  });
}

const create: NeutronHandler = (ctx, req) => {
  const body = resourceBody(req, 'network', { known: KNOWN, forbidden: ['tags'], verb: 'POST' });
  const external = optBool(body, 'router:external') ?? false;
  if ((external || optBool(body, 'shared') === true) && !ctx.caller.admin) {
    throw neutronFault(
      403,
      'PolicyNotAuthorized',
      '(rule:create_network and rule:create_network:router:external) is disallowed by policy',
    );
  }
  const row = insertNetwork(ctx.state, {
    projectId: ownerOf(ctx, body),
    name: optString(body, 'name') ?? '',
    external,
    shared: optBool(body, 'shared') ?? false,
  });
  row.description = optString(body, 'description') ?? '';
  return json(201, { network: networkView(row) });
};

const update: NeutronHandler = (ctx, req, { id = '' }) => {
  const row = findOwned(ctx, id);
  const body = resourceBody(req, 'network', {
    known: ['name', 'description', 'admin_state_up', 'mtu'],
    verb: 'PUT',
  });
  ctx.state.networks.update(row.id, (n) => {
    n.name = optString(body, 'name') ?? n.name;
    n.description = optString(body, 'description') ?? n.description;
    n.adminStateUp = optBool(body, 'admin_state_up') ?? n.adminStateUp;
    ctx.state.touch(n);
  });
  return json(200, { network: networkView(row) });
};

/** A network the caller owns (or any, for an admin); others' visible networks are read-only (404 on write, as Neutron's policy hides them). */
function findOwned(ctx: NeutronCtx, id: string): NetworkRow {
  const row = findVisible(networkSpec, id, ctx);
  if (!ctx.caller.admin && row.projectId !== ctx.caller.projectId) throw networkSpec.notFound(id);
  return row;
}

const remove: NeutronHandler = (ctx, _req, { id = '' }) => {
  const row = findOwned(ctx, id);
  const inUse = [...ctx.state.ports.ids('network', row.id)];
  if (inUse.length > 0) {
    throw new FakeApiError(409, {
      NeutronError: {
        type: 'NetworkInUse',
        message: `Unable to complete operation on network ${row.id}. There are one or more ports still in use on the network, id for these ports is: ${inUse.join(',')}.`,
        detail: '',
      },
    });
  }
  for (const subnetId of row.subnetIds) ctx.state.subnets.remove(subnetId);
  ctx.state.networks.remove(row.id);
  return empty(204);
};

/** Route handlers of /v2.0/networks. */
export const networkHandlers = {
  list: ((ctx, req) => listResource(networkSpec, req, ctx)) satisfies NeutronHandler,
  show: ((ctx, req, { id = '' }) =>
    showResource(networkSpec, req, { ...ctx, id, singular: 'network' })) satisfies NeutronHandler,
  create,
  update,
  remove,
};
