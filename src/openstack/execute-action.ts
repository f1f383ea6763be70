/**
 * One core Action → one OpenStack call (createFloatingIp: the POST plus the tags PUT this
 * Neutron needs, see src/openstack/neutron/floatingips.ts). No ordering or busy logic here:
 * that is src/openstack/execute.ts.
 */
import { type Action, isOctaviaWrite, type PortRef } from '../core/plan/actions.js';
import { NotFoundError } from './errors.js';
import type { ObservedFloatingIp, ObservedLoadBalancer } from '../core/model.js';
import { createLoadBalancer } from './create-answer.js';
import * as floatingips from './neutron/floatingips.js';
import * as ports from './neutron/ports.js';
import * as tags from './neutron/tags.js';
import * as healthmonitors from './octavia/healthmonitors.js';
import * as listeners from './octavia/listeners.js';
import * as loadbalancers from './octavia/loadbalancers.js';
import * as members from './octavia/members.js';
import * as pools from './octavia/pools.js';
import type { OpenStackSession } from './session.js';

/** The load balancer a createLoadBalancer action made: its id and VIP port (from the POST response). */
export interface CreatedLoadBalancer {
  readonly id: string;
  readonly vipPortId: string | null;
  /** The whole tree the POST answered (PENDING_CREATE), or null when the answer did not hold it whole. */
  readonly tree: ObservedLoadBalancer | null;
}

/** What one action answered that a later pass may use instead of reading it again. */
export interface ActionAnswer {
  readonly createdLoadBalancer?: CreatedLoadBalancer;
  /** createFloatingIp: the floating IP as created and tagged (its revision left out: the tags PUT bumped it). */
  readonly createdFloatingIp?: ObservedFloatingIp;
}

/** What one action needs besides itself. */
export interface ActionContext {
  readonly session: OpenStackSession;
  /** The load balancer created earlier in this run, for PortRef `createdLoadBalancer`. */
  readonly created: CreatedLoadBalancer | null;
  readonly signal?: AbortSignal | undefined;
}

/** The port id a PortRef names now, or null when it names a VIP port not known yet. Pure. */
export function resolvePort(port: PortRef, created: CreatedLoadBalancer | null): string | null {
  return port.kind === 'port' ? port.portId : (created?.vipPortId ?? null);
}

/** The Octavia load balancer an action writes to (`new:<name>` for a create); null for Neutron actions. Pure. */
export function octaviaTarget(action: Action): string | null {
  switch (action.kind) {
    case 'createLoadBalancer':
      return `new:${action.loadBalancer.name}`;
    case 'setVipSecurityGroups':
    case 'createFloatingIp':
    case 'associateFloatingIp':
    case 'disassociateFloatingIp':
    case 'deleteFloatingIp':
    case 'tagFloatingIp':
    case 'disownFloatingIp':
      return null;
    default:
      return action.loadBalancerId;
  }
}

/** A delete whose object is already gone has reached its goal. */
async function deleting(call: Promise<void>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
}

/** The Neutron floating IP actions. */
export type FloatingIpAction = Extract<Action, { kind: `${string}FloatingIp` }>;
/** Every Neutron action: the floating IP ones and the VIP port's security groups. */
export type NeutronAction = FloatingIpAction | Extract<Action, { kind: 'setVipSecurityGroups' }>;
type OctaviaAction = Exclude<Action, { kind: 'createLoadBalancer' } | NeutronAction>;

/** True for the Neutron actions (everything else writes to Octavia). Pure. */
export function isNeutronAction(action: Action): action is NeutronAction {
  return !isOctaviaWrite(action);
}

/** True for the Neutron floating IP actions. Pure. */
export function isFloatingIpAction(action: Action): action is FloatingIpAction {
  return isNeutronAction(action) && action.kind !== 'setVipSecurityGroups';
}

async function runOctavia(action: OctaviaAction, ctx: ActionContext): Promise<void> {
  const { session, signal } = ctx;
  switch (action.kind) {
    case 'deleteLoadBalancer':
      return deleting(
        loadbalancers.delete(session, action.loadBalancerId, {
          cascade: true,
          ...(signal ? { signal } : {}),
        }),
      );
    case 'tagLoadBalancer':
      await loadbalancers.update(session, action.loadBalancerId, { tags: action.tags }, signal);
      return;
    case 'createListener':
      await listeners.create(
        session,
        listeners.buildCreateBody(action.loadBalancerId, action.listener),
        signal,
      );
      return;
    case 'updateListener':
      await listeners.update(session, action.listenerId, action.changes, signal);
      return;
    case 'deleteListener':
      return deleting(listeners.delete(session, action.listenerId, signal));
    case 'createPool':
      await pools.create(session, pools.buildCreateBody(action.listenerId, action.pool), signal);
      return;
    case 'updatePool':
      await pools.update(session, action.poolId, action.changes, signal);
      return;
    case 'deletePool':
      return deleting(pools.delete(session, action.poolId, signal));
    case 'replaceMembers':
      return members.replaceAll(session, action.poolId, action.members, signal);
    default:
      return runHealthMonitor(action, ctx);
  }
}

type HealthMonitorAction = Extract<OctaviaAction, { kind: `${string}HealthMonitor` }>;

async function runHealthMonitor(action: HealthMonitorAction, ctx: ActionContext): Promise<void> {
  const { session, signal } = ctx;
  switch (action.kind) {
    case 'createHealthMonitor':
      await healthmonitors.create(session, healthmonitors.specFor(action.poolId, action.monitor), signal);
      return;
    case 'updateHealthMonitor':
      await healthmonitors.update(session, action.healthMonitorId, action.changes, signal);
      return;
    case 'deleteHealthMonitor':
      return deleting(healthmonitors.delete(session, action.healthMonitorId, signal));
  }
}

async function createFloatingIp(
  action: Extract<FloatingIpAction, { kind: 'createFloatingIp' }>,
  ctx: ActionContext,
  portId: string | null,
): Promise<ObservedFloatingIp> {
  const spec = { networkId: action.networkId, description: action.description, tags: action.tags };
  const withSubnet = action.subnetId === undefined ? spec : { ...spec, subnetId: action.subnetId };
  const fip = await floatingips.createTagged(
    ctx.session,
    portId === null ? withSubnet : { ...withSubnet, portId },
    ctx.signal,
  );
  const { id, address, networkId, tags: held, description } = fip;
  return { id, address, networkId, portId: fip.portId, tags: held, description };
}

async function runNeutron(
  action: Exclude<FloatingIpAction, { kind: 'createFloatingIp' }>,
  ctx: ActionContext,
  portId: string | null,
): Promise<void> {
  const { session, signal } = ctx;
  switch (action.kind) {
    case 'associateFloatingIp':
      if (portId !== null) await floatingips.associate(session, action.floatingIpId, portId, signal);
      return;
    case 'disassociateFloatingIp':
      await floatingips.disassociate(session, action.floatingIpId, signal);
      return;
    case 'deleteFloatingIp':
      return deleting(floatingips.delete(session, action.floatingIpId, signal));
    case 'tagFloatingIp':
      await tags.replace(session, { resource: 'floatingips', id: action.floatingIpId }, action.tags, signal);
      return;
    case 'disownFloatingIp':
      // Marker first: a crash in between leaves it tagged, so the next pass disowns it again
      // (tags first would leave an untagged FIP whose marker still claims it).
      await floatingips.update(session, action.floatingIpId, { description: '' }, signal);
      await tags.replace(session, { resource: 'floatingips', id: action.floatingIpId }, action.tags, signal);
      return;
  }
}

/** The PortRef of a floating IP action, if it has one. Pure. */
export function portOf(action: Action): PortRef | null {
  return action.kind === 'createFloatingIp' || action.kind === 'associateFloatingIp' ? action.port : null;
}

/**
 * Runs one action. Resolves with what a create answered (the load balancer and its tree, the
 * floating IP), else with nothing. A delete of something already gone counts as done; every
 * other error propagates typed. The caller checks `resolvePort` first: a floating IP action
 * whose port is unknown is not run.
 */
export async function runAction(action: Action, ctx: ActionContext): Promise<ActionAnswer> {
  if (action.kind === 'createLoadBalancer') {
    const answer = await createLoadBalancer(
      ctx.session,
      loadbalancers.buildCreateBody(action.loadBalancer),
      ctx.signal,
    );
    const { id, vipPortId } = answer.record;
    return { createdLoadBalancer: { id, vipPortId, tree: answer.tree } };
  }
  if (action.kind === 'createFloatingIp') {
    const port = resolvePort(action.port, ctx.created);
    return { createdFloatingIp: await createFloatingIp(action, ctx, port) };
  }
  if (action.kind === 'setVipSecurityGroups') {
    const changes = { securityGroupIds: action.securityGroupIds };
    await ports.update(ctx.session, action.portId, changes, ctx.signal);
    return {};
  }
  if (isFloatingIpAction(action)) {
    const ref = portOf(action);
    await runNeutron(action, ctx, ref === null ? null : resolvePort(ref, ctx.created));
    return {};
  }
  await runOctavia(action, ctx);
  return {};
}
