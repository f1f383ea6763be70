/**
 * Core v1 Endpoints → discovery.k8s.io/v1 EndpointSlices, the way Kubernetes' EndpointSlice
 * mirroring controller does it: one slice per subset (and per address family), carrying
 * exactly that subset's ports. Addresses of one subset are never paired with the ports of
 * another (kuryr-kubernetes did, and balanced traffic to ports a pod never opened).
 */
import type {
  CoreV1EndpointPort,
  DiscoveryV1EndpointPort,
  V1Endpoint,
  V1EndpointAddress,
  V1Endpoints,
  V1EndpointSlice,
  V1EndpointSubset,
} from '@kubernetes/client-node';
import { SERVICE_NAME_LABEL } from './translate/members.js';

/** Label naming the Service an EndpointSlice belongs to (the one translate reads). */
export { SERVICE_NAME_LABEL };

/** Label naming the controller that manages an EndpointSlice. */
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
/** The value Kubernetes' mirroring controller puts in {@link MANAGED_BY_LABEL}. */
export const MIRRORING_CONTROLLER = 'endpointslicemirroring-controller.k8s.io';

type AddressType = 'IPv4' | 'IPv6';

/** IPv6 textual addresses always contain a colon, IPv4 never do. */
function addressTypeOf(ip: string): AddressType {
  return ip.includes(':') ? 'IPv6' : 'IPv4';
}

function toEndpoint(address: V1EndpointAddress, ready: boolean): V1Endpoint {
  const endpoint: V1Endpoint = { addresses: [address.ip], conditions: { ready } };
  if (address.hostname !== undefined) endpoint.hostname = address.hostname;
  if (address.nodeName !== undefined) endpoint.nodeName = address.nodeName;
  if (address.targetRef !== undefined) endpoint.targetRef = address.targetRef;
  return endpoint;
}

function toSlicePort(port: CoreV1EndpointPort): DiscoveryV1EndpointPort {
  const slicePort: DiscoveryV1EndpointPort = {
    name: port.name ?? '',
    port: port.port,
    protocol: port.protocol ?? 'TCP',
  };
  if (port.appProtocol !== undefined) slicePort.appProtocol = port.appProtocol;
  return slicePort;
}

function subsetEndpoints(subset: V1EndpointSubset): V1Endpoint[] {
  return [
    ...(subset.addresses ?? []).map((a) => toEndpoint(a, true)),
    ...(subset.notReadyAddresses ?? []).map((a) => toEndpoint(a, false)),
  ];
}

function sliceName(endpointsName: string, subsetIndex: number, type: AddressType): string {
  return `${endpointsName}-subset-${subsetIndex}${type === 'IPv6' ? '-ipv6' : ''}`;
}

/**
 * Converts one Endpoints object into EndpointSlices: one per subset and address family,
 * named `<name>-subset-<i>[-ipv6]`, labelled with the Service name and the mirroring
 * controller. Ready addresses get `conditions.ready: true`, `notReadyAddresses` false.
 * A subset without addresses yields no slice. Pure; never throws.
 */
export function endpointsToSlices(endpoints: V1Endpoints): V1EndpointSlice[] {
  const name = endpoints.metadata?.name ?? '';
  const namespace = endpoints.metadata?.namespace;
  const labels = {
    ...(endpoints.metadata?.labels ?? {}),
    [SERVICE_NAME_LABEL]: name,
    [MANAGED_BY_LABEL]: MIRRORING_CONTROLLER,
  };
  const slices: V1EndpointSlice[] = [];
  (endpoints.subsets ?? []).forEach((subset, index) => {
    const all = subsetEndpoints(subset);
    for (const type of ['IPv4', 'IPv6'] as const) {
      const members = all.filter((e) => e.addresses.every((ip) => addressTypeOf(ip) === type));
      if (members.length === 0) continue;
      slices.push({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: sliceName(name, index, type),
          ...(namespace === undefined ? {} : { namespace }),
          labels: { ...labels },
        },
        addressType: type,
        endpoints: members,
        ports: (subset.ports ?? []).map(toSlicePort),
      });
    }
  });
  return slices;
}
