/**
 * The floor: what the cloud itself allows, measured with a minimal direct client on our own
 * request modules. Per tree: one fully-populated `POST /loadbalancers`, the Pool floating IP
 * bound to the VIP port from the POST answer (the POST + tags PUT the controller sends too),
 * then `GET /loadbalancers/{id}/status` every `pollMs` until every node is ACTIVE. The delete
 * phase releases the floating IP, sends one cascade DELETE (again after a 409) and polls the
 * status tree until 404. `concurrency` trees are in flight at a time (1 = sequential).
 * Times are counted from the start of the phase, as the controller's are from the moment
 * its Services were created (all at once), plus, per tree, from its own POST.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError, NetworkError, NotFoundError, ServerError } from '../../src/openstack/errors.js';
import * as floatingips from '../../src/openstack/neutron/floatingips.js';
import * as loadbalancers from '../../src/openstack/octavia/loadbalancers.js';
import type { StatusTree } from '../../src/openstack/octavia/statuses.js';
import type { OpenStackSession } from '../../src/openstack/session.js';
import type { FloorTree } from './floor-trees.js';

/** Per tree: ms after the phase started (and after its own first write) when a milestone was seen. */
export interface FloorMilestones {
  lbActive?: number;
  treeActive?: number;
  /** LoadBalancer kind: tree ACTIVE and the floating IP bound (the controller's ingress). */
  ingress?: number;
  /** Tree ACTIVE, from this tree's own POST (its latency without queueing behind others). */
  ownTreeActive?: number;
  /** Delete phase: the status tree answered 404. */
  deleted?: number;
  /** Delete phase: from this tree's own first delete call. */
  ownDeleted?: number;
}

/** How the floor runs. */
export interface FloorOptions {
  readonly concurrency: number;
  readonly pollMs: number;
  /** Per tree, for each phase. */
  readonly timeoutMs: number;
}

/** A created tree, as the delete phase needs it. */
interface Created {
  readonly tree: FloorTree;
  readonly id: string;
  readonly floatingIpId: string | null;
}

function allActive(t: StatusTree): boolean {
  return (
    t.provisioningStatus === 'ACTIVE' &&
    t.listeners.every(
      (l) =>
        l.provisioningStatus === 'ACTIVE' &&
        l.pools.every(
          (p) =>
            p.provisioningStatus === 'ACTIVE' && p.members.every((m) => m.provisioningStatus === 'ACTIVE'),
        ),
    )
  );
}

/** Runs `task` over `items`, `limit` at a time, in order. */
async function pooled<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const runner = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) {
      const item = items[i];
      if (item !== undefined) await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, runner));
}

interface Clock0 {
  readonly phaseStart: number;
  readonly options: FloorOptions;
}

/**
 * The POST, and on an answer lost to a timeout or a 5xx (an overloaded API still creates the
 * tree), the load balancer found again by name, else POSTed again: what any client must do.
 */
async function postTree(session: OpenStackSession, tree: FloorTree, deadline: number) {
  for (;;) {
    try {
      return await loadbalancers.create(session, tree.body);
    } catch (err) {
      if (!(err instanceof NetworkError || err instanceof ServerError) || Date.now() > deadline) throw err;
      const [found] = await loadbalancers.listAll(session, { name: tree.body.loadbalancer.name });
      if (found !== undefined) return found;
    }
  }
}

async function createOne(
  session: OpenStackSession,
  tree: FloorTree,
  at: Clock0 & { readonly m: FloorMilestones },
): Promise<Created> {
  const posted = Date.now();
  const deadline = posted + at.options.timeoutMs;
  const lb = await postTree(session, tree, deadline);
  let fipId: string | null = null;
  if (tree.floatingIp !== null) {
    const fip = await floatingips.createTagged(session, { ...tree.floatingIp, portId: lb.vipPortId ?? '' });
    fipId = fip.id;
  }
  for (;;) {
    const status = await loadbalancers.statusTree(session, lb.id);
    const now = Date.now();
    if (status.provisioningStatus === 'ACTIVE') at.m.lbActive ??= now - at.phaseStart;
    if (status.provisioningStatus === 'ERROR') throw new Error(`floor: ${tree.name} (${lb.id}) went ERROR`);
    if (allActive(status)) {
      at.m.treeActive = now - at.phaseStart;
      at.m.ownTreeActive = now - posted;
      if (fipId !== null) at.m.ingress = now - at.phaseStart;
      return { tree, id: lb.id, floatingIpId: fipId };
    }
    if (now > deadline)
      throw new Error(`floor: ${tree.name} (${lb.id}) not ACTIVE after ${at.options.timeoutMs} ms`);
    await sleep(at.options.pollMs);
  }
}

async function deleteOne(
  session: OpenStackSession,
  c: Created,
  at: Clock0 & { readonly m: FloorMilestones },
): Promise<void> {
  const started = Date.now();
  const deadline = started + at.options.timeoutMs;
  if (c.floatingIpId !== null) await floatingips.delete(session, c.floatingIpId);
  for (;;) {
    try {
      await loadbalancers.delete(session, c.id, { cascade: true });
      break;
    } catch (err) {
      if (err instanceof NotFoundError) break;
      if (!(err instanceof ConflictError) || Date.now() > deadline) throw err;
      await sleep(at.options.pollMs);
    }
  }
  for (;;) {
    try {
      const status = await loadbalancers.statusTree(session, c.id);
      if (status.provisioningStatus === 'ERROR') throw new Error(`floor: ${c.tree.name} went ERROR deleting`);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      at.m.deleted = Date.now() - at.phaseStart;
      at.m.ownDeleted = Date.now() - started;
      return;
    }
    if (Date.now() > deadline)
      throw new Error(`floor: ${c.tree.name} (${c.id}) not gone after ${at.options.timeoutMs} ms`);
    await sleep(at.options.pollMs);
  }
}

/** What one floor run measured. */
export interface FloorRun {
  readonly milestones: ReadonlyMap<string, FloorMilestones>;
  /** Until the last tree was ACTIVE. */
  readonly createMs: number;
  /** Until the last tree answered 404. */
  readonly deleteMs: number;
}

/**
 * Creates every tree (`options.concurrency` in flight), waits for each to be ACTIVE, then
 * deletes them all the same way. `between` runs after the create phase (e.g. to snapshot the
 * request counters). Throws on ERROR or a timeout; the caller removes what is left by tags.
 */
export async function runFloor(
  session: OpenStackSession,
  trees: readonly FloorTree[],
  options: FloorOptions & { readonly between?: () => Promise<void> },
): Promise<FloorRun> {
  const milestones = new Map<string, FloorMilestones>(trees.map((t) => [t.name, {}]));
  const created: Created[] = [];
  const createStart = Date.now();
  await pooled(trees, options.concurrency, async (tree) => {
    const m = milestones.get(tree.name) ?? {};
    created.push(await createOne(session, tree, { phaseStart: createStart, options, m }));
  });
  const createMs = Date.now() - createStart;
  await options.between?.();
  const deleteStart = Date.now();
  const order = new Map(trees.map((t, i) => [t.name, i]));
  created.sort((a, b) => (order.get(a.tree.name) ?? 0) - (order.get(b.tree.name) ?? 0));
  await pooled(created, options.concurrency, async (c) => {
    const m = milestones.get(c.tree.name) ?? {};
    await deleteOne(session, c, { phaseStart: deleteStart, options, m });
  });
  return { milestones, createMs, deleteMs: Date.now() - deleteStart };
}

/**
 * Deletes every load balancer and floating IP tagged `ks-cluster=<clusterId>` (the floor's
 * own), again and again until none is listed or `timeoutMs` passed; one still PENDING_CREATE
 * answers 409 until Octavia is done with it. Returns how many load balancers were left.
 */
export async function releaseFloor(
  session: OpenStackSession,
  clusterId: string,
  timeoutMs: number,
): Promise<number> {
  const tags = [`ks-cluster=${clusterId}`];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const f of await floatingips.listAll(session, { tags }))
      await ignoreGone(floatingips.delete(session, f.id));
    const left = await loadbalancers.listAll(session, { tags });
    if (left.length === 0 || Date.now() > deadline) return left.length;
    for (const lb of left) {
      if (lb.provisioningStatus === 'PENDING_DELETE') continue;
      await loadbalancers.delete(session, lb.id, { cascade: true }).catch((err: unknown) => {
        if (!(err instanceof ConflictError || err instanceof NotFoundError)) throw err;
      });
    }
    await sleep(5000);
  }
}

async function ignoreGone(call: Promise<void>): Promise<void> {
  try {
    await call;
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
}
