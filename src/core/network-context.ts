/**
 * Building the NetworkContext the translation runs in, and looking subnets up in it.
 */
import { cidrContains } from './ip.js';
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

/** The subnets among `ids` (in that order) whose CIDR contains `address`; unknown ids are ignored. */
export function subnetsContaining(
  network: NetworkContext,
  ids: readonly string[],
  address: string,
): SubnetInfo[] {
  return ids
    .map((id) => network.subnets.get(id))
    .filter((subnet): subnet is SubnetInfo => subnet !== undefined && cidrContains(subnet.cidr, address));
}

/** `id (cidr)` for each of `ids`, for messages; unknown ids are shown as `id (unknown)`. */
export function describeSubnets(network: NetworkContext, ids: readonly string[]): string {
  if (ids.length === 0) return 'none configured';
  return ids.map((id) => `${id} (${network.subnets.get(id)?.cidr ?? 'unknown'})`).join(', ');
}
