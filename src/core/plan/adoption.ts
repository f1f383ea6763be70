/**
 * Adoption of the load balancer (and Pool floating IP) kuryr-kubernetes made for a Service.
 * Pure.
 *
 * kuryr names a Service's load balancer `ns/name` and its listeners and pools
 * `ns/name:PROTOCOL:port`, exactly as we do, but tags them with `resource_tags` only: none of
 * our ownership tags. Such a load balancer is adopted only on proof (all must hold):
 *   - it carries no ownership tag of ours or of another cluster (`ks-*`, `kuryr-services`);
 *   - its name is the Service's `ns/name`;
 *   - the Service's KuryrLoadBalancer status names its id, or kuryr's `resource_tags` (when
 *     configured) are all on it;
 *   - its VIP is the expected one (the Service's ClusterIP on the service subnet: the desired
 *     VIP, or the record's spec while the Service is being released), on the desired provider,
 *     and it is not in ERROR;
 *   - none of its children carries another cluster's ownership tags.
 * The project is proven by the observer, which only returns load balancers of the
 * configured project. Anything that fails is refused with the reasons, and never written.
 *
 * Adopting (adoption-steps.ts) = writing our ownership tags on what kuryr made, keeping every id: first the
 * kuryr-named listeners and pools (PUT tags), the members of each wanted pool (one batch PUT
 * of the desired members: Octavia matches members by address and port, keeps their ids and
 * rewrites their tags), and the load balancer's own tags last, so a crash at any point leaves
 * a load balancer that is still kuryr's and is adopted again from the same evidence. Once the
 * load balancer carries our tags the ordinary plan converges it.
 *
 * The Pool floating IP kuryr attached to the VIP port (`service_pub_ip_info`, `alloc_method`
 * pool) is shown to the plan as ours with its tags missing (see ObservedFloatingIp.tagsMissing):
 * the plan keeps it and its address, and writes the tags. A `user` one is the user's and
 * stays untagged (only associated or, on release, disassociated).
 */
import type {
  DesiredLoadBalancer,
  Observed,
  ObservedFloatingIp,
  ObservedLoadBalancer,
  ServiceRef,
} from '../model.js';
import { loadBalancerName } from '../naming.js';
import { isOwnedForService, isOwnershipTag, ownershipOf, ownershipTags, type Owner } from '../ownership.js';
import { disqualification } from './load-balancers.js';

/** What the Service's KuryrLoadBalancer record and kuryr.conf say of kuryr's objects. */
export interface KuryrEvidence {
  /** `status.loadbalancer.id` of the record, if any. */
  readonly loadBalancerId: string | null;
  /** `status.service_pub_ip_info` of the record, if any. */
  readonly floatingIp: {
    readonly id: string;
    readonly address: string;
    readonly allocMethod: string;
  } | null;
  /** kuryr.conf `resource_tags` (kuryr put them on everything it made). */
  readonly resourceTags: readonly string[];
  /** The VIP the record's spec names (`spec.ip`, `spec.subnet_id`), checked when nothing is desired. */
  readonly vip: { readonly address: string; readonly subnetId: string } | null;
  /**
   * The Service is being deleted (or is gone): on a release, kuryr's proven load balancer is
   * deleted with it. Otherwise (a Service we no longer serve) it is left as kuryr made it.
   */
  readonly serviceDeleted: boolean;
}

/** No evidence at all: nothing is ever adopted. */
export const NO_EVIDENCE: KuryrEvidence = {
  loadBalancerId: null,
  floatingIp: null,
  resourceTags: [],
  vip: null,
  serviceDeleted: false,
};

export type AdoptionJudgement =
  /** No load balancer of kuryr's for this Service was observed. */
  | { readonly kind: 'none' }
  /** Proven kuryr's and this Service's: adopt it. */
  | { readonly kind: 'adopt'; readonly loadBalancer: ObservedLoadBalancer }
  /** A candidate that failed the proof: left alone, the reasons reported. */
  | { readonly kind: 'refused'; readonly loadBalancerId: string; readonly reasons: readonly string[] };

/** What the judgement and the view are made from. */
export interface AdoptionInput {
  readonly service: ServiceRef;
  readonly owner: Owner;
  /** null: the Service is being released. */
  readonly desired: DesiredLoadBalancer | null;
  readonly observed: Observed;
  readonly evidence: KuryrEvidence;
}

/** True when no tag of `tags` is an ownership tag of any cluster of ours. */
export function untagged(tags: readonly string[]): boolean {
  return !tags.some(isOwnershipTag);
}

function candidatesOf(input: AdoptionInput): ObservedLoadBalancer[] {
  const name = loadBalancerName(input.service);
  return input.observed.loadBalancers.filter(
    (lb) => untagged(lb.tags) && (lb.name === name || lb.id === input.evidence.loadBalancerId),
  );
}

/** Children of `lb` carrying ownership tags that are not this cluster's. */
function foreignChildren(lb: ObservedLoadBalancer, owner: Owner): string[] {
  const claimed = (tags: readonly string[]): boolean =>
    !untagged(tags) && ownershipOf(tags, owner) !== 'ours';
  return [
    ...lb.listeners.filter((l) => claimed(l.tags)).map((l) => `listener ${l.id}`),
    ...lb.pools.filter((p) => claimed(p.tags)).map((p) => `pool ${p.id}`),
    ...lb.pools.flatMap((p) => p.members.filter((m) => claimed(m.tags)).map((m) => `member ${m.id}`)),
  ];
}

/** Why `lb` is not proven to be kuryr's load balancer of this Service; empty when it is. */
export function proofFailures(input: AdoptionInput, lb: ObservedLoadBalancer): string[] {
  const { service, owner, desired, evidence } = input;
  const reasons: string[] = [];
  const name = loadBalancerName(service);
  if (lb.name !== name) reasons.push(`its name "${lb.name}" is not "${name}"`);
  const named = evidence.loadBalancerId === lb.id;
  const tagged = evidence.resourceTags.length > 0 && evidence.resourceTags.every((t) => lb.tags.includes(t));
  if (!named && !tagged) {
    reasons.push(
      evidence.resourceTags.length > 0
        ? "the KuryrLoadBalancer status does not name it and kuryr's resource_tags are not on it"
        : 'the KuryrLoadBalancer status does not name it (and no resource_tags are configured)',
    );
  }
  if (desired !== null) {
    // Judged as if it were ours: VIP address and subnet, provider, ERROR.
    const why = disqualification({ ...lb, tags: desired.tags }, desired);
    if (why !== null) reasons.push(why);
  } else if (evidence.vip === null) {
    reasons.push('no VIP to check it against (the record has no spec)');
  } else if (lb.vipAddress !== evidence.vip.address || lb.vipSubnetId !== evidence.vip.subnetId) {
    reasons.push(
      `its VIP ${lb.vipAddress} on ${lb.vipSubnetId} is not the record's ${evidence.vip.address} on ${evidence.vip.subnetId}`,
    );
  }
  const foreign = foreignChildren(lb, owner);
  if (foreign.length > 0) reasons.push(`another cluster's tags are on ${foreign.join(', ')}`);
  return reasons;
}

/** Whether the Service has a load balancer of kuryr's, and whether it is proven. */
export function judgeAdoption(input: AdoptionInput): AdoptionJudgement {
  const candidates = candidatesOf(input);
  if (candidates.length === 0) return { kind: 'none' };
  const named = candidates.find((lb) => lb.id === input.evidence.loadBalancerId);
  if (named === undefined && candidates.length > 1) {
    const ids = candidates.map((lb) => lb.id).sort();
    return {
      kind: 'refused',
      loadBalancerId: ids[0] ?? '',
      reasons: [
        `several load balancers (${ids.join(', ')}) could be kuryr's and none is named by the record`,
      ],
    };
  }
  const lb = named ?? candidates[0];
  if (lb === undefined) return { kind: 'none' };
  const reasons = proofFailures(input, lb);
  return reasons.length === 0
    ? { kind: 'adopt', loadBalancer: lb }
    : { kind: 'refused', loadBalancerId: lb.id, reasons };
}

/** The tags a proven load balancer is shown (and written) with. */
export function adoptedTags(input: AdoptionInput, lb: ObservedLoadBalancer): string[] {
  const ours = input.desired?.tags ?? ownershipTags(input.owner, input.service, input.evidence.resourceTags);
  return [...new Set([...lb.tags, ...ours])];
}

/**
 * kuryr's Pool floating IP on a VIP port of one of the Service's load balancers of ours (as
 * `observed` shows them), named by the record, not yet tagged: shown as ours with its tags
 * missing, so the plan keeps its address and writes the tags.
 */
function adoptFloatingIps(input: AdoptionInput, observed: Observed): Observed {
  const ev = input.evidence.floatingIp;
  if (ev?.allocMethod !== 'pool') return observed;
  const ourPorts = new Set(
    observed.loadBalancers
      .filter((lb) => isOwnedForService(lb.tags, input.owner, input.service))
      .flatMap((lb) => (lb.vipPortId === null ? [] : [lb.vipPortId])),
  );
  const userAddress = input.desired?.floatingIp?.method === 'user' ? input.desired.floatingIp.address : null;
  const tags = input.desired?.tags ?? ownershipTags(input.owner, input.service, input.evidence.resourceTags);
  const adopt = (fip: ObservedFloatingIp): ObservedFloatingIp =>
    fip.id === ev.id &&
    fip.address === ev.address &&
    fip.address !== userAddress &&
    untagged(fip.tags) &&
    fip.portId !== null &&
    ourPorts.has(fip.portId)
      ? { ...fip, tags: [...new Set([...fip.tags, ...tags])], tagsMissing: true }
      : fip;
  return { ...observed, floatingIps: observed.floatingIps.map(adopt) };
}

/**
 * What the plan should see: a proven kuryr load balancer shown with our tags, and kuryr's Pool
 * floating IP on a VIP port of ours shown as ours with its tags missing. Anything else as
 * observed.
 */
export function adoptionView(input: AdoptionInput, judgement: AdoptionJudgement): Observed {
  const lbs =
    judgement.kind !== 'adopt'
      ? input.observed.loadBalancers
      : input.observed.loadBalancers.map((lb) =>
          lb.id === judgement.loadBalancer.id ? { ...lb, tags: adoptedTags(input, lb) } : lb,
        );
  return adoptFloatingIps(input, { ...input.observed, loadBalancers: lbs });
}
