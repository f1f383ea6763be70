/** From the application configuration to what `translate` and the capability profile need. */
import { effectiveApiVersion, octaviaProfile } from '../../core/capabilities.js';
import type { ApiVersion, CapabilityProfile, TranslateConfig } from '../../core/model.js';
import type { Owner } from '../../core/ownership.js';
import type { AppConfig } from './kuryr-conf.js';

/**
 * The TranslateConfig kuryr.conf describes for `owner` (the configured or derived cluster id
 * and the writer identity; see src/core/ownership.ts). Pure.
 */
export function translateConfigFrom(config: AppConfig, owner: Owner): TranslateConfig {
  return {
    clusterId: owner.clusterId,
    writer: owner.writer,
    memberMode: config.octavia.memberMode,
    lbAlgorithm: config.octavia.lbAlgorithm,
    timeoutClientData: config.octavia.timeoutClientData,
    timeoutMemberData: config.octavia.timeoutMemberData,
    externalSvcNet: config.neutron.externalSvcNet,
    externalSvcSubnet: config.neutron.externalSvcSubnet,
    resourceTags: config.neutron.resourceTags,
    enableSessionAffinity: config.service.enableSessionAffinity,
    enableSourceRanges: config.service.enableSourceRanges,
    memberCidrs: config.service.memberCidrs,
    loadBalancerClass: config.service.loadBalancerClass,
    ignoreForeignServices: config.service.ignoreForeignServices,
    healthMonitor: config.octavia.healthMonitor,
    flavorId: config.octavia.flavorId,
    availabilityZone: config.octavia.availabilityZone,
    enforceSgRules: config.octavia.enforceSgRules,
    kubernetesApiLb: config.service.kubernetesApiLb,
  };
}

/**
 * The capability profile for an Octavia that reports `discovered`: kuryr.conf's
 * octavia_api_version overrides it, the result is capped at the newest version we know,
 * and the provider comes from [kubernetes] endpoints_driver_octavia_provider.
 */
export function capabilityProfileFrom(config: AppConfig, discovered: ApiVersion): CapabilityProfile {
  return octaviaProfile(
    effectiveApiVersion(discovered, config.service.octaviaApiVersion),
    config.octavia.provider,
  );
}
