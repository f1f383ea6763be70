/**
 * `translate`: a Service, its EndpointSlices and the context → the load balancer it should
 * have, or why it has none (skip), or why it never can as written (invalid). Pure and
 * deterministic: no I/O, no clock; data problems are results, never exceptions.
 */
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import type {
  CapabilityProfile,
  DesiredListener,
  DesiredLoadBalancer,
  FloatingIpIntent,
  NetworkContext,
  ServiceRef,
  TranslateConfig,
} from '../model.js';
import { requiresMemberSubnet } from '../capabilities.js';
import { listenerName, loadBalancerDescription, loadBalancerName, poolName } from '../naming.js';
import { ownershipTags, timeoutTags, type Owner } from '../ownership.js';
import type { Reason, Translation } from './translation.js';
import { translateAllowedCidrs, translateFloatingIp, type AccessContext } from './access.js';
import { ignoredAnnotations, translateCoexistence, translateInternal } from './coexistence.js';
import {
  healthMonitorFor,
  translateHealthMonitorSettings,
  type HealthMonitorSettings,
} from './health-monitor.js';
import { isKubernetesApiService, kubernetesApiConfig, kubernetesApiProtocol } from './kubernetes-api.js';
import { memberPolicy } from './member-policy.js';
import { translateMembers, usableSlices, type MemberContext } from './members.js';
import {
  translateListenerTimeouts,
  translatePoolOptions,
  type ListenerTimeouts,
  type PoolOptions,
} from './options.js';
import {
  compareProtocolPort,
  readServicePorts,
  selectSupportedPorts,
  type ServicePortSpec,
} from './ports.js';
import {
  translateServiceKind,
  translateServiceRef,
  translateVip,
  type ServiceKind,
  type Vip,
} from './service.js';
import { translatePlacement, type Placement } from './placement.js';
import { ok, uniqueWarnings, type Step } from './step.js';

export interface TranslateInput {
  readonly service: V1Service;
  /** The Service's slices (label kubernetes.io/service-name); others are ignored. */
  readonly slices: readonly V1EndpointSlice[];
  readonly config: TranslateConfig;
  readonly network: NetworkContext;
  readonly capabilities: CapabilityProfile;
}

/**
 * Computes the desired load balancer of `input.service`. Never throws for bad data: a
 * malformed Service, slice or annotation gives `invalid` with a reason naming it.
 */
export function translate(input: TranslateInput): Translation {
  const warnings: Reason[] = [];
  const frame = translateFrame(input, warnings);
  if (!frame.ok) return frame.halt;
  const settings = translateSettings(input, frame.value, warnings);
  if (!settings.ok) return settings.halt;
  const { ref, vip, kind } = frame.value;
  const tags = ownershipTags(ownerOf(input.config), ref, input.config.resourceTags);
  const listeners = collect(
    translateListeners(input, { frame: frame.value, settings: settings.value, tags }),
    warnings,
  );
  if (!listeners.ok) return listeners.halt;
  const loadBalancer: DesiredLoadBalancer = {
    service: ref,
    name: loadBalancerName(ref),
    description: loadBalancerDescription(ownerOf(input.config), ref),
    vipAddress: vip.ip.address,
    vipSubnetId: vip.subnetId,
    provider: input.capabilities.provider,
    listeners: listeners.value,
    tags,
    floatingIp: kind === 'LoadBalancer' ? settings.value.floatingIp : null,
    ...settings.value.placement,
    // kuryr emptied the VIP port's security groups when not enforcing them (docs/adr/0013).
    ...(input.config.enforceSgRules === false ? { vipSecurityGroupIds: [] } : {}),
    ...(kind === 'LoadBalancer' && settings.value.internal ? { internal: true as const } : {}),
  };
  for (const ignored of ignoredAnnotations(input.service, ref)) warnings.push(ignored);
  return { kind: 'desired', loadBalancer, warnings: uniqueWarnings(warnings) };
}

/** Who the Service is, whether it is ours, its VIP and the ports we can serve. */
interface Frame {
  readonly ref: ServiceRef;
  readonly kind: ServiceKind;
  readonly vip: Vip;
  readonly ports: readonly ServicePortSpec[];
}

/** Settings shared by all listeners and pools, and the floating IP. */
interface Settings {
  readonly allowedCidrs: readonly string[];
  readonly timeouts: ListenerTimeouts;
  readonly poolOptions: PoolOptions;
  readonly floatingIp: FloatingIpIntent | null;
  /** A type=LoadBalancer Service marked internal: no floating IP, the VIP is its address. */
  readonly internal: boolean;
  /** The timings of every pool's health monitor; null: no monitors. */
  readonly healthMonitor: HealthMonitorSettings | null;
  readonly placement: Placement;
}

function collect<T>(step: Step<T>, warnings: Reason[]): Step<T> {
  // A loop, not push(...): one warning per skipped endpoint can pass a call's argument limit.
  if (step.ok) for (const warning of step.warnings) warnings.push(warning);
  return step;
}

function translateFrame(input: TranslateInput, warnings: Reason[]): Step<Frame> {
  const { service } = input;
  const ref = collect(translateServiceRef(service), warnings);
  if (!ref.ok) return ref;
  // Before any other check: a Service another controller serves is not ours to validate.
  const ours = collect(translateCoexistence(service, ref.value, input.config), warnings);
  if (!ours.ok) return ours;
  const kubernetesApiLb = input.config.kubernetesApiLb === true;
  const kind = collect(translateServiceKind(service, ref.value, { kubernetesApiLb }), warnings);
  if (!kind.ok) return kind;
  const vip = collect(translateVip(kind.value.clusterIp, input.network, ref.value), warnings);
  if (!vip.ok) return vip;
  const declared = collect(readServicePorts(service, ref.value), warnings);
  if (!declared.ok) return declared;
  const ports = collect(selectSupportedPorts(declared.value, input.capabilities, ref.value), warnings);
  if (!ports.ok) return ports;
  return ok({ ref: ref.value, kind: kind.value.kind, vip: vip.value, ports: ports.value });
}

function translateSettings(input: TranslateInput, frame: Frame, warnings: Reason[]): Step<Settings> {
  const { service, capabilities } = input;
  const config = isKubernetesApiService(frame.ref)
    ? kubernetesApiConfig(input.config, capabilities)
    : input.config;
  const access: AccessContext = {
    ref: frame.ref,
    family: frame.vip.ip.family,
    config,
    profile: capabilities,
  };
  const allowedCidrs = collect(translateAllowedCidrs(service, access), warnings);
  if (!allowedCidrs.ok) return allowedCidrs;
  const timeouts = collect(translateListenerTimeouts(service, frame.ref, config, capabilities), warnings);
  if (!timeouts.ok) return timeouts;
  const poolOptions = collect(translatePoolOptions(service, frame.ref, config, capabilities), warnings);
  if (!poolOptions.ok) return poolOptions;
  const healthMonitor = collect(translateHealthMonitorSettings(service, frame.ref, config), warnings);
  if (!healthMonitor.ok) return healthMonitor;
  const placement = collect(translatePlacement(service, frame.ref, config, capabilities), warnings);
  if (!placement.ok) return placement;
  const internal = collect(translateInternal(service, frame.ref), warnings);
  if (!internal.ok) return internal;
  const exposure = { kind: frame.kind, internal: internal.value };
  const floatingIp = collect(translateFloatingIp(service, exposure, access), warnings);
  if (!floatingIp.ok) return floatingIp;
  return ok({
    allowedCidrs: allowedCidrs.value,
    timeouts: timeouts.value,
    poolOptions: poolOptions.value,
    floatingIp: floatingIp.value,
    internal: internal.value,
    healthMonitor: healthMonitor.value,
    placement: placement.value,
  });
}

function translateListeners(
  input: TranslateInput,
  parts: { readonly frame: Frame; readonly settings: Settings; readonly tags: readonly string[] },
): Step<DesiredListener[]> {
  const { frame, settings, tags } = parts;
  const { ref, vip } = frame;
  const { config, network, capabilities } = input;
  const memberContext: MemberContext = {
    ref,
    family: vip.ip.family,
    policy: memberPolicy({
      memberMode: config.memberMode,
      network,
      memberCidrs: config.memberCidrs,
      // kuryr's L3 mode gave members the VIP subnet; OVN refuses a member outside it without one.
      l3SubnetId: requiresMemberSubnet(capabilities) ? vip.subnetId : null,
    }),
    tags,
  };
  const slices = usableSlices(input.slices, ref, vip.ip.family);
  const warnings: Reason[] = [];
  const listeners: DesiredListener[] = [];
  const apiServers = isKubernetesApiService(ref);
  for (const servicePort of frame.ports) {
    const { port } = servicePort;
    const protocol = apiServers
      ? kubernetesApiProtocol(servicePort.protocol, capabilities)
      : servicePort.protocol;
    const members = collect(translateMembers(servicePort, slices, memberContext), warnings);
    if (!members.ok) return members;
    const name = poolName(ref, protocol, port);
    const monitored = { name, protocol, port, tags };
    const monitor = collect(
      healthMonitorFor(settings.healthMonitor, monitored, { ref, profile: capabilities }),
      warnings,
    );
    if (!monitor.ok) return monitor;
    const pool = {
      name,
      protocol,
      ...settings.poolOptions,
      members: members.value,
      tags,
      ...(monitor.value === null ? {} : { healthMonitor: monitor.value }),
    };
    listeners.push({
      name: listenerName(ref, protocol, port),
      protocol,
      protocolPort: port,
      allowedCidrs: settings.allowedCidrs,
      ...settings.timeouts,
      pool,
      tags: [...tags, ...timeoutTags(settings.timeouts)],
    });
  }
  return ok(listeners.sort(compareProtocolPort), warnings);
}

/** The owner identity a translation writes into tags and descriptions. Pure. */
export function ownerOf(config: Pick<TranslateConfig, 'clusterId' | 'writer'>): Owner {
  return { clusterId: config.clusterId, writer: config.writer };
}
