/**
 * Reads everything OpenStack holds for one Service, as the core's `Observed`, in as few
 * calls as the APIs allow (independent calls run concurrently):
 *   LBs by ownership tags (+ LBs by name unless `byName: false`: objects not provably ours,
 *   which only previews show; the planner acts on tags alone), then per LB (unless
 *   `children: false`, for a release that deletes with cascade): listeners (`?loadbalancer_id=`), pools (`?loadbalancer_id=`),
 *   members of each non-empty pool; and floating IPs by ownership tags, then those on each VIP
 *   port the tag list did not show one on (`portsCoveredBy`) + untagged ones by exact description
 *   marker, one query per incarnation the Service's uid or its load balancers' `ks-uid=` tags
 *   name (see `markerUids`); and the user's floating IP by address. No list
 *   of the project's floating IPs, whatever the uid.
 * The status tree is not used here: it lacks tags, CIDRs, timeouts and member subnets, so the
 * per-resource lists are needed anyway (after a clean create, the create's answer supplies
 * them and the status tree stands in for this: src/core/plan/basis.ts). Only reads; throws the session's typed errors, or
 * UnexpectedResponseError for a status/protocol the model does not know.
 */
import type { Observed, ObservedFloatingIp, ObservedLoadBalancer, ServiceRef } from '../core/model.js';
import { loadBalancerDescription, markedService } from '../core/naming.js';
import {
  clusterTag,
  isOwnedForService,
  OWNER_TAG,
  ownershipTags,
  serviceTag,
  uidFromTags,
  type Owner,
} from '../core/ownership.js';
import { NotFoundError } from './errors.js';
import * as floatingips from './neutron/floatingips.js';
import type { FloatingIpRecord } from './neutron/floatingips.js';
import * as loadbalancers from './octavia/loadbalancers.js';
import type { LoadBalancerRecord } from './octavia/loadbalancers.js';
import { observeTree, toObservedLoadBalancer } from './observe-tree.js';
import type { OpenStackSession } from './session.js';

/** What to observe. */
export interface ObserveServiceInput {
  readonly session: OpenStackSession;
  readonly owner: Owner;
  /** Every list is scoped to this project (the configured one, or the token's). */
  readonly projectId: string;
  readonly service: ServiceRef;
  /** The deterministic load balancer name (src/core/naming.ts `loadBalancerName`). */
  readonly loadBalancerName: string;
  /** `spec.loadBalancerIP` when it names a user's floating IP; looked up by address. */
  readonly userFloatingIpAddress?: string;
  readonly hints?: {
    /** A load balancer id recorded earlier: fetched only if the lists missed it, kept if in the project. */
    readonly loadBalancerId?: string;
  };
  /** Read each load balancer's VIP port security groups too (observe-tree.ts; one GET each). */
  readonly vipSecurityGroups?: boolean;
  /** Also list load balancers by name, catching ones not provably ours (default true). */
  readonly byName?: boolean;
  /** Read each load balancer's listeners, pools and members (default true); else heads only. */
  readonly children?: boolean;
  readonly signal?: AbortSignal;
}

/**
 * The tags every object of this Service carries whatever its incarnation and writer (uid and
 * writer excluded: objects of another writer must be seen too, to be reported as collisions).
 */
export function serviceTags(owner: Owner, service: ServiceRef): string[] {
  return [OWNER_TAG, clusterTag(owner.clusterId), serviceTag(service)];
}

function uniqueById<T extends { readonly id: string }>(items: readonly T[]): T[] {
  return [...new Map(items.map((item) => [item.id, item])).values()].sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
}

async function hintedLoadBalancer(
  input: ObserveServiceInput,
  found: readonly LoadBalancerRecord[],
): Promise<LoadBalancerRecord[]> {
  const id = input.hints?.loadBalancerId;
  if (id === undefined || found.some((lb) => lb.id === id)) return [];
  try {
    const lb = await loadbalancers.get(input.session, id, input.signal);
    // Returned whoever owns it (the plan acts on our tags alone): a record naming a load balancer
    // that is not provably this Service's is reported by adoption (src/core/plan/adoption.ts).
    const inProject = lb.projectId === input.projectId;
    return inProject && lb.provisioningStatus !== 'DELETED' ? [lb] : [];
  } catch (error) {
    if (error instanceof NotFoundError) return [];
    throw error;
  }
}

async function findLoadBalancers(input: ObserveServiceInput): Promise<LoadBalancerRecord[]> {
  const { session, signal } = input;
  const [byTags, byName] = await Promise.all([
    loadbalancers.listAll(
      session,
      { tags: serviceTags(input.owner, input.service), projectId: input.projectId },
      signal,
    ),
    input.byName === false
      ? []
      : loadbalancers.listAll(session, { name: input.loadBalancerName, projectId: input.projectId }, signal),
  ]);
  const found = [...byTags, ...byName];
  return uniqueById([...found, ...(await hintedLoadBalancer(input, found))]);
}

/**
 * A floating IP created with our description marker whose tagging did not complete (a crash
 * between the POST and the tags PUT) is ours: it is reported with the ownership tags it should
 * carry, so the plan keeps or releases it instead of leaking it as a user's.
 */
export function adoptUntagged(fip: FloatingIpRecord, tags: readonly string[]): FloatingIpRecord {
  return fip.tags.length === 0 ? { ...fip, tags: [...tags], tagsMissing: true } : fip;
}

/**
 * The Service incarnations (uids) whose marker an untagged floating IP of this Service may carry:
 * the Service's own uid (when known) and the `ks-uid=` of each load balancer of ours for it.
 * A Pool floating IP is POSTed right after its load balancer, bound to its VIP port, with that
 * load balancer's description; a crash before its tags PUT leaves it untagged while the load
 * balancer (tagged in its POST) stays, and releases delete floating IPs before load balancers:
 * so every such leftover is named by a uid found here (docs/adr/0009). Sorted, distinct.
 */
export function markerUids(
  input: Pick<ObserveServiceInput, 'owner' | 'service'>,
  loadBalancers: readonly LoadBalancerRecord[],
): string[] {
  const uids = new Set(input.service.uid === '' ? [] : [input.service.uid]);
  for (const lb of loadBalancers) {
    const uid = isOwnedForService(lb.tags, input.owner, input.service) ? uidFromTags(lb.tags) : null;
    if (uid !== null && uid !== '') uids.add(uid);
  }
  return [...uids].sort();
}

/**
 * The untagged floating IPs whose description is exactly our marker for one of `uids` of the
 * Service, adopted with the tags of the incarnation the marker names: one exact `description`
 * query per uid (Neutron filters descriptions only by equality), never a list of the project.
 */
export async function findMarkedFloatingIps(
  input: ObserveServiceInput,
  uids: readonly string[],
): Promise<FloatingIpRecord[]> {
  const { session, signal, owner, service, projectId } = input;
  const lists = await Promise.all(
    uids.map((uid) =>
      floatingips.listAll(
        session,
        { projectId, description: loadBalancerDescription(owner, { ...service, uid }) },
        signal,
      ),
    ),
  );
  return lists.flat().flatMap((fip) => {
    const named =
      fip.tags.length === 0 ? markedService(fip.description, owner, { ...service, uid: '' }) : null;
    return named === null || !uids.includes(named.uid)
      ? []
      : [adoptUntagged(fip, ownershipTags(owner, named))];
  });
}

/** The model's view of a floating IP record (drops Neutron-only fields). */
export function toObservedFloatingIp(fip: FloatingIpRecord): ObservedFloatingIp {
  const { id, address, networkId, portId, tags, description } = fip;
  return {
    id,
    address,
    networkId,
    portId,
    tags,
    description,
    ...(fip.tagsMissing === true ? { tagsMissing: true } : {}),
    ...(fip.revision === undefined ? {} : { revision: fip.revision }),
  };
}

/**
 * The ports the tag list already shows a floating IP on: a VIP port has one fixed IP, the VIP,
 * and Neutron binds at most one floating IP of an external network to a fixed IP, so nothing
 * else of ours can be on it and its port list is skipped.
 *
 * The marker query is never skipped, even for an incarnation that already has a tagged floating
 * IP: a Pool floating IP POST sent by a process that was then killed can land in Neutron after
 * the next process observed "none" and POSTed its own, leaving an untagged second one that only
 * its description names (the crash e2e and the observe round trip test this).
 */
function portsCoveredBy(byTags: readonly FloatingIpRecord[]): Set<string> {
  return new Set(byTags.flatMap((fip) => (fip.portId === null ? [] : [fip.portId])));
}

/**
 * The Service's floating IPs: by ownership tags and by the description marker of each
 * incarnation (concurrently), then by each VIP port the tag list did not already show a
 * floating IP on (see `portsCoveredBy`): a converged Service costs two lists.
 */
async function findFloatingIps(
  input: ObserveServiceInput,
  found: readonly LoadBalancerRecord[],
): Promise<FloatingIpRecord[]> {
  const { session, signal } = input;
  const [byTags, adopted] = await Promise.all([
    floatingips.listAll(
      session,
      { tags: serviceTags(input.owner, input.service), projectId: input.projectId },
      signal,
    ),
    findMarkedFloatingIps(input, markerUids(input, found)),
  ]);
  const covered = portsCoveredBy(byTags);
  const vipPortIds = found.flatMap((lb) =>
    lb.vipPortId === null || covered.has(lb.vipPortId) ? [] : [lb.vipPortId],
  );
  const byPort = await Promise.all(
    vipPortIds.map((portId) => floatingips.listAll(session, { portId }, signal)),
  );
  // Later entries win in uniqueById: the adopted copy (with our tags) must not be replaced by the raw
  // untagged record listed again by port, or the plan takes it for a user's FIP and detaches it.
  return uniqueById([...byPort.flat(), ...byTags, ...adopted]);
}

async function findUserFloatingIp(
  input: ObserveServiceInput,
): Promise<ObservedFloatingIp | null | undefined> {
  if (input.userFloatingIpAddress === undefined) return undefined;
  const fip = await floatingips.findByAddress(input.session, input.userFloatingIpAddress, input.signal);
  return fip === null ? null : toObservedFloatingIp(fip);
}

/**
 * Observes the Service's load balancers (with listeners, pools, members), the floating IPs
 * we created for it or that point at one of its VIP ports, and the user's floating IP.
 * Deterministic order (by id; listeners by protocol/port; members by address/port).
 */
export async function observeService(input: ObserveServiceInput): Promise<Observed> {
  const [found, user] = await Promise.all([findLoadBalancers(input), findUserFloatingIp(input)]);
  const [loadBalancers, fips]: [ObservedLoadBalancer[], FloatingIpRecord[]] = await Promise.all([
    Promise.all(
      found.map((lb) =>
        input.children === false
          ? Promise.resolve(toObservedLoadBalancer(lb, { listeners: [], pools: [] }))
          : observeTree(input.session, lb, input.signal, {
              vipSecurityGroups: input.vipSecurityGroups === true,
            }),
      ),
    ),
    findFloatingIps(input, found),
  ]);
  const floatingIps = fips.map(toObservedFloatingIp);
  return user === undefined
    ? { loadBalancers, floatingIps }
    : { loadBalancers, floatingIps, userFloatingIp: user };
}
