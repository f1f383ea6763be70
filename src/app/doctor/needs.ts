/**
 * What serving the cluster's Services takes: each Service and its EndpointSlices translated
 * exactly as the controller would (src/core/translate), in the network context of the
 * subnets found in Neutron. Pure.
 */
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import { octaviaProfile } from '../../core/capabilities.js';
import type { ApiVersion, DesiredLoadBalancer, SubnetInfo } from '../../core/model.js';
import { NetworkContextError, networkContextFromSubnets } from '../../core/network-context.js';
import { SERVICE_NAME_LABEL } from '../../core/translate/members.js';
import { translate } from '../../core/translate/translate.js';
import type { Owner } from '../../core/ownership.js';
import type { AppConfig } from '../config/kuryr-conf.js';
import { capabilityProfileFrom, translateConfigFrom } from '../config/translate-config.js';
import { NEWEST_SUPPORTED_API } from '../../core/capabilities.js';
import { readFailed, readOk, type Read } from './facts.js';

/** What needs are computed from. */
export interface NeedsInput {
  readonly services: readonly V1Service[];
  readonly slices: readonly V1EndpointSlice[];
  readonly config: AppConfig;
  /** The configured service and pod subnets that Neutron has. */
  readonly subnets: readonly SubnetInfo[];
  /** The discovered Octavia version (null: unknown, the newest supported is assumed). */
  readonly version: ApiVersion | null;
  /** The cluster id and writer the controller would tag with. */
  readonly owner: Owner;
}

function slicesByService(slices: readonly V1EndpointSlice[]): Map<string, V1EndpointSlice[]> {
  const out = new Map<string, V1EndpointSlice[]>();
  for (const slice of slices) {
    const owner = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (owner === undefined) continue;
    const key = `${slice.metadata?.namespace ?? ''}/${owner}`;
    out.set(key, [...(out.get(key) ?? []), slice]);
  }
  return out;
}

/** The desired load balancers of every Service that gets one; a failed read when the network context cannot be built. */
export function desiredLoadBalancers(input: NeedsInput): Read<DesiredLoadBalancer[]> {
  const found = new Set(input.subnets.map((s) => s.id));
  const keep = (ids: readonly string[]): string[] => ids.filter((id) => found.has(id));
  let network;
  try {
    network = networkContextFromSubnets(
      input.subnets,
      keep(input.config.neutron.serviceSubnetIds),
      keep(input.config.neutron.podSubnetIds),
    );
  } catch (err) {
    if (err instanceof NetworkContextError) return readFailed(err.message);
    throw err;
  }
  const capabilities =
    input.version === null
      ? octaviaProfile(NEWEST_SUPPORTED_API, input.config.octavia.provider)
      : capabilityProfileFrom(input.config, input.version);
  const config = translateConfigFrom(input.config, input.owner);
  const bySvc = slicesByService(input.slices);
  const out: DesiredLoadBalancer[] = [];
  for (const service of input.services) {
    const key = `${service.metadata?.namespace ?? ''}/${service.metadata?.name ?? ''}`;
    const result = translate({ service, slices: bySvc.get(key) ?? [], config, network, capabilities });
    if (result.kind === 'desired') out.push(result.loadBalancer);
  }
  return readOk(out);
}
