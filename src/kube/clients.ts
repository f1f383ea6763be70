/** The Kubernetes API clients the controller uses, built once from a KubeConfig. */
import { CoreV1Api, CustomObjectsApi, DiscoveryV1Api, KubeConfig } from '@kubernetes/client-node';

export interface KubeClients {
  readonly kubeConfig: KubeConfig;
  readonly core: CoreV1Api;
  readonly discovery: DiscoveryV1Api;
  readonly custom: CustomObjectsApi;
}

/** Builds API clients for `kubeConfig` (no I/O). */
export function makeKubeClients(kubeConfig: KubeConfig): KubeClients {
  return {
    kubeConfig,
    core: kubeConfig.makeApiClient(CoreV1Api),
    discovery: kubeConfig.makeApiClient(DiscoveryV1Api),
    custom: kubeConfig.makeApiClient(CustomObjectsApi),
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
