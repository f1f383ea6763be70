/**
 * Builders for the inputs of `translate`: Services, EndpointSlices and the context they
 * are translated in. Defaults describe one small healthy cluster (service subnet
 * 10.2.0.0/16, pod subnet 10.1.0.0/16, Octavia 2.27 amphora); override what a test is about.
 */
import type { Owner } from '../../src/core/ownership.js';
import type {
  V1Endpoint,
  DiscoveryV1EndpointPort,
  V1EndpointSlice,
  V1Service,
  V1ServicePort,
} from '@kubernetes/client-node';
import type { TranslateInput } from '../../src/core/translate/translate.js';
import type { CapabilityProfile, NetworkContext, SubnetInfo, TranslateConfig } from '../../src/core/model.js';
import { NEWEST_SUPPORTED_API } from '../../src/core/capabilities.js';

export const SERVICE_SUBNET: SubnetInfo = {
  id: 'service-subnet-id',
  cidr: '10.2.0.0/16',
  gatewayIp: '10.2.255.254',
  ipVersion: 4,
  allocationPools: [{ start: '10.2.128.1', end: '10.2.255.253' }],
  networkId: 'service-network-id',
};
export const POD_SUBNET: SubnetInfo = {
  id: 'pod-subnet-id',
  cidr: '10.1.0.0/16',
  gatewayIp: '10.1.255.254',
  ipVersion: 4,
  allocationPools: [{ start: '10.1.0.1', end: '10.1.255.253' }],
  networkId: 'pod-network-id',
};
export const SERVICE_SUBNET_V6: SubnetInfo = {
  id: 'service-subnet-v6-id',
  cidr: 'fd00:2::/112',
  gatewayIp: null,
  ipVersion: 6,
  allocationPools: [],
  networkId: 'service-network-id',
};
export const POD_SUBNET_V6: SubnetInfo = {
  id: 'pod-subnet-v6-id',
  cidr: 'fd00:1::/64',
  gatewayIp: null,
  ipVersion: 6,
  allocationPools: [],
  networkId: 'pod-network-id',
};
export const DEFAULT_UID = '6f1f2b7e-0000-4000-8000-000000000001';

/** A NetworkContext over `subnets` (default: the IPv4 and IPv6 service and pod subnets above). */
export function aNetworkContext(
  opts: {
    subnets?: readonly SubnetInfo[];
    serviceSubnetIds?: readonly string[];
    podSubnetIds?: readonly string[];
  } = {},
): NetworkContext {
  const subnets = opts.subnets ?? [SERVICE_SUBNET, POD_SUBNET, SERVICE_SUBNET_V6, POD_SUBNET_V6];
  return {
    subnets: new Map(subnets.map((s) => [s.id, s])),
    serviceSubnetIds: opts.serviceSubnetIds ?? [SERVICE_SUBNET.id, SERVICE_SUBNET_V6.id],
    podSubnetIds: opts.podSubnetIds ?? [POD_SUBNET.id, POD_SUBNET_V6.id],
  };
}

/** The owner identity tests use for cluster `clusterId`: its writer is derived from it. */
export function anOwner(clusterId = 'c1'): Owner {
  return { clusterId, writer: `writer-${clusterId}` };
}

/** kuryr's defaults plus cluster id `c1` (writer `writer-c1`), L2 members and an external network. */
export function aTranslateConfig(overrides: Partial<TranslateConfig> = {}): TranslateConfig {
  const clusterId = overrides.clusterId ?? 'c1';
  return {
    clusterId,
    writer: anOwner(clusterId).writer,
    memberMode: 'L2',
    lbAlgorithm: 'ROUND_ROBIN',
    timeoutClientData: null,
    timeoutMemberData: null,
    externalSvcNet: 'public-network-id',
    externalSvcSubnet: null,
    resourceTags: [],
    enableSessionAffinity: true,
    enableSourceRanges: true,
    memberCidrs: [],
    loadBalancerClass: null,
    ignoreForeignServices: false,
    ...overrides,
  };
}

/** A modern amphora Octavia (the newest API we know) unless overridden. */
export function aProfile(overrides: Partial<CapabilityProfile> = {}): CapabilityProfile {
  return { apiVersion: NEWEST_SUPPORTED_API, provider: 'amphora', legacyLbaasV2: false, ...overrides };
}

/** A Service port: TCP, unnamed, targetPort = port unless given. */
export function aServicePort(
  port: number,
  opts: { name?: string; protocol?: string; targetPort?: number | string } = {},
): V1ServicePort {
  return {
    port,
    protocol: opts.protocol ?? 'TCP',
    targetPort: opts.targetPort ?? port,
    ...(opts.name === undefined ? {} : { name: opts.name }),
  };
}

export interface ServiceSpecOptions {
  namespace?: string;
  name?: string;
  uid?: string;
  type?: string;
  /** `null` leaves spec.clusterIP unset. */
  clusterIP?: string | null;
  ports?: V1ServicePort[];
  annotations?: Record<string, string>;
  sessionAffinity?: string;
  loadBalancerIP?: string;
  loadBalancerSourceRanges?: string[];
}

/** A ClusterIP Service default/web (10.2.0.10, TCP 80 → 8080) unless overridden. */
export function aService(opts: ServiceSpecOptions = {}): V1Service {
  const spec = {
    type: opts.type ?? 'ClusterIP',
    ports: opts.ports ?? [aServicePort(80, { targetPort: 8080 })],
    ...(opts.clusterIP === null ? {} : { clusterIP: opts.clusterIP ?? '10.2.0.10' }),
    ...(opts.sessionAffinity === undefined ? {} : { sessionAffinity: opts.sessionAffinity }),
    ...(opts.loadBalancerIP === undefined ? {} : { loadBalancerIP: opts.loadBalancerIP }),
    ...(opts.loadBalancerSourceRanges === undefined
      ? {}
      : { loadBalancerSourceRanges: opts.loadBalancerSourceRanges }),
  };
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      namespace: opts.namespace ?? 'default',
      name: opts.name ?? 'web',
      uid: opts.uid ?? DEFAULT_UID,
      ...(opts.annotations === undefined ? {} : { annotations: opts.annotations }),
    },
    spec,
  };
}

/** An endpoint: ready pod `pod` (namespace `podNamespace`, default `default`) at `address`. */
export function anEndpoint(
  address: string,
  opts: { pod?: string | null; podNamespace?: string; ready?: boolean | null; terminating?: boolean } = {},
): V1Endpoint {
  const ready = opts.ready === undefined ? true : opts.ready;
  const pod = opts.pod === undefined ? `pod-${address.replace(/[.:]/g, '-')}` : opts.pod;
  return {
    addresses: [address],
    conditions: {
      ...(ready === null ? {} : { ready }),
      ...(opts.terminating === undefined ? {} : { terminating: opts.terminating, serving: true }),
    },
    ...(pod === null
      ? {}
      : { targetRef: { kind: 'Pod', namespace: opts.podNamespace ?? 'default', name: pod } }),
  };
}

/** A slice port (TCP unless given). */
export function aSlicePort(
  port: number,
  opts: { name?: string; protocol?: string } = {},
): DiscoveryV1EndpointPort {
  return { port, protocol: opts.protocol ?? 'TCP', ...(opts.name === undefined ? {} : { name: opts.name }) };
}

export interface SliceOptions {
  service?: string;
  namespace?: string;
  name?: string;
  addressType?: string;
  ports?: DiscoveryV1EndpointPort[];
  endpoints?: V1Endpoint[];
}

/** An EndpointSlice of Service default/web (IPv4, port '' → 8080) unless overridden. */
export function anEndpointSlice(opts: SliceOptions = {}): V1EndpointSlice {
  const service = opts.service ?? 'web';
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      namespace: opts.namespace ?? 'default',
      name: opts.name ?? `${service}-abcde`,
      labels: { 'kubernetes.io/service-name': service },
    },
    addressType: opts.addressType ?? 'IPv4',
    ports: opts.ports ?? [aSlicePort(8080, { name: '' })],
    endpoints: opts.endpoints ?? [],
  };
}

/** A full TranslateInput from the defaults above; override any part. */
export function aTranslateInput(overrides: Partial<TranslateInput> = {}): TranslateInput {
  return {
    service: aService(),
    slices: [anEndpointSlice({ endpoints: [anEndpoint('10.1.0.5'), anEndpoint('10.1.0.4')] })],
    config: aTranslateConfig(),
    network: aNetworkContext(),
    capabilities: aProfile(),
    ...overrides,
  };
}
