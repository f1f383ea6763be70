/**
 * The cloud context read at start: the project ownership lists are scoped to, the configured
 * service and pod subnets read from Neutron (kuryr.conf names them by id; translate needs
 * their CIDRs) and Octavia's version from its discovery.
 */
import { networkContextFromSubnets } from '../core/network-context.js';
import type { ApiVersion, CapabilityProfile, NetworkContext, SubnetInfo } from '../core/model.js';
import { NotFoundError } from '../openstack/errors.js';
import * as subnets from '../openstack/neutron/subnets.js';
import * as versions from '../openstack/octavia/versions.js';
import type { OpenStackSession } from '../openstack/session.js';

/** A configured subnet that Neutron does not show to our project. */
export class SubnetMissingError extends Error {
  override readonly name = 'SubnetMissingError';
}

/** Where the cloud context comes from. */
export interface CloudContextSource {
  readonly session: OpenStackSession;
  /** `[neutron_defaults] project`; null = the project the token is scoped to. */
  readonly project: string | null;
  readonly serviceSubnetIds: readonly string[];
  readonly podSubnetIds: readonly string[];
  readonly provider: CapabilityProfile['provider'];
}

/** What the controller reads from the cloud once at start. */
export interface CloudContext {
  /** The project every ownership list is scoped to. */
  readonly projectId: string;
  readonly network: NetworkContext;
  /** Octavia's version as discovered. */
  readonly apiVersion: ApiVersion;
}

async function readSubnet(
  session: OpenStackSession,
  id: string,
  key: string,
  signal?: AbortSignal,
): Promise<SubnetInfo> {
  try {
    const s = await subnets.get(session, id, signal);
    return {
      id: s.id,
      cidr: s.cidr,
      gatewayIp: s.gatewayIp,
      ipVersion: s.ipVersion,
      allocationPools: s.allocationPools,
      networkId: s.networkId,
    };
  } catch (err) {
    if (err instanceof NotFoundError) {
      throw new SubnetMissingError(`kuryr.conf ${key} = ${id}: no such subnet visible to this project`, {
        cause: err,
      });
    }
    throw err;
  }
}

/** Reads the project, the subnets and Octavia's version once; throws SubnetMissingError naming the kuryr.conf key. */
export async function loadCloudContext(
  source: CloudContextSource,
  signal?: AbortSignal,
): Promise<CloudContext> {
  const { session } = source;
  const wanted = [
    ...source.serviceSubnetIds.map((id) => ({ id, key: '[neutron_defaults] service_subnet' })),
    ...source.podSubnetIds.map((id) => ({ id, key: '[neutron_defaults] pod_subnet' })),
  ];
  const unique = [...new Map(wanted.map((w) => [w.id, w])).values()];
  const [infos, discovered, projectId] = await Promise.all([
    Promise.all(unique.map((w) => readSubnet(session, w.id, w.key, signal))),
    versions.discover(session, source.provider, signal),
    source.project ?? session.projectId(signal),
  ]);
  return {
    projectId,
    network: networkContextFromSubnets(infos, source.serviceSubnetIds, source.podSubnetIds),
    apiVersion: discovered.apiVersion,
  };
}
