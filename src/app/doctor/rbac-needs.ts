/**
 * Every Kubernetes permission the controller uses, read from src/kube (and the cluster
 * identity read from the kube-system namespace): what the doctor asks SelfSubjectAccessReview
 * about. Keep in step with the calls there and with deploy/'s ClusterRole.
 */

/** One access to check (SelfSubjectAccessReview resourceAttributes). */
export interface AccessNeed {
  readonly verb: string;
  /** API group, '' for core. */
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  /** Omitted: all namespaces (cluster-wide list/watch, or any namespace). */
  readonly namespace?: string;
  readonly name?: string;
  /** What uses it. */
  readonly why: string;
  /** Needed only with leader election (a missing one is a warning). */
  readonly leaderOnly?: boolean;
}

const KLB = { group: 'openstack.org', resource: 'kuryrloadbalancers' } as const;

/** Where the leader Lease lives. */
export interface LeaseRef {
  readonly namespace: string;
  readonly name: string;
}

/** The permissions of the controller (src/kube: informers, service-writes, events, klb, leader-client). */
export function controllerAccessNeeds(lease: LeaseRef): AccessNeed[] {
  return [
    { verb: 'list', group: '', resource: 'services', why: 'Service informer' },
    { verb: 'watch', group: '', resource: 'services', why: 'Service informer' },
    { verb: 'get', group: '', resource: 'services', why: 'live read before a release' },
    { verb: 'patch', group: '', resource: 'services', why: 'finalizer' },
    { verb: 'patch', group: '', resource: 'services', subresource: 'status', why: 'load balancer ingress' },
    { verb: 'list', group: 'discovery.k8s.io', resource: 'endpointslices', why: 'EndpointSlice informer' },
    { verb: 'watch', group: 'discovery.k8s.io', resource: 'endpointslices', why: 'EndpointSlice informer' },
    { verb: 'create', group: '', resource: 'events', why: 'Events on Services' },
    { verb: 'patch', group: '', resource: 'events', why: 'repeated Events' },
    ...(['get', 'list', 'watch', 'create', 'patch', 'delete'] as const).map((verb) => ({
      verb,
      ...KLB,
      why: 'KuryrLoadBalancer records',
    })),
    { verb: 'patch', ...KLB, subresource: 'status', why: 'KuryrLoadBalancer status' },
    {
      verb: 'get',
      group: '',
      resource: 'namespaces',
      name: 'kube-system',
      why: 'cluster identity (kube-system uid)',
    },
    {
      verb: 'create',
      group: 'coordination.k8s.io',
      resource: 'leases',
      namespace: lease.namespace,
      why: 'leader election',
      leaderOnly: true,
    },
    ...(['get', 'update'] as const).map((verb) => ({
      verb,
      group: 'coordination.k8s.io',
      resource: 'leases',
      namespace: lease.namespace,
      name: lease.name,
      why: 'leader election',
      leaderOnly: true,
    })),
  ];
}

/** `patch services/status` style text of a need, with its scope. */
export function describeNeed(need: AccessNeed): string {
  const group = need.group === '' ? '' : `.${need.group}`;
  const sub = need.subresource === undefined ? '' : `/${need.subresource}`;
  const scope = need.namespace === undefined ? '' : ` in ${need.namespace}`;
  const name = need.name === undefined ? '' : ` ${need.name}`;
  return `${need.verb} ${need.resource}${group}${sub}${name}${scope}`;
}
