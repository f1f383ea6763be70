/**
 * The translation context from the live cloud: the configured service and pod subnets read
 * from Neutron (kuryr.conf names them by id; translate needs their CIDRs) and the capability
 * profile from Octavia's version discovery.
 */
import { networkContextFromSubnets } from '../core/network-context.js';
import type { CapabilityProfile, SubnetInfo, TranslateConfig } from '../core/model.js';
import { NotFoundError } from '../openstack/errors.js';
import * as subnets from '../openstack/neutron/subnets.js';
import * as versions from '../openstack/octavia/versions.js';
import type { OpenStackSession } from '../openstack/session.js';
import type { TranslateContext } from './ports.js';

/** A configured subnet that Neutron does not show to our project. */
export class SubnetMissingError extends Error {
  override readonly name = 'SubnetMissingError';
}

export interface ContextSource {
  readonly session: OpenStackSession;
  readonly serviceSubnetIds: readonly string[];
  readonly podSubnetIds: readonly string[];
  readonly translateConfig: TranslateConfig;
  /** Turns the discovered profile into the effective one (kuryr.conf overrides). */
  readonly profile: (discovered: CapabilityProfile) => CapabilityProfile;
  readonly provider: CapabilityProfile['provider'];
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

/** Reads the subnets and Octavia's version once; throws SubnetMissingError naming the kuryr.conf key. */
export async function loadTranslateContext(
  source: ContextSource,
  signal?: AbortSignal,
): Promise<TranslateContext> {
  const { session } = source;
  const wanted = [
    ...source.serviceSubnetIds.map((id) => ({ id, key: '[neutron_defaults] service_subnet' })),
    ...source.podSubnetIds.map((id) => ({ id, key: '[neutron_defaults] pod_subnet' })),
  ];
  const unique = [...new Map(wanted.map((w) => [w.id, w])).values()];
  const [infos, discovered] = await Promise.all([
    Promise.all(unique.map((w) => readSubnet(session, w.id, w.key, signal))),
    versions.discover(session, source.provider, signal),
  ]);
  return {
    config: source.translateConfig,
    network: networkContextFromSubnets(infos, source.serviceSubnetIds, source.podSubnetIds),
    capabilities: source.profile(discovered),
  };
}
