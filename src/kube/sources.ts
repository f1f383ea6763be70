/**
 * The three listed resources as reflector sources: typed client-node list calls (one page
 * each, through callKube) and the collection path their watch streams.
 */
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import { callKube } from './call.js';
import type { KubeClients } from './clients.js';
import { KLB_GROUP, KLB_PLURAL, KLB_VERSION, type KuryrLoadBalancer } from './klb-types.js';
import type { ListPage, ReflectorSource } from './reflector.js';

interface ListAnswer<T> {
  readonly items: readonly T[];
  readonly metadata?: {
    readonly resourceVersion?: string;
    readonly _continue?: string;
    readonly continue?: string;
  };
}

function pageOf<T>(answer: ListAnswer<T>): ListPage<T> {
  return {
    items: answer.items,
    resourceVersion: answer.metadata?.resourceVersion ?? '',
    continueToken: answer.metadata?._continue ?? answer.metadata?.continue,
  };
}

const cont = (token: string | undefined): { _continue?: string } =>
  token === undefined ? {} : { _continue: token };

/** Services in all namespaces. */
export function serviceSource(clients: KubeClients): ReflectorSource<V1Service> {
  return {
    resource: 'services',
    operation: 'service',
    watchPath: '/api/v1/services',
    listPage: async (req, signal) =>
      pageOf(
        await callKube(
          clients,
          { operation: 'service.list', object: 'Services (all namespaces)', signal },
          (o) =>
            clients.core.listServiceForAllNamespaces({ limit: req.limit, ...cont(req.continueToken) }, o),
        ),
      ),
  };
}

/** discovery.k8s.io/v1 EndpointSlices in all namespaces. */
export function sliceSource(clients: KubeClients): ReflectorSource<V1EndpointSlice> {
  return {
    resource: 'endpointslices',
    operation: 'endpointslice',
    watchPath: '/apis/discovery.k8s.io/v1/endpointslices',
    listPage: async (req, signal) =>
      pageOf(
        await callKube(
          clients,
          { operation: 'endpointslice.list', object: 'EndpointSlices (all namespaces)', signal },
          (o) =>
            clients.discovery.listEndpointSliceForAllNamespaces(
              { limit: req.limit, ...cont(req.continueToken) },
              o,
            ),
        ),
      ),
  };
}

function klbList(answer: unknown): ListAnswer<KuryrLoadBalancer> {
  const list = answer as { items?: unknown; metadata?: ListAnswer<KuryrLoadBalancer>['metadata'] };
  if (!Array.isArray(list.items)) throw new Error('KuryrLoadBalancer list answer without items');
  return {
    items: list.items as KuryrLoadBalancer[],
    ...(list.metadata === undefined ? {} : { metadata: list.metadata }),
  };
}

/** KuryrLoadBalancers (openstack.org/v1) in all namespaces, through the CustomObjectsApi. */
export function klbSource(clients: KubeClients): ReflectorSource<KuryrLoadBalancer> {
  return {
    resource: 'kuryrloadbalancers',
    operation: 'klb',
    watchPath: `/apis/${KLB_GROUP}/${KLB_VERSION}/${KLB_PLURAL}`,
    listPage: async (req, signal) =>
      pageOf(
        klbList(
          await callKube(
            clients,
            { operation: 'klb.list', object: 'KuryrLoadBalancers (all namespaces)', signal },
            (o) =>
              clients.custom.listClusterCustomObject(
                {
                  group: KLB_GROUP,
                  version: KLB_VERSION,
                  plural: KLB_PLURAL,
                  limit: req.limit,
                  ...cont(req.continueToken),
                },
                o,
              ),
          ),
        ),
      ),
  };
}
