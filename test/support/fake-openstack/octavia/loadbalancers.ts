/**
 * Octavia load balancers: create (bare or fully populated; its VIP port appears in Neutron at
 * once, the load balancer and children start PENDING_CREATE), update of name, description
 * and tags, delete (400 with children unless `cascade`; PENDING_DELETE until the operation
 * completes, then 404), list/show with Octavia's filters, and the status tree.
 */
import { octaviaFault, octaviaValidation } from '../errors.js';
import { empty, json } from '../request.js';
import { envelope, F, get, type Shape } from './body.js';
import { findLoadBalancer, newRow, type OctaviaCtx, type OctaviaHandler } from './context.js';
import { insertGraph, planGraph } from './graph.js';
import { lockLoadBalancer, schedule } from './lifecycle.js';
import { boolColumn, listOctavia, type OctaviaListSpec, pickFields } from './list.js';
import { type LoadBalancerRow, sortedTags } from './rows.js';
import { statusTree } from './status.js';
import { allocateVip, planVip } from './vip.js';
import { fullListenerView, fullPoolView, loadBalancerView, omit } from './views.js';

const ARG = 'load_balancer.loadbalancer';

const POST_SHAPE: Shape = {
  name: F.str(),
  description: F.str(),
  admin_state_up: F.bool,
  vip_address: F.ip,
  vip_port_id: F.uuid,
  vip_subnet_id: F.uuid,
  vip_network_id: F.uuid,
  vip_qos_policy_id: F.any,
  additional_vips: F.any,
  project_id: F.str(36),
  listeners: F.any,
  pools: F.any,
  provider: F.str(64),
  tags: F.tags,
  flavor_id: F.any,
  availability_zone: F.any,
};

const PUT_SHAPE: Shape = {
  name: F.str(),
  description: F.str(),
  admin_state_up: F.bool,
  vip_qos_policy_id: F.any,
  tags: F.tags,
};

/** How load balancers are listed. */
export const loadBalancerSpec: OctaviaListSpec<LoadBalancerRow> = {
  plural: 'loadbalancers',
  table: (s) => s.loadBalancers,
  filters: {
    id: (lb) => lb.id,
    name: (lb) => lb.name,
    description: (lb) => lb.description,
    provisioning_status: (lb) => lb.provisioningStatus,
    operating_status: (lb) => lb.operatingStatus,
    admin_state_up: (lb) => boolColumn(lb.adminStateUp),
    vip_address: (lb) => lb.vipAddress,
    vip_port_id: (lb) => lb.vipPortId,
    vip_subnet_id: (lb) => lb.vipSubnetId,
    vip_network_id: (lb) => lb.vipNetworkId,
    provider: (lb) => lb.provider,
    flavor_id: () => null,
    availability_zone: () => null,
  },
  indexed: { name: 'name', vip_address: 'vip_address', vip_port_id: 'vip_port_id' },
  view: (lb) => loadBalancerView(lb),
};

function providerOf(ctx: OctaviaCtx, body: Record<string, unknown>): string {
  const provider = get.str(body, 'provider') ?? 'amphora';
  if (!ctx.state.world.config.providers.includes(provider)) {
    throw octaviaFault(400, `Provider '${provider}' is not enabled.`);
  }
  return provider;
}

function fullView(ctx: OctaviaCtx, lb: LoadBalancerRow): Record<string, unknown> {
  const { state } = ctx;
  const listeners = lb.listenerIds.flatMap((id) => {
    const l = state.listeners.get(id);
    return l === undefined ? [] : [fullListenerView(l)];
  });
  const pools = lb.poolIds.flatMap((id) => {
    const p = state.pools.get(id);
    if (p === undefined) return [];
    return [
      fullPoolView(
        p,
        p.memberIds.flatMap((m) => state.members.get(m) ?? []),
      ),
    ];
  });
  return { listeners, pools, ...omit(loadBalancerView(lb), ['listeners', 'pools']) };
}

const create: OctaviaHandler = (ctx, req) => {
  const body = envelope(req, 'loadbalancer', POST_SHAPE, ARG);
  const projectId = ctx.caller.admin
    ? (get.str(body, 'project_id') ?? ctx.caller.projectId)
    : ctx.caller.projectId;
  const vip = planVip(ctx, body);
  const provider = providerOf(ctx, body);
  const base = newRow(ctx, {
    projectId,
    name: get.str(body, 'name'),
    description: get.str(body, 'description'),
  });
  const draft: LoadBalancerRow = {
    ...base,
    adminStateUp: get.bool(body, 'admin_state_up') ?? true,
    tags: sortedTags(get.strings(body, 'tags') ?? []),
    vipAddress: vip.address ?? '',
    vipPortId: '',
    vipSubnetId: vip.subnetId,
    vipNetworkId: vip.networkId,
    provider,
    listenerIds: [],
    poolIds: [],
    amphoraPortIds: [],
  };
  const graph = planGraph(ctx, draft, body);
  const port = allocateVip(ctx, vip, { id: draft.id, projectId, provider });
  const lb = ctx.state.loadBalancers.insert({
    ...draft,
    vipPortId: port.id,
    vipAddress: port.fixedIps.find((ip) => ip.subnetId === vip.subnetId)?.ipAddress ?? draft.vipAddress,
  });
  const touched = insertGraph(ctx, lb, graph);
  schedule(ctx.state, { lbId: lb.id, kind: 'create', touched });
  return json(201, { loadbalancer: fullView(ctx, lb) });
};

const update: OctaviaHandler = (ctx, req, { id = '' }) => {
  const lb = findLoadBalancer(ctx, id);
  const body = envelope(req, 'loadbalancer', PUT_SHAPE, ARG);
  lockLoadBalancer(ctx.state, lb, 'PENDING_UPDATE');
  ctx.state.loadBalancers.update(lb.id, (row) => {
    row.name = get.isNull(body, 'name') ? '' : (get.str(body, 'name') ?? row.name);
    row.description = get.isNull(body, 'description')
      ? ''
      : (get.str(body, 'description') ?? row.description);
    row.adminStateUp = get.bool(body, 'admin_state_up') ?? row.adminStateUp;
    const tags = get.strings(body, 'tags');
    if (tags !== undefined || get.isNull(body, 'tags')) row.tags = sortedTags(tags ?? []);
  });
  schedule(ctx.state, { lbId: lb.id, kind: 'update', touched: [] });
  return json(200, { loadbalancer: loadBalancerView(lb) });
};

const TRUE = new Set(['true', '1', 'yes', 'on', 'y', 't']);

const remove: OctaviaHandler = (ctx, req, { id = '' }) => {
  const lb = findLoadBalancer(ctx, id);
  const cascade = TRUE.has((req.query.get('cascade') ?? 'false').toLowerCase());
  if ((lb.listenerIds.length > 0 || lb.poolIds.length > 0) && !cascade) {
    throw octaviaValidation(`Cannot delete Load Balancer ${lb.id} - it has children`);
  }
  lockLoadBalancer(ctx.state, lb, 'PENDING_DELETE');
  schedule(ctx.state, { lbId: lb.id, kind: 'delete', touched: [] });
  return empty(204);
};

/** Route handlers of /v2/lbaas/loadbalancers. */
export const loadBalancerHandlers = {
  list: ((ctx, req) => listOctavia(loadBalancerSpec, req, ctx)) satisfies OctaviaHandler,
  show: ((ctx, req, { id = '' }) =>
    json(200, {
      loadbalancer: pickFields(loadBalancerView(findLoadBalancer(ctx, id)), req.query.all('fields')),
    })) satisfies OctaviaHandler,
  status: ((ctx, _req, { id = '' }) =>
    json(200, statusTree(ctx.state, findLoadBalancer(ctx, id)))) satisfies OctaviaHandler,
  create,
  update,
  remove,
};
