/**
 * The doctor's Kubernetes reads: Services and EndpointSlices (for the service CIDR and the
 * quota needs), the `kubernetes` Service, the KuryrLoadBalancer CRD, the kube-system
 * namespace and one SelfSubjectAccessReview per permission. Nothing is written: a
 * SelfSubjectAccessReview create is a question the API server answers and stores nothing.
 */
import {
  ApiextensionsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  type KubeConfig,
  type V1EndpointSlice,
  type V1Namespace,
  type V1Service,
} from '@kubernetes/client-node';
import { kubeCall, KubeApiError } from '../../kube/errors.js';
import { describeError } from './check.js';
import { readFailed, readOk, type Read } from './facts.js';
import { KLB_CRD_NAME, type AccessAnswer, type CrdInfo } from './kube-checks.js';
import type { AccessNeed } from './rbac-needs.js';

/** Everything read from the cluster. */
export interface KubeFacts {
  readonly user: string;
  readonly services: Read<readonly V1Service[]>;
  readonly slices: Read<readonly V1EndpointSlice[]>;
  /** The `default/kubernetes` Service's ClusterIP; null when absent. */
  readonly kubernetesIp: Read<string | null>;
  readonly crd: Read<CrdInfo | null>;
  readonly identity: Read<string>;
  readonly access: readonly AccessAnswer[];
}

async function attempt<T>(operation: string, call: () => Promise<T>): Promise<Read<T>> {
  try {
    return readOk(await kubeCall(operation, call));
  } catch (err) {
    return readFailed(describeError(err));
  }
}

/** Runs `call`; a 404 answer is `null`. */
async function orAbsent<T>(operation: string, call: () => Promise<T>): Promise<Read<T | null>> {
  try {
    return readOk(await kubeCall(operation, call));
  } catch (err) {
    if (err instanceof KubeApiError && err.isNotFound) return readOk(null);
    return readFailed(describeError(err));
  }
}

function crdInfo(crd: Awaited<ReturnType<ApiextensionsV1Api['readCustomResourceDefinition']>>): CrdInfo {
  const established = (crd.status?.conditions ?? []).some(
    (c) => c.type === 'Established' && c.status === 'True',
  );
  const versions = crd.spec.versions.map((v) => ({ name: v.name, served: v.served, storage: v.storage }));
  return { established, versions };
}

async function review(api: AuthorizationV1Api, need: AccessNeed): Promise<AccessAnswer> {
  const resourceAttributes = {
    verb: need.verb,
    group: need.group,
    resource: need.resource,
    ...(need.subresource === undefined ? {} : { subresource: need.subresource }),
    ...(need.namespace === undefined ? {} : { namespace: need.namespace }),
    ...(need.name === undefined ? {} : { name: need.name }),
  };
  const answer = await attempt('selfsubjectaccessreview.create', () =>
    api.createSelfSubjectAccessReview({
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes },
      },
    }),
  );
  if (!answer.ok) return { need, allowed: answer };
  const status = answer.value.status;
  if (status === undefined) return { need, allowed: readFailed('the API server answered without a status') };
  return { need, allowed: readOk({ allowed: status.allowed, reason: status.reason ?? '' }) };
}

/** The kube-system namespace's uid (the cluster id), or why it cannot be had. */
function identityOf(namespace: Read<V1Namespace>): Read<string> {
  if (!namespace.ok) return namespace;
  const uid = namespace.value.metadata?.uid;
  return uid === undefined || uid === '' ? readFailed('it has no uid') : readOk(uid);
}

/** Reads every cluster fact; a failed read is recorded, never thrown. */
export async function readKubeFacts(
  kubeConfig: KubeConfig,
  needs: readonly AccessNeed[],
): Promise<KubeFacts> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const discovery = kubeConfig.makeApiClient(DiscoveryV1Api);
  const extensions = kubeConfig.makeApiClient(ApiextensionsV1Api);
  const authz = kubeConfig.makeApiClient(AuthorizationV1Api);
  const [services, slices, kubernetes, crd, namespace] = await Promise.all([
    attempt('service.list', async () => (await core.listServiceForAllNamespaces()).items),
    attempt('endpointslice.list', async () => (await discovery.listEndpointSliceForAllNamespaces()).items),
    orAbsent('service.get', () => core.readNamespacedService({ name: 'kubernetes', namespace: 'default' })),
    orAbsent('customresourcedefinition.get', () =>
      extensions.readCustomResourceDefinition({ name: KLB_CRD_NAME }),
    ),
    attempt('namespace.get', () => core.readNamespace({ name: 'kube-system' })),
  ]);
  const access: AccessAnswer[] = [];
  for (const need of needs) access.push(await review(authz, need));
  return {
    user: kubeConfig.getCurrentUser()?.name ?? 'the current user',
    services,
    slices,
    kubernetesIp: kubernetes.ok ? readOk(kubernetes.value?.spec?.clusterIP ?? null) : kubernetes,
    crd: crd.ok ? readOk(crd.value === null ? null : crdInfo(crd.value)) : crd,
    identity: identityOf(namespace),
    access,
  };
}
