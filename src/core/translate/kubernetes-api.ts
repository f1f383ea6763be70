/**
 * The load balancer of the `default/kubernetes` Service (the API servers), opt-in with
 * `[kuryr_services] kubernetes_api_lb = true`, so pods reach the API through Octavia as they
 * did with kuryr (whose devstack plugin made it by hand: an HTTPS listener on 443, a pool on
 * the API servers' 6443). It is translated like any Service, with two differences:
 * - TCP ports are HTTPS listeners and pools: Octavia's HTTPS protocol is TLS passthrough (the
 *   TLS session runs from the pod to the API server, whose certificate pods verify); where the
 *   provider has no HTTPS (OVN) they stay TCP, which carries the same bytes;
 * - the pools balance LEAST_CONNECTIONS (API clients hold long watches), or the provider's
 *   own algorithm where it has not that one;
 * - the listener timeouts are one hour unless kuryr.conf or the Service's annotations set
 *   them (kuryr's devstack plugin used 3600000 ms: a watch may stay idle far longer than
 *   Octavia's 50 s default).
 * Its members come from the API server's EndpointSlice like any other and pass the same
 * address policy: API servers outside the pod subnets must be allowed by L3 member mode's
 * `[kuryr_services] member_cidrs`.
 */
import { lbAlgorithmFor, supportsTlsPassthrough } from '../capabilities.js';
import type {
  CapabilityProfile,
  LbAlgorithm,
  LbProtocol,
  Protocol,
  ServiceRef,
  TranslateConfig,
} from '../model.js';

/** The API server Service's namespace and name. */
export const KUBERNETES_API_SERVICE = { namespace: 'default', name: 'kubernetes' } as const;

/** True for `default/kubernetes`. */
export function isKubernetesApiService(ref: Pick<ServiceRef, 'namespace' | 'name'>): boolean {
  return ref.namespace === KUBERNETES_API_SERVICE.namespace && ref.name === KUBERNETES_API_SERVICE.name;
}

/** The API servers' listener timeouts when nothing sets them: one hour (kuryr's devstack value). */
export const KUBERNETES_API_TIMEOUT_MS = 3_600_000;

/** The algorithm of the API server pools on `profile`: LEAST_CONNECTIONS where the provider has it. */
export function kubernetesApiAlgorithm(profile: CapabilityProfile): LbAlgorithm {
  return lbAlgorithmFor(profile, 'LEAST_CONNECTIONS');
}

/**
 * The configuration the API server Service is translated with: LEAST_CONNECTIONS (or the
 * provider's own) and one-hour listener timeouts where kuryr.conf sets none. Pure.
 */
export function kubernetesApiConfig(config: TranslateConfig, profile: CapabilityProfile): TranslateConfig {
  return {
    ...config,
    lbAlgorithm: kubernetesApiAlgorithm(profile),
    timeoutClientData: config.timeoutClientData ?? KUBERNETES_API_TIMEOUT_MS,
    timeoutMemberData: config.timeoutMemberData ?? KUBERNETES_API_TIMEOUT_MS,
  };
}

/** The listener and pool protocol of an API server port: HTTPS for TCP where the provider has it. */
export function kubernetesApiProtocol(protocol: Protocol, profile: CapabilityProfile): LbProtocol {
  return protocol === 'TCP' && supportsTlsPassthrough(profile) ? 'HTTPS' : protocol;
}
