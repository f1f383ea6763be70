/**
 * The Service-level steps of `translate`: who the Service is, whether it is ours to
 * implement (kuryr's skip rules), and its VIP (the ClusterIP on exactly one service subnet).
 */
import type { V1Service } from '@kubernetes/client-node';
import { parseIp, type ParsedIp } from '../ip.js';
import type { NetworkContext, ServiceRef } from '../model.js';
import { describeSubnets, subnetsContaining } from '../network-context.js';
import { serviceKey } from '../naming.js';
import { uidTag, MAX_TAG_LENGTH } from '../ownership.js';
import { isKubernetesApiService } from './kubernetes-api.js';
import { invalid, ok, skip, type Step } from './step.js';

/** Reads namespace, name and uid; invalid when one is missing or the uid cannot fit a tag. */
export function translateServiceRef(service: V1Service): Step<ServiceRef> {
  const { namespace, name, uid } = service.metadata ?? {};
  if (namespace === undefined || namespace === '') return invalid('Service has no metadata.namespace');
  if (name === undefined || name === '')
    return invalid(`Service in namespace ${namespace} has no metadata.name`);
  const key = serviceKey({ namespace, name });
  if (uid === undefined || uid === '') return invalid(`Service ${key} has no metadata.uid`);
  if (uidTag(uid).length > MAX_TAG_LENGTH) {
    return invalid(`Service ${key} has a metadata.uid too long for a Neutron tag: ${uid}`);
  }
  return ok({ namespace, name, uid });
}

/** The kind of load balancer a Service type asks for. */
export type ServiceKind = 'ClusterIP' | 'LoadBalancer';

/**
 * Decides whether we implement `service`: skip (with the reason) for ExternalName, NodePort,
 * headless, not-yet-allocated ClusterIP and port-less Services, and for default/kubernetes
 * unless `kubernetesApiLb` (kuryr.conf `[kuryr_services] kubernetes_api_lb`);
 * invalid for an unknown type. Returns the ClusterIP text and the kind.
 */
export function translateServiceKind(
  service: V1Service,
  ref: ServiceRef,
  options: { readonly kubernetesApiLb: boolean } = { kubernetesApiLb: false },
): Step<{ kind: ServiceKind; clusterIp: string }> {
  const key = serviceKey(ref);
  const type = service.spec?.type ?? 'ClusterIP';
  const byType = typeDecision(type, ref, options.kubernetesApiLb);
  if (byType !== undefined) return byType;
  const clusterIp = service.spec?.clusterIP;
  if (clusterIp === 'None') return skip(`Service ${key} is headless (clusterIP: None): no load balancer`);
  if (clusterIp === undefined || clusterIp === '') {
    return skip(`Service ${key} has no ClusterIP yet: waiting for Kubernetes to allocate one`);
  }
  if ((service.spec?.ports ?? []).length === 0)
    return skip(`Service ${key} has no ports: nothing to balance`);
  return ok({ kind: type as ServiceKind, clusterIp });
}

/** Skip or invalid by Service type (and for default/kubernetes); undefined for a type we serve. */
function typeDecision(type: string, ref: ServiceRef, kubernetesApiLb: boolean): Step<never> | undefined {
  const key = serviceKey(ref);
  if (type === 'ExternalName')
    return skip(`Service ${key} is of type ExternalName (a DNS alias): no load balancer`);
  if (isKubernetesApiService(ref) && !kubernetesApiLb) {
    return skip(
      'Service default/kubernetes (the API servers) gets no load balancer: kuryr.conf [kuryr_services] kubernetes_api_lb = false',
    );
  }
  if (type === 'NodePort')
    return skip(`Service ${key} is of type NodePort: not implemented by kuryr-services`);
  if (type !== 'ClusterIP' && type !== 'LoadBalancer') {
    return invalid(`Service ${key} has an unknown spec.type "${type}"`);
  }
  return undefined;
}

/** The VIP: the ClusterIP and the one service subnet containing it. */
export interface Vip {
  readonly ip: ParsedIp;
  readonly subnetId: string;
}

/** Finds the VIP's subnet; invalid when the ClusterIP is malformed or in no or several service subnets. */
export function translateVip(clusterIp: string, network: NetworkContext, ref: ServiceRef): Step<Vip> {
  const key = serviceKey(ref);
  const ip = parseIp(clusterIp);
  if (ip === null) return invalid(`Service ${key} has a malformed spec.clusterIP "${clusterIp}"`);
  const found = subnetsContaining(network, network.serviceSubnetIds, ip.address);
  const subnets = describeSubnets(network, network.serviceSubnetIds);
  const [only] = found;
  if (only === undefined) {
    return invalid(
      `Service ${key}: clusterIP ${ip.address} is in no service subnet (service subnets: ${subnets})`,
    );
  }
  if (found.length > 1) {
    const which = describeSubnets(
      network,
      found.map((s) => s.id),
    );
    return invalid(`Service ${key}: clusterIP ${ip.address} is in several service subnets: ${which}`);
  }
  return ok({ ip, subnetId: only.id });
}
