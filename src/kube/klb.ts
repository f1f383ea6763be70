/**
 * The KuryrLoadBalancer custom resource (`openstack.org/v1`, kuryr's schema): one per
 * implemented Service, same namespace and name, owned by the Service (so it is garbage
 * collected with it). `spec` records the desired state, `status` the Octavia/Neutron ids.
 * It is a record and a hint; Octavia itself is always observed.
 */
import { isDeepStrictEqual } from 'node:util';
import { PatchStrategy, setHeaderOptions, type V1Service } from '@kubernetes/client-node';
import type { KubeClients } from './clients.js';
import { KubeApiError, kubeCall } from './errors.js';

export const KLB_GROUP = 'openstack.org';
export const KLB_VERSION = 'v1';
export const KLB_PLURAL = 'kuryrloadbalancers';
export const KLB_KIND = 'KuryrLoadBalancer';

export interface KlbPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: string;
  readonly targetPort: string;
}

export interface KlbSpec {
  readonly ip: string;
  readonly subnet_id: string;
  readonly type: string;
  readonly provider: string;
  readonly ports: readonly KlbPort[];
  readonly lb_ip?: string;
  readonly timeout_client_data?: number;
  readonly timeout_member_data?: number;
  readonly project_id?: string;
}

export interface KlbCondition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
}

export interface KlbStatus {
  readonly loadbalancer?: {
    readonly id: string;
    readonly ip: string;
    readonly name: string;
    readonly port_id: string | null;
    readonly subnet_id: string;
    readonly provider: string;
    readonly provisioning_status: string;
  };
  readonly listeners?: readonly {
    id: string;
    name: string;
    port: number;
    protocol: string;
    loadbalancer_id: string;
  }[];
  readonly pools?: readonly {
    id: string;
    name: string;
    protocol: string;
    listener_id: string | null;
    loadbalancer_id: string;
  }[];
  readonly members?: readonly {
    id: string;
    name: string;
    ip: string;
    port: number;
    pool_id: string;
    subnet_id: string | null;
  }[];
  readonly service_pub_ip_info?: { ip_id: string; ip_addr: string; alloc_method: 'pool' | 'user' } | null;
  readonly conditions?: readonly KlbCondition[];
}

export interface KuryrLoadBalancer {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name?: string; namespace?: string; resourceVersion?: string; uid?: string };
  readonly spec?: KlbSpec;
  readonly status?: KlbStatus;
}

const ref = (namespace: string, name: string) => ({
  group: KLB_GROUP,
  version: KLB_VERSION,
  plural: KLB_PLURAL,
  namespace,
  name,
});

/** Reads the CR, or null when it does not exist. */
export async function getKlb(
  clients: KubeClients,
  namespace: string,
  name: string,
): Promise<KuryrLoadBalancer | null> {
  try {
    return (await kubeCall(`get KuryrLoadBalancer ${namespace}/${name}`, () =>
      clients.custom.getNamespacedCustomObject(ref(namespace, name)),
    )) as KuryrLoadBalancer;
  } catch (err) {
    if (err instanceof KubeApiError && err.isNotFound) return null;
    throw err;
  }
}

/** Creates the CR owned by `svc`, or merge-patches its spec when it differs. Idempotent. */
export async function ensureKlbSpec(
  clients: KubeClients,
  svc: V1Service,
  spec: KlbSpec,
): Promise<KuryrLoadBalancer> {
  const namespace = svc.metadata?.namespace ?? '';
  const name = svc.metadata?.name ?? '';
  const existing = await getKlb(clients, namespace, name);
  if (existing === null) {
    const body = {
      apiVersion: `${KLB_GROUP}/${KLB_VERSION}`,
      kind: KLB_KIND,
      metadata: {
        name,
        namespace,
        ownerReferences: [
          {
            apiVersion: 'v1',
            kind: 'Service',
            name,
            uid: svc.metadata?.uid ?? '',
            controller: true,
            blockOwnerDeletion: false,
          },
        ],
      },
      spec,
    };
    return (await kubeCall(`create KuryrLoadBalancer ${namespace}/${name}`, () =>
      clients.custom.createNamespacedCustomObject({ ...ref(namespace, name), body }),
    )) as KuryrLoadBalancer;
  }
  // Key order is not compared: the API server returns custom resources with sorted keys.
  if (isDeepStrictEqual(existing.spec, spec)) return existing;
  // A JSON-patch `replace` of the whole spec: a merge patch could not remove keys we no longer set.
  const body = [{ op: existing.spec === undefined ? 'add' : 'replace', path: '/spec', value: spec }];
  return (await kubeCall(`patch KuryrLoadBalancer ${namespace}/${name} spec`, () =>
    clients.custom.patchNamespacedCustomObject(
      { ...ref(namespace, name), body },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    ),
  )) as KuryrLoadBalancer;
}

/** Replaces the CR's status (status subresource) when it differs from `current`. */
export async function writeKlbStatus(
  clients: KubeClients,
  current: KuryrLoadBalancer,
  status: KlbStatus,
): Promise<void> {
  if (isDeepStrictEqual(current.status ?? {}, status)) return;
  const namespace = current.metadata.namespace ?? '';
  const name = current.metadata.name ?? '';
  const body = [{ op: current.status === undefined ? 'add' : 'replace', path: '/status', value: status }];
  await kubeCall(`patch KuryrLoadBalancer ${namespace}/${name} status`, () =>
    clients.custom.patchNamespacedCustomObjectStatus(
      { ...ref(namespace, name), body },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    ),
  );
}

/** Deletes the CR; absent is fine. */
export async function deleteKlb(clients: KubeClients, namespace: string, name: string): Promise<void> {
  try {
    await kubeCall(`delete KuryrLoadBalancer ${namespace}/${name}`, () =>
      clients.custom.deleteNamespacedCustomObject(ref(namespace, name)),
    );
  } catch (err) {
    if (err instanceof KubeApiError && err.isNotFound) return;
    throw err;
  }
}
