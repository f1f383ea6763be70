/**
 * What every contract test file uses: the KubeConfig of the target API server (from the
 * global setup), API clients, and a test namespace with a random name that is deleted when
 * the file ends, so the suite is safe to run against a real cluster.
 */
import {
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  KubeConfig,
  ApiextensionsV1Api,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

/** The API server under contract and clients for it. */
export interface Target {
  readonly kc: KubeConfig;
  /** True for a real API server (KS_KUBE_CONTRACT_KUBECONFIG), false for the simulated one. */
  readonly real: boolean;
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  readonly discovery: DiscoveryV1Api;
  readonly coordination: CoordinationV1Api;
  readonly apiextensions: ApiextensionsV1Api;
}

/** Bounded waits: generous, since a real server's controllers (GC, namespaces) are asynchronous. */
export const WAIT_MS = 30_000;

/** Polls `condition` (sync or async) until true; rejects after WAIT_MS. */
export async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`contract: ${what} not seen within ${WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The target of this run. */
export function target(): Target {
  const { kubeconfig, real } = inject('kubeContract');
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return {
    kc,
    real,
    core: kc.makeApiClient(CoreV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    discovery: kc.makeApiClient(DiscoveryV1Api),
    coordination: kc.makeApiClient(CoordinationV1Api),
    apiextensions: kc.makeApiClient(ApiextensionsV1Api),
  };
}

/** A short random suffix for names of this run. */
export function randomSuffix(): string {
  return randomBytes(4).toString('hex');
}

/** Creates a namespace `kc-<prefix>-<random>`; `remove()` deletes it (not waiting for it to go). */
export async function testNamespace(
  t: Target,
  prefix: string,
): Promise<{ name: string; remove(): Promise<void> }> {
  const name = `kc-${prefix}-${randomSuffix()}`;
  await t.core.createNamespace({
    body: { metadata: { name, labels: { 'kuryr-services.test/contract': 'true' } } },
  });
  return {
    name,
    remove: async () => {
      await t.core.deleteNamespace({ name });
    },
  };
}
