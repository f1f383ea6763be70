/**
 * Scenario: one load balancer's life. A fully-populated create with a floating IP on its VIP
 * port in the same run; a write while it is PENDING_CREATE (409, deferred); ACTIVE with
 * every child; the observed model; a batch member replacement (kept, added, removed
 * members); a listener added step by step and removed (one Octavia write per run); a cascade
 * delete (409 for a second delete meanwhile), after which the tree answers 404, the VIP port
 * is gone and the floating IP is unbound.
 */
import type { Action } from '../../../src/core/plan/actions.js';
import * as ports from '../../../src/openstack/neutron/ports.js';
import * as floatingips from '../../../src/openstack/neutron/floatingips.js';
import * as listeners from '../../../src/openstack/octavia/listeners.js';
import * as loadbalancers from '../../../src/openstack/octavia/loadbalancers.js';
import * as members from '../../../src/openstack/octavia/members.js';
import * as pools from '../../../src/openstack/octavia/pools.js';
import { observeService } from '../../../src/openstack/observe.js';
import { failure } from '../names.js';
import { executed, pages, raw, run, type ScenarioContext, settled } from './common.js';
import {
  batch,
  desiredLoadBalancer,
  listener,
  member,
  observedOf,
  owner,
  ownerOf,
  treeOf,
} from './lb-fixtures.js';
import { gone } from './common.js';

async function memberStates(ctx: ScenarioContext, poolId: string): Promise<string[]> {
  const list = await members.listAll(ctx.target.session, poolId);
  return list.map((m) => `${ctx.names.text(m.id)} ${m.address} ${m.provisioningStatus}`).sort();
}

async function create(ctx: ScenarioContext, own: ReturnType<typeof owner>, out: Record<string, unknown>) {
  const { session, info } = ctx.target;
  const desired = desiredLoadBalancer(ctx, own);
  const result = await run(ctx, [
    { kind: 'createLoadBalancer', loadBalancer: desired },
    {
      kind: 'createFloatingIp',
      networkId: info.public_net_id,
      port: { kind: 'createdLoadBalancer' },
      tags: own.tags,
      description: own.description,
    },
  ]);
  out.create = executed(result);
  const lbId = ctx.names.name(result.createdLoadBalancer?.id, 'lb');
  ctx.names.name(result.createdLoadBalancer?.vipPortId, 'vip-port');
  out.pendingTree = treeOf(await loadbalancers.statusTree(session, lbId));
  const lbPools = await pools.listAll(session, { loadBalancerId: lbId });
  for (const p of lbPools) ctx.names.name(p.id, `pool:${p.name}`);
  for (const l of await listeners.listAll(session, { loadBalancerId: lbId }))
    ctx.names.name(l.id, `listener:${l.name}`);
  const tcpPool = lbPools.find((p) => p.protocol === 'TCP')?.id ?? '';
  for (const m of await members.listAll(session, tcpPool)) ctx.names.name(m.id, `member:${m.address}`);
  const fip = (await floatingips.listAll(session, { tags: [ctx.tag] }))[0];
  ctx.names.name(fip?.id, 'fip');
  ctx.names.name(fip?.address, 'fip-address');
  const busy: Action = { kind: 'replaceMembers', loadBalancerId: lbId, poolId: tcpPool, members: [] };
  out.writeWhilePending = executed(await run(ctx, [busy]));
  return { lbId, tcpPool, desired };
}

/** Octavia's reverse paging: the rows before the marker, ascending, the first `limit` of them. */
async function listenerPaging(ctx: ScenarioContext, lbId: string): Promise<unknown> {
  const { session } = ctx.target;
  const walk = await pages((marker) =>
    listeners.list(session, { loadBalancerId: lbId, limit: 1, ...(marker === undefined ? {} : { marker }) }),
  );
  const query = { loadbalancer_id: lbId, limit: 1, marker: walk.ids[2] ?? '', page_reverse: 'True' };
  const reverse = await raw(
    session,
    { service: 'load-balancer', path: '/v2/lbaas/listeners', query },
    'listeners',
  );
  return {
    sizes: walk.sizes,
    next: walk.next,
    reverseFromThird: reverse.map((r) =>
      r.id === walk.ids[0] ? 'first' : r.id === walk.ids[1] ? 'second' : 'other',
    ),
  };
}

async function addAndRemoveListener(ctx: ScenarioContext, lbId: string, tags: readonly string[]) {
  const { session } = ctx.target;
  const extra = listener({ protocol: 'TCP', port: 8443, members: [member(ctx, 21, tags)] }, tags);
  const out: Record<string, unknown> = {};
  out.createListener = executed(
    await run(ctx, [{ kind: 'createListener', loadBalancerId: lbId, listener: extra }]),
  );
  await settled(ctx, lbId);
  const created = (await listeners.listAll(session, { loadBalancerId: lbId, protocolPort: 8443 }))[0];
  const listenerId = ctx.names.name(created?.id, 'listener:8443');
  out.createPool = executed(
    await run(ctx, [{ kind: 'createPool', loadBalancerId: lbId, listenerId, pool: extra.pool }]),
  );
  await settled(ctx, lbId);
  const poolId = ctx.names.name((await listeners.get(session, listenerId)).defaultPoolId, 'pool:8443');
  out.fillPool = executed(
    await run(ctx, [
      { kind: 'replaceMembers', loadBalancerId: lbId, poolId, members: batch(extra.pool.members) },
    ]),
  );
  await settled(ctx, lbId);
  out.added = ctx.names.norm({
    listener: await listeners.get(session, listenerId),
    members: (await members.listAll(session, poolId)).length,
  });
  out.listenerPaging = await listenerPaging(ctx, lbId);
  out.removeBoth = executed(
    await run(ctx, [
      { kind: 'deleteListener', loadBalancerId: lbId, listenerId },
      { kind: 'deletePool', loadBalancerId: lbId, poolId },
    ]),
  );
  await settled(ctx, lbId);
  const orphan = await pools.get(session, poolId);
  out.poolWithoutListener = {
    listener: orphan.listenerId,
    status: orphan.provisioningStatus,
    members: orphan.memberIds.length,
  };
  out.removePool = executed(await run(ctx, [{ kind: 'deletePool', loadBalancerId: lbId, poolId }]));
  await settled(ctx, lbId);
  out.left = {
    listeners: ctx.names.set((await listeners.listAll(session, { loadBalancerId: lbId })).map((l) => l.id)),
    pools: ctx.names.set((await pools.listAll(session, { loadBalancerId: lbId })).map((p) => p.id)),
    pool8443: await failure(pools.get(session, poolId)),
  };
  return out;
}

async function cascade(ctx: ScenarioContext, lbId: string, poolId: string) {
  const { session } = ctx.target;
  const vipPort = (await loadbalancers.get(session, lbId)).vipPortId ?? '';
  const out: Record<string, unknown> = {};
  out.run = executed(
    await run(ctx, [{ kind: 'deleteLoadBalancer', loadBalancerId: lbId, reason: 'contract' }]),
  );
  out.whileDeleting = (await loadbalancers.get(session, lbId)).provisioningStatus;
  out.secondDelete = await failure(loadbalancers.delete(session, lbId, { cascade: true }));
  await gone(ctx, lbId);
  out.after = {
    get: await failure(loadbalancers.get(session, lbId)),
    status: await failure(loadbalancers.statusTree(session, lbId)),
    pool: await failure(pools.get(session, poolId)),
    listeners: (await listeners.listAll(session, { loadBalancerId: lbId })).length,
    vipPort: await failure(ports.get(session, vipPort)),
    floatingIp: ctx.names.norm(
      (await floatingips.listAll(session, { tags: [ctx.tag] })).map((f) => ({
        id: f.id,
        portId: f.portId,
        fixed: f.fixedIpAddress,
        router: f.routerId,
      })),
    ),
  };
  return out;
}

/** Runs the scenario; resolves with its normalized trace. */
export async function lbLifecycle(ctx: ScenarioContext): Promise<Record<string, unknown>> {
  const { session } = ctx.target;
  const own = owner(ctx, 'web');
  const out: Record<string, unknown> = {};
  const { lbId, tcpPool, desired } = await create(ctx, own, out);
  out.settled = (await settled(ctx, lbId)).provisioningStatus;
  out.activeTree = treeOf(await loadbalancers.statusTree(session, lbId));
  const observe = () =>
    observeService({
      session,
      owner: ownerOf(ctx),
      projectId: ctx.target.info.project_id,
      service: own.service,
      loadBalancerName: desired.name,
    });
  out.observed = observedOf(ctx, await observe());
  const versionBefore = (await loadbalancers.get(session, lbId)).version;
  // updated_at has one-second resolution: a write in the same second may leave it equal.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const replacement = batch([member(ctx, 11, own.tags), member(ctx, 13, own.tags)]);
  out.batch = executed(
    await run(ctx, [{ kind: 'replaceMembers', loadBalancerId: lbId, poolId: tcpPool, members: replacement }]),
  );
  const fresh = (await members.listAll(session, tcpPool)).find((m) => m.address === '10.1.80.13');
  ctx.names.name(fresh?.id, 'member:10.1.80.13');
  out.batchPending = await memberStates(ctx, tcpPool);
  const versionAfter = (await settled(ctx, lbId)).version;
  // The settled licences rest on this (src/core/plan/settled.ts): a member write rewrites the LB's updated_at.
  out.memberWriteChangesVersion = versionBefore !== undefined && versionAfter !== versionBefore;
  out.batchSettled = await memberStates(ctx, tcpPool);
  out.listener = await addAndRemoveListener(ctx, lbId, own.tags);
  out.cascade = await cascade(ctx, lbId, tcpPool);
  return out;
}
