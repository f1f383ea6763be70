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
} from '../../../core/capabilities.js';
import type { ApiVersion, CapabilityProfile, NetworkContext, TranslateConfig } from '../../../core/model.js';
import { NetworkContextError, networkContextFromSubnets } from '../../../core/network-context.js';
import { defaultAppConfig, type AppConfig } from '../../config/kuryr-conf.js';
import { translateConfigFrom } from '../../config/translate-config.js';
import type { PlanContextSummary } from '../../render/report.js';
import {
  DEMO_EXTERNAL_NETWORK_ID,
  DEMO_EXTERNAL_SUBNET_ID,
  DEMO_POD_SUBNET_ID,
  DEMO_SERVICE_SUBNET_ID,
  DEMO_SUBNETS,
} from './demo-topology.js';
import { PlanUsageError, type PlanFlags } from './flags.js';
import type { PlanInputs, PlanSubnetsInput } from './read-inputs.js';
import type { PlanSettings } from './plan-service.js';

/** Settings for translate, and their description for the output header. */
export interface PlanSetup {
  readonly settings: PlanSettings;
  readonly summary: PlanContextSummary;
}

function apiVersion(flags: PlanFlags, config: AppConfig | null): { version: ApiVersion; label: string } {
  const configured = config?.service.octaviaApiVersion ?? null;
  if (flags.octaviaApi === undefined && configured === null) {
    return {
      version: NEWEST_SUPPORTED_API,
      label: `${formatApiVersion(NEWEST_SUPPORTED_API)} (newest supported)`,
    };
  }
  const asked = flags.octaviaApi === undefined ? configured : parseApiVersion(flags.octaviaApi);
  if (asked === null)
    throw new PlanUsageError(`--octavia-api "${flags.octaviaApi ?? ''}" is not a version like 2.27`);
  const source =
    flags.octaviaApi === undefined ? 'kuryr.conf [kuryr_services] octavia_api_version' : '--octavia-api';
  const version = effectiveApiVersion(asked);
  const capped =
    formatApiVersion(version) === formatApiVersion(asked) ? '' : ` ${formatApiVersion(asked)}, capped`;
  return { version, label: `${formatApiVersion(version)} (${source}${capped})` };
}

function capabilities(
  flags: PlanFlags,
  config: AppConfig | null,
): { profile: CapabilityProfile; label: string } {
  if (flags.legacyLbaasV2) {
    if (flags.octaviaApi !== undefined || flags.provider === 'ovn') {
      throw new PlanUsageError('--legacy-lbaas-v2 cannot be combined with --octavia-api or --provider ovn');
    }
    const profile = legacyLbaasV2Profile();
    return { profile, label: `${formatApiVersion(profile.apiVersion)} (legacy Neutron LBaaS v2: TCP only)` };
  }
  const provider = flags.provider ?? config?.octavia.provider ?? 'amphora';
  const { version, label } = apiVersion(flags, config);
  return { profile: octaviaProfile(version, provider), label };
}

/** The cluster id `plan` shows when kuryr.conf sets none (the controller derives it at start). */
export const OFFLINE_CLUSTER_ID = 'derived-at-start';
/** The writer identity `plan` shows (the controller reads the kube-system namespace uid). */
export const OFFLINE_WRITER = 'offline';

/** kuryr.conf's settings (kuryr's defaults without --config), the demo external network, then flags. */
function translateConfig(flags: PlanFlags, inputs: PlanInputs): TranslateConfig {
  const config = inputs.config ?? defaultAppConfig();
  // Offline there is no cluster to derive an identity from: the ids are placeholders.
  const owner = { clusterId: config.service.clusterId ?? OFFLINE_CLUSTER_ID, writer: OFFLINE_WRITER };
  const base = translateConfigFrom(config, owner);
  const demo = inputs.config === null && inputs.subnets === null;
  return {
    ...base,
    ...(demo ? { externalSvcNet: DEMO_EXTERNAL_NETWORK_ID, externalSvcSubnet: DEMO_EXTERNAL_SUBNET_ID } : {}),
    ...(flags.clusterId === undefined ? {} : { clusterId: flags.clusterId }),
    ...(flags.memberMode === undefined ? {} : { memberMode: flags.memberMode }),
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
  config: AppConfig | null,
  subnets: PlanSubnetsInput | null,
): { network: NetworkContext; source: string } {
  const demo = subnets === null;
  const serviceIds = pick(
    flags.serviceSubnet,
    config?.neutron.serviceSubnetIds,
    demo ? DEMO_SERVICE_SUBNET_ID : null,
  );
  const podIds = pick(flags.podSubnet, config?.neutron.podSubnetIds, demo ? DEMO_POD_SUBNET_ID : null);
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
 * Combines flags (which win), kuryr.conf (kuryr's defaults without it) and subnets.yaml
 * into the plan's settings. Without --subnets the demo topology is used (and, without
 * --config either, its external network). Throws PlanUsageError for unusable flags or
 * subnet ids not among the subnets.
 */
export function setUpPlan(flags: PlanFlags, inputs: PlanInputs): PlanSetup {
  const caps = capabilities(flags, inputs.config);
  const net = network(flags, inputs.config, inputs.subnets);
  const config = translateConfig(flags, inputs);
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
