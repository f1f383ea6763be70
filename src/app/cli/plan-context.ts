/**
 * The context `plan` translates in, from its flags, kuryr.conf and subnets.yaml: the
 * TranslateConfig, the NetworkContext and the Octavia capability profile.
 */
import {
  NEWEST_SUPPORTED_API,
  effectiveApiVersion,
  formatApiVersion,
  legacyLbaasV2Profile,
  octaviaProfile,
  parseApiVersion,
} from '../../core/capabilities.js';
import type {
  CapabilityProfile,
  NetworkContext,
  OctaviaProvider,
  SubnetInfo,
  TranslateConfig,
} from '../../core/model.js';
import { NetworkContextError, networkContextFromSubnets } from '../../core/network-context.js';
import type { PlanContextSummary } from '../render/report.js';
import {
  DEMO_EXTERNAL_NETWORK_ID,
  DEMO_EXTERNAL_SUBNET_ID,
  DEMO_POD_SUBNET_ID,
  DEMO_SERVICE_SUBNET_ID,
  DEMO_SUBNETS,
} from './demo-topology.js';
import { PlanUsageError, type PlanFlags } from './plan-flags.js';
import type { PlanSettings } from './plan-services.js';

/** What kuryr.conf contributes to a plan (absent without --config). */
export interface PlanConfigInput {
  readonly translate: TranslateConfig;
  readonly serviceSubnetIds: readonly string[];
  readonly podSubnetIds: readonly string[];
  readonly provider: OctaviaProvider | null;
}

/** Subnets from --subnets (absent without it). */
export interface PlanSubnetsInput {
  readonly file: string;
  readonly subnets: readonly SubnetInfo[];
}

/** Settings for translate, and their description for the output header. */
export interface PlanSetup {
  readonly settings: PlanSettings;
  readonly summary: PlanContextSummary;
}

function capabilities(
  flags: PlanFlags,
  configProvider: OctaviaProvider | null,
): { profile: CapabilityProfile; label: string } {
  if (flags.legacyLbaasV2) {
    if (flags.octaviaApi !== undefined || flags.provider === 'ovn') {
      throw new PlanUsageError('--legacy-lbaas-v2 cannot be combined with --octavia-api or --provider ovn');
    }
    const profile = legacyLbaasV2Profile();
    return { profile, label: `${formatApiVersion(profile.apiVersion)} (legacy Neutron LBaaS v2: TCP only)` };
  }
  const provider = flags.provider ?? configProvider ?? 'amphora';
  if (flags.octaviaApi === undefined) {
    return {
      profile: octaviaProfile(NEWEST_SUPPORTED_API, provider),
      label: `${formatApiVersion(NEWEST_SUPPORTED_API)} (newest supported)`,
    };
  }
  const asked = parseApiVersion(flags.octaviaApi);
  if (asked === null)
    throw new PlanUsageError(`--octavia-api "${flags.octaviaApi}" is not a version like 2.27`);
  const used = effectiveApiVersion(asked);
  const label =
    formatApiVersion(used) === formatApiVersion(asked)
      ? `${formatApiVersion(used)} (--octavia-api)`
      : `${formatApiVersion(used)} (--octavia-api ${flags.octaviaApi}, capped at the newest supported)`;
  return { profile: octaviaProfile(used, provider), label };
}

/** kuryr's defaults, used without --config. */
function defaultTranslateConfig(demo: boolean): TranslateConfig {
  return {
    clusterId: 'kubernetes',
    memberMode: 'L2',
    lbAlgorithm: 'ROUND_ROBIN',
    timeoutClientData: null,
    timeoutMemberData: null,
    externalSvcNet: demo ? DEMO_EXTERNAL_NETWORK_ID : null,
    externalSvcSubnet: demo ? DEMO_EXTERNAL_SUBNET_ID : null,
    resourceTags: [],
    enableSessionAffinity: true,
    enableSourceRanges: true,
  };
}

function pick(
  flag: readonly string[],
  fromConfig: readonly string[] | undefined,
  demo: string | null,
): string[] {
  if (flag.length > 0) return [...flag];
  if (fromConfig !== undefined && fromConfig.length > 0) return [...fromConfig];
  return demo === null ? [] : [demo];
}

function network(
  flags: PlanFlags,
  config: PlanConfigInput | null,
  subnets: PlanSubnetsInput | null,
): { network: NetworkContext; source: string } {
  const demo = subnets === null;
  const serviceIds = pick(
    flags.serviceSubnet,
    config?.serviceSubnetIds,
    demo ? DEMO_SERVICE_SUBNET_ID : null,
  );
  const podIds = pick(flags.podSubnet, config?.podSubnetIds, demo ? DEMO_POD_SUBNET_ID : null);
  const needs = (what: string, option: string, key: string): PlanUsageError =>
    new PlanUsageError(`no ${what} subnet: pass ${option} or --config with [neutron_defaults] ${key}`);
  if (serviceIds.length === 0) throw needs('service', '--service-subnet', 'service_subnet');
  if (podIds.length === 0) throw needs('pod', '--pod-subnet', 'pod_subnet');
  const source = demo
    ? 'built-in demo topology (no --subnets given; see examples/subnets.yaml)'
    : `from ${subnets.file}`;
  try {
    return {
      network: networkContextFromSubnets(subnets?.subnets ?? DEMO_SUBNETS, serviceIds, podIds),
      source,
    };
  } catch (error) {
    if (error instanceof NetworkContextError)
      throw new PlanUsageError(`${error.message} (${source})`, { cause: error });
    throw error;
  }
}

/**
 * Combines flags (which win), kuryr.conf and subnets.yaml into the plan's settings. Without
 * --subnets the demo topology is used (and, without --config, its external network).
 * Throws PlanUsageError for unusable flags or subnet ids not among the subnets.
 */
export function setUpPlan(
  flags: PlanFlags,
  inputs: { readonly config: PlanConfigInput | null; readonly subnets: PlanSubnetsInput | null },
): PlanSetup {
  const caps = capabilities(flags, inputs.config?.provider ?? null);
  const net = network(flags, inputs.config, inputs.subnets);
  const base = inputs.config?.translate ?? defaultTranslateConfig(inputs.subnets === null);
  const config: TranslateConfig = {
    ...base,
    ...(flags.clusterId === undefined ? {} : { clusterId: flags.clusterId }),
    ...(flags.memberMode === undefined ? {} : { memberMode: flags.memberMode }),
  };
  const summary: PlanContextSummary = {
    octaviaApi: caps.label,
    provider: caps.profile.provider,
    legacyLbaasV2: caps.profile.legacyLbaasV2,
    clusterId: config.clusterId,
    memberMode: config.memberMode,
    networkSource: net.source,
    network: net.network,
    externalNetwork: config.externalSvcNet,
  };
  return { settings: { config, network: net.network, capabilities: caps.profile }, summary };
}
