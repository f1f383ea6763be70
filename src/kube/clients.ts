/** The Kubernetes API clients the controller uses, built once from a KubeConfig. */
import { CoreV1Api, CustomObjectsApi, DiscoveryV1Api, KubeConfig } from '@kubernetes/client-node';
import { systemClock, type Clock } from '../engine/clock.js';
import { noKubeMetrics, type KubeMetrics } from './metrics.js';

/** How every kube call made through these clients is bounded and observed (see call.ts). */
export interface KubeIo {
  /** Times out calls and measures their duration. */
  readonly clock: Clock;
  readonly metrics: KubeMetrics;
  /** Per-call timeout unless the call names its own (default 15 s). */
  readonly timeoutMs: number;
}

export interface KubeClients {
  readonly kubeConfig: KubeConfig;
  readonly core: CoreV1Api;
  readonly discovery: DiscoveryV1Api;
  readonly custom: CustomObjectsApi;
  readonly io: KubeIo;
}

/** Default per-call timeout of kube calls. */
export const DEFAULT_KUBE_TIMEOUT_MS = 15_000;

/** Builds API clients for `kubeConfig` (no I/O); `io` defaults to the system clock, no metrics, 15 s. */
export function makeKubeClients(kubeConfig: KubeConfig, io: Partial<KubeIo> = {}): KubeClients {
  return {
    kubeConfig,
    core: kubeConfig.makeApiClient(CoreV1Api),
    discovery: kubeConfig.makeApiClient(DiscoveryV1Api),
    custom: kubeConfig.makeApiClient(CustomObjectsApi),
    io: {
      clock: io.clock ?? systemClock(),
      metrics: io.metrics ?? noKubeMetrics(),
      timeoutMs: io.timeoutMs ?? DEFAULT_KUBE_TIMEOUT_MS,
    },
  };
}

/**
 * Loads a KubeConfig: from `path` when given, else in-cluster when running in a pod
 * (KUBERNETES_SERVICE_HOST set), else the default (~/.kube/config, $KUBECONFIG).
 */
export function loadKubeConfig(options: { path?: string; inCluster: boolean }): KubeConfig {
  const kc = new KubeConfig();
  if (options.path !== undefined) kc.loadFromFile(options.path);
  else if (options.inCluster) kc.loadFromCluster();
  else kc.loadFromDefault();
  return kc;
}
