/**
 * Building the NetworkContext the translation runs in, and looking subnets up in it.
 */
import { parseCidr, parseIp, rangeContains, type ParsedCidr } from './ip.js';
import type { NetworkContext, SubnetInfo } from './model.js';

/** A NetworkContext that cannot be built (a duplicate or unknown subnet id). */
export class NetworkContextError extends Error {
  override readonly name = 'NetworkContextError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(`building the network context: ${message}`, options);
  }
}

/**
 * Indexes `subnets` by id and records which hold Service VIPs and which hold pods.
 * Throws NetworkContextError when an id appears twice in `subnets`, or when a service or
 * pod subnet id is not among `subnets`.
 */
export function networkContextFromSubnets(
  subnets: readonly SubnetInfo[],
  serviceSubnetIds: readonly string[],
  podSubnetIds: readonly string[],
): NetworkContext {
  const byId = new Map<string, SubnetInfo>();
  for (const subnet of subnets) {
    if (byId.has(subnet.id)) throw new NetworkContextError(`subnet ${subnet.id} is listed twice`);
    byId.set(subnet.id, subnet);
  }
  const missing = [...serviceSubnetIds, ...podSubnetIds].filter((id) => !byId.has(id));
  if (missing.length > 0) {
    throw new NetworkContextError(
      `subnet(s) ${[...new Set(missing)].join(', ')} not found among the known subnets`,
    );
  }
  return {
    subnets: byId,
    serviceSubnetIds: [...new Set(serviceSubnetIds)],
    podSubnetIds: [...new Set(podSubnetIds)],
  };
}

/** A subnet with its CIDR parsed, for repeated containment checks. */
export interface ParsedSubnet {
  readonly subnet: SubnetInfo;
  readonly range: ParsedCidr;
}

/** The subnets among `ids` (in that order) with parsed CIDRs; unknown ids and bad CIDRs are left out. */
export function parsedSubnets(network: NetworkContext, ids: readonly string[]): ParsedSubnet[] {
  return ids.flatMap((id) => {
    const subnet = network.subnets.get(id);
    const range = subnet === undefined ? null : parseCidr(subnet.cidr);
    return subnet === undefined || range === null ? [] : [{ subnet, range }];
  });
}

/** The subnets among `ids` (in that order) whose CIDR contains `address`; unknown ids are ignored. */
export function subnetsContaining(
  network: NetworkContext,
  ids: readonly string[],
  address: string,
): SubnetInfo[] {
  const ip = parseIp(address);
  if (ip === null) return [];
  return parsedSubnets(network, ids)
    .filter(({ range }) => rangeContains(range, ip))
    .map(({ subnet }) => subnet);
}

/** `id (cidr)` for each of `ids`, for messages; unknown ids are shown as `id (unknown)`. */
export function describeSubnets(network: NetworkContext, ids: readonly string[]): string {
  if (ids.length === 0) return 'none configured';
  return ids.map((id) => `${id} (${network.subnets.get(id)?.cidr ?? 'unknown'})`).join(', ');
}
