/**
 * Reads what the status table needs with list calls: Services, KuryrLoadBalancers and Events
 * (one list each, of one namespace or all), the load balancers tagged with our cluster id
 * (one list), the project's floating IPs (one list), and a status tree per shown load
 * balancer that is not being deleted (the only per-object call: members and their operating
 * status are not in any list).
 */
import type { CoreV1Event, V1Service } from '@kubernetes/client-node';
import { ownedServiceKey } from '../../core/naming.js';
import { clusterTag, isOwnedByCluster, OWNER_TAG, type Owner } from '../../core/ownership.js';
import { callKube } from '../../kube/call.js';
import type { KubeClients } from '../../kube/clients.js';
import { KLB_GROUP, KLB_PLURAL, KLB_VERSION, type KuryrLoadBalancer } from '../../kube/klb-types.js';
import { NotFoundError } from '../../openstack/errors.js';
import * as floatingips from '../../openstack/neutron/floatingips.js';
import * as loadbalancers from '../../openstack/octavia/loadbalancers.js';
import type { StatusTree } from '../../openstack/octavia/statuses.js';
import type { OpenStackSession } from '../../openstack/session.js';
import { buildStatusRows, type StatusRow } from './rows.js';

/** Where `readStatusRows` reads from. */
export interface StatusReadInput {
  readonly kube: KubeClients;
  readonly session: OpenStackSession;
  readonly owner: Owner;
  readonly projectId: string;
  /** One namespace, or undefined for all. */
  readonly namespace?: string;
  readonly signal?: AbortSignal;
}

interface KubeLists {
  readonly services: V1Service[];
  readonly klbs: KuryrLoadBalancer[];
  readonly events: CoreV1Event[];
}

async function listKube(input: StatusReadInput): Promise<KubeLists> {
  const { kube } = input;
  const { core, custom } = kube;
  const crd = { group: KLB_GROUP, version: KLB_VERSION, plural: KLB_PLURAL };
  const ns = input.namespace;
  const where = ns === undefined ? '(all namespaces)' : `in ${ns}`;
  const signal = input.signal ?? new AbortController().signal;
  const call = <T>(operation: string, what: string, fn: Parameters<typeof callKube<T>>[2]) =>
    callKube(kube, { operation, object: `${what} ${where}`, signal }, fn);
  const [services, klbs, events] = await Promise.all([
    call('service.list', 'Services', (o) =>
      ns === undefined
        ? core.listServiceForAllNamespaces({}, o)
        : core.listNamespacedService({ namespace: ns }, o),
    ),
    call(
      'klb.list',
      'KuryrLoadBalancers',
      (o) =>
        (ns === undefined
          ? custom.listCustomObjectForAllNamespaces(crd, o)
          : custom.listNamespacedCustomObject({ ...crd, namespace: ns }, o)) as Promise<unknown>,
    ),
    call('event.list', 'Events', (o) =>
      ns === undefined
        ? core.listEventForAllNamespaces({}, o)
        : core.listNamespacedEvent({ namespace: ns }, o),
    ),
  ]);
  const klbItems = ((klbs as { items?: KuryrLoadBalancer[] }).items ?? []).filter(
    (k) => k.metadata.name !== undefined,
  );
  return { services: services.items, klbs: klbItems, events: events.items };
}

async function treeOrNull(
  session: OpenStackSession,
  id: string,
  signal: AbortSignal | undefined,
): Promise<[string, StatusTree] | null> {
  try {
    return [id, await loadbalancers.statusTree(session, id, signal)];
  } catch (err) {
    if (err instanceof NotFoundError) return null; // deleted between the list and now
    throw err;
  }
}

/** Reads every source once and builds the rows. Throws the typed Kubernetes / OpenStack errors. */
export async function readStatusRows(input: StatusReadInput): Promise<StatusRow[]> {
  const { session, owner, projectId, signal } = input;
  const tags = [OWNER_TAG, clusterTag(owner.clusterId)];
  const [kube, lbs, fips] = await Promise.all([
    listKube(input),
    loadbalancers.listAll(session, { tags, projectId }, signal),
    floatingips.listAll(session, { projectId }, signal),
  ]);
  const keyed = lbs.flatMap((lb) => {
    const key = isOwnedByCluster(lb.tags, owner) ? ownedServiceKey({ ...lb, owned: true }, owner) : null;
    return key === null ? [] : [{ key, lb }];
  });
  const shown = keyed.filter(
    ({ key, lb }) =>
      (input.namespace === undefined || key.startsWith(`${input.namespace}/`)) &&
      lb.provisioningStatus !== 'PENDING_DELETE' &&
      lb.provisioningStatus !== 'DELETED',
  );
  const trees = await Promise.all(shown.map(({ lb }) => treeOrNull(session, lb.id, signal)));
  return buildStatusRows({
    ...kube,
    loadBalancers: keyed,
    floatingIps: fips,
    trees: new Map(trees.filter((t) => t !== null)),
    ...(input.namespace === undefined ? {} : { namespace: input.namespace }),
  });
}
