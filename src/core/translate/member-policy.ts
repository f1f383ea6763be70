/**
 * The endpoint address policy of `translate`: which endpoint addresses may become pool
 * members. Whoever can write an EndpointSlice chooses where the load balancer connects, so
 * (the class of CVE-2021-25740):
 * - never a member, whatever the configuration: unspecified, loopback, link-local
 *   (including the metadata service 169.254.169.254), multicast and broadcast addresses,
 *   their IPv4-mapped IPv6 forms, and the broadcast address of a pod subnet;
 * - L2 member mode: only addresses in a pod subnet (the member is plugged into it);
 * - L3 member mode: addresses in a pod subnet or in `[kuryr_services] member_cidrs`.
 */
import {
  broadcastAddress,
  neverMemberClass,
  parseCidr,
  rangeContains,
  type NeverMemberClass,
  type ParsedCidr,
  type ParsedIp,
} from '../ip.js';
import type { MemberMode, NetworkContext } from '../model.js';
import { describeSubnets, parsedSubnets, type ParsedSubnet } from '../network-context.js';

/** What decides whether an address may be a member. */
export interface MemberPolicy {
  readonly memberMode: MemberMode;
  readonly network: NetworkContext;
  /** The pod subnets, parsed once. */
  readonly podSubnets: readonly ParsedSubnet[];
  /** L3 mode: the member_cidrs allowlist, parsed. */
  readonly allowlist: readonly ParsedCidr[];
  /** L3 mode: the subnet id members carry (the VIP subnet on OVN, which needs one); null = none. */
  readonly l3SubnetId: string | null;
}

/** The policy for a translation; unparsable member_cidrs entries are left out (allowing less). */
export function memberPolicy(opts: {
  readonly memberMode: MemberMode;
  readonly network: NetworkContext;
  readonly memberCidrs: readonly string[];
  readonly l3SubnetId: string | null;
}): MemberPolicy {
  return {
    memberMode: opts.memberMode,
    network: opts.network,
    podSubnets: parsedSubnets(opts.network, opts.network.podSubnetIds),
    allowlist: opts.memberCidrs.flatMap((text) => parseCidr(text) ?? []),
    l3SubnetId: opts.l3SubnetId,
  };
}

/** Admitted (with the subnet the member carries, if any), or refused with why. */
export type Admission =
  | { readonly admitted: true; readonly subnetId: string | null }
  | { readonly admitted: false; readonly why: string };

const METADATA_ADDRESSES: readonly string[] = ['169.254.169.254', 'fe80::a9fe:a9fe'];

const RANGE_TEXT: Readonly<Record<NeverMemberClass['range'], string>> = {
  unspecified: 'an unspecified address',
  loopback: 'a loopback address',
  linkLocal: 'a link-local address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
};

function describeClass(ip: ParsedIp, found: NeverMemberClass): string {
  const address = found.embedded ?? ip.address;
  const what = METADATA_ADDRESSES.includes(address)
    ? 'the metadata service address (link-local)'
    : RANGE_TEXT[found.range];
  return found.embedded === null ? what : `the IPv4-mapped form of ${found.embedded}, ${what}`;
}

function refused(why: string): Admission {
  return { admitted: false, why };
}

/** Decides whether `ip` may be a member under `policy` (pure; the reason text is stable). */
export function admitMember(ip: ParsedIp, policy: MemberPolicy): Admission {
  const never = neverMemberClass(ip);
  if (never !== null) return refused(`${describeClass(ip, never)} is never a member`);
  const pod = policy.podSubnets.find(({ range }) => rangeContains(range, ip));
  if (pod !== undefined && broadcastAddress(pod.range) === ip.address) {
    return refused(
      `the broadcast address of pod subnet ${pod.subnet.id} (${pod.subnet.cidr}) is never a member`,
    );
  }
  const subnets = describeSubnets(policy.network, policy.network.podSubnetIds);
  if (policy.memberMode === 'L2') {
    if (pod !== undefined) return { admitted: true, subnetId: pod.subnet.id };
    return refused(`the address is in no pod subnet (L2 member mode; pod subnets: ${subnets})`);
  }
  if (pod !== undefined || policy.allowlist.some((range) => rangeContains(range, ip))) {
    return { admitted: true, subnetId: policy.l3SubnetId };
  }
  const allowed = policy.allowlist.length === 0 ? 'none' : policy.allowlist.map((c) => c.cidr).join(', ');
  return refused(
    `the address is in no pod subnet and not in [kuryr_services] member_cidrs (L3 member mode; pod subnets: ${subnets}; member_cidrs: ${allowed})`,
  );
}
