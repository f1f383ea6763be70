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

/** The configuration names cloud objects that cannot be used: fatal at start, never retried. */
export class CloudContextInputError extends Error {
  override readonly name: string = 'CloudContextInputError';
}

/** A configured subnet that Neutron does not show to our project. */
export class SubnetMissingError extends CloudContextInputError {
  override readonly name = 'SubnetMissingError';
}

/**
 * `[neutron_defaults] project` is not the project the credentials are scoped to. Every object
 * is created in the token's project, so lists scoped to another project would never find
 * them: each pass would create again (and the sweep would see none of ours).
 */
export class ProjectMismatchError extends CloudContextInputError {
  override readonly name = 'ProjectMismatchError';
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

/** The token's project, which must be the configured one when one is configured. */
async function scopedProject(source: CloudContextSource, signal?: AbortSignal): Promise<string> {
  const scoped = await source.session.projectId(signal);
  if (source.project !== null && source.project !== scoped) {
    throw new ProjectMismatchError(
      `kuryr.conf [neutron_defaults] project = ${source.project}, but the credentials are scoped to ` +
        `project ${scoped}: objects are created in the credentials' project, so scope them to ` +
        `${source.project} (clouds.yaml auth.project_id) or remove the key`,
    );
  }
  return scoped;
}

/** Reads the project, the subnets and Octavia's version once; throws a CloudContextInputError naming the kuryr.conf key. */
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
    scopedProject(source, signal),
  ]);
  return {
    projectId,
    network: networkContextFromSubnets(infos, source.serviceSubnetIds, source.podSubnetIds),
    apiVersion: discovered.apiVersion,
  };
}
