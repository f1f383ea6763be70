/** Builders for the plan/apply table tests: one Service, its desired LB, observed trees. */
import { anOwner } from '../../../support/builders.js';
import type { Action, Plan } from '../../../../src/core/plan/actions.js';
import { apply } from '../../../support/plan-oracle/apply.js';
import type {
  DesiredListener,
  DesiredLoadBalancer,
  DesiredMember,
  Observed,
  ObservedFloatingIp,
  ObservedLoadBalancer,
  Protocol,
  ServiceRef,
} from '../../../../src/core/model.js';
import { ownershipTags } from '../../../../src/core/ownership.js';
import { plan } from '../../../../src/core/plan/plan.js';

export const CLUSTER = 'c1';
export const SERVICE: ServiceRef = { namespace: 'default', name: 'web', uid: 'uid-1' };
export const OWNED: readonly string[] = ownershipTags(anOwner(CLUSTER), SERVICE);
export const OLD_INCARNATION: readonly string[] = ownershipTags(anOwner(CLUSTER), {
  ...SERVICE,
  uid: 'uid-0',
});
export const FOREIGN: readonly string[] = ['someone-else'];
export const EXT_NET = 'ext-net';
export const EMPTY: Observed = { loadBalancers: [], floatingIps: [] };

export function member(address: string, protocolPort = 8080, name = `pod-${address}`): DesiredMember {
  return { name, address, protocolPort, subnetId: 'pod-subnet', tags: OWNED };
}

export interface ListenerSpec {
  readonly protocol?: Protocol;
  readonly port: number;
  readonly members?: readonly DesiredMember[];
  readonly allowedCidrs?: readonly string[];
}

export function listener(spec: ListenerSpec): DesiredListener {
  const protocol = spec.protocol ?? 'TCP';
  const name = `default/web:${protocol}:${spec.port}`;
  return {
    name,
    protocol,
    protocolPort: spec.port,
    allowedCidrs: spec.allowedCidrs ?? [],
    timeoutClientData: null,
    timeoutMemberData: null,
    pool: {
      name,
      protocol,
      lbAlgorithm: 'ROUND_ROBIN',
      sessionPersistence: null,
      members: spec.members ?? [member('10.0.0.11'), member('10.0.0.12')],
      tags: OWNED,
    },
    tags: OWNED,
  };
}

export function desiredLb(overrides: Partial<DesiredLoadBalancer> = {}): DesiredLoadBalancer {
  return {
    service: SERVICE,
    name: 'default/web',
    description: 'kuryr-services: default/web',
    vipAddress: '10.2.0.5',
    vipSubnetId: 'svc-subnet',
    provider: 'amphora',
    listeners: [listener({ port: 80 }), listener({ port: 443 })],
    tags: OWNED,
    floatingIp: null,
    ...overrides,
  };
}

/** What OpenStack holds once `desired` was created (and its floating IP attached). */
export function built(desired: DesiredLoadBalancer, start: Observed = EMPTY): Observed {
  return apply(start, plan({ service: SERVICE, owner: anOwner(CLUSTER), desired, observed: start }).actions);
}

/** The plan's actions and wait (the facts it returns besides are tested in decide tests). */
export function planFor(desired: DesiredLoadBalancer | null, observed: Observed): Plan {
  const { actions, wait } = plan({ service: SERVICE, owner: anOwner(CLUSTER), desired, observed });
  return { actions, wait };
}

/** The only load balancer of `observed`. */
export function onlyLb(observed: Observed): ObservedLoadBalancer {
  const [lb, ...rest] = observed.loadBalancers;
  if (lb === undefined || rest.length > 0)
    throw new Error(`expected one load balancer, got ${observed.loadBalancers.length}`);
  return lb;
}

/** Replaces the load balancer `id` of `observed` with `fn(lb)`. */
export function withLb(observed: Observed, fn: (lb: ObservedLoadBalancer) => ObservedLoadBalancer): Observed {
  return { ...observed, loadBalancers: observed.loadBalancers.map(fn) };
}

export function fip(overrides: Partial<ObservedFloatingIp> & { readonly id: string }): ObservedFloatingIp {
  return {
    address: `203.0.113.${overrides.id.length}`,
    networkId: EXT_NET,
    portId: null,
    tags: OWNED,
    description: 'kuryr-services: default/web',
    ...overrides,
  };
}

/** A compact view of actions for assertions: kind plus the id or name they target. */
export function summary(actions: readonly Action[]): string[] {
  return actions.map((a) => {
    switch (a.kind) {
      case 'createLoadBalancer':
        return `createLoadBalancer ${a.loadBalancer.name}`;
      case 'deleteLoadBalancer':
      case 'tagLoadBalancer':
        return `${a.kind} ${a.loadBalancerId}`;
      case 'createListener':
        return `createListener ${a.listener.protocol}:${a.listener.protocolPort}`;
      case 'updateListener':
      case 'deleteListener':
        return `${a.kind} ${a.listenerId}`;
      case 'createPool':
        return `createPool ${a.listenerId}`;
      case 'updatePool':
      case 'deletePool':
      case 'replaceMembers':
        return `${a.kind} ${a.poolId}`;
      case 'createFloatingIp':
        return `createFloatingIp ${a.port.kind === 'port' ? a.port.portId : a.port.kind}`;
      case 'associateFloatingIp':
        return `associateFloatingIp ${a.floatingIpId} ${a.port.kind === 'port' ? a.port.portId : a.port.kind}`;
      case 'disassociateFloatingIp':
      case 'deleteFloatingIp':
      case 'tagFloatingIp':
      case 'disownFloatingIp':
        return `${a.kind} ${a.floatingIpId}`;
      case 'createHealthMonitor':
        return `createHealthMonitor ${a.poolId} ${a.monitor.type}`;
      case 'updateHealthMonitor':
      case 'deleteHealthMonitor':
        return `${a.kind} ${a.healthMonitorId}`;
      case 'setVipSecurityGroups':
        return `setVipSecurityGroups ${a.portId} [${a.securityGroupIds.join(',')}]`;
    }
  });
}
