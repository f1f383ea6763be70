/** The desired objects of the load balancer scenario, and projections of what the clouds answer. */
import type { BatchMember } from '../../../src/core/plan/actions.js';
import type {
  DesiredListener,
  DesiredLoadBalancer,
  DesiredMember,
  Observed,
  ServiceRef,
} from '../../../src/core/model.js';
import { loadBalancerDescription, loadBalancerName } from '../../../src/core/naming.js';
import { type Owner, ownershipTags, serviceTag } from '../../../src/core/ownership.js';
import type { StatusTree } from '../../../src/openstack/octavia/statuses.js';
import type { ScenarioContext } from './common.js';

/** The scenario's owner (cluster = the run tag, one writer). */
export function ownerOf(ctx: ScenarioContext): Owner {
  return { clusterId: ctx.tag, writer: 'contract' };
}

/** The Service the scenario's objects belong to, and their ownership tags (plus the run tag). */
export function owner(
  ctx: ScenarioContext,
  name: string,
): { service: ServiceRef; tags: string[]; description: string } {
  const service = { namespace: ctx.tag, name, uid: `uid-${ctx.tag}` };
  ctx.names.name(serviceTag(service), `svc-tag:${name}`);
  return {
    service,
    tags: ownershipTags(ownerOf(ctx), service, [ctx.tag]),
    description: loadBalancerDescription(ownerOf(ctx), service),
  };
}

/** A member on the pod subnet. */
export function member(ctx: ScenarioContext, last: number, tags: readonly string[]): DesiredMember {
  return {
    name: `pod-${last}:8080`,
    address: `10.1.80.${last}`,
    protocolPort: 8080,
    subnetId: ctx.target.info.pod_subnet_id,
    tags,
  };
}

/** The batch form of desired members. */
export function batch(members: readonly DesiredMember[]): BatchMember[] {
  return [...members];
}

/** A listener with its pool. */
export function listener(
  spec: {
    readonly protocol: 'TCP' | 'UDP';
    readonly port: number;
    readonly members: readonly DesiredMember[];
  },
  tags: readonly string[],
): DesiredListener {
  const name = `web:${spec.protocol}:${spec.port}`;
  return {
    name,
    protocol: spec.protocol,
    protocolPort: spec.port,
    allowedCidrs: spec.protocol === 'TCP' ? ['10.0.0.0/8'] : [],
    timeoutClientData: spec.protocol === 'TCP' ? 20_000 : null,
    timeoutMemberData: null,
    tags,
    pool: {
      name,
      protocol: spec.protocol,
      lbAlgorithm: spec.protocol === 'TCP' ? 'ROUND_ROBIN' : 'SOURCE_IP',
      sessionPersistence: spec.protocol === 'TCP' ? { type: 'SOURCE_IP' } : null,
      members: spec.members,
      tags,
    },
  };
}

/** The fully-populated load balancer: TCP 80 with two members, UDP 53 without. */
export function desiredLoadBalancer(
  ctx: ScenarioContext,
  own: ReturnType<typeof owner>,
): DesiredLoadBalancer {
  return {
    service: own.service,
    name: loadBalancerName(own.service),
    description: own.description,
    vipAddress: ctx.names.name(ctx.vip(0), 'vip'),
    vipSubnetId: ctx.target.info.service_subnet_id,
    provider: 'amphora',
    listeners: [
      listener(
        { protocol: 'TCP', port: 80, members: [member(ctx, 11, own.tags), member(ctx, 12, own.tags)] },
        own.tags,
      ),
      listener({ protocol: 'UDP', port: 53, members: [] }, own.tags),
    ],
    tags: own.tags,
    floatingIp: null,
  };
}

const byName = <T extends { readonly name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : 1);

/** A status tree as names and provisioning statuses. */
export function treeOf(tree: StatusTree): unknown {
  return {
    lb: tree.provisioningStatus,
    listeners: [...tree.listeners].sort(byName).map((l) => ({
      name: l.name,
      status: l.provisioningStatus,
      pools: l.pools.map((p) => ({
        name: p.name,
        status: p.provisioningStatus,
        members: [...p.members]
          .sort(byName)
          .map((m) => `${m.name} ${m.address}:${m.protocolPort} ${m.provisioningStatus}`),
      })),
    })),
  };
}

/** The observed model of the Service, with ids as labels. */
export function observedOf(ctx: ScenarioContext, observed: Observed): unknown {
  return ctx.names.norm({
    loadBalancers: observed.loadBalancers.map((lb) => ({
      ...lb,
      // Octavia's updated_at (seconds, UTC, no zone): only its presence and shape are stable.
      version: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(lb.version ?? '') ? '<updated_at>' : lb.version,
      tags: [...lb.tags].sort(),
      listeners: lb.listeners.map((l) => ({ ...l, tags: [...l.tags].sort() })),
      pools: [...lb.pools].sort(byName).map((p) => ({
        ...p,
        tags: [...p.tags].sort(),
        members: p.members.map((m) => ({ ...m, tags: [...m.tags].sort() })),
      })),
    })),
    floatingIps: observed.floatingIps.map((f) => ({
      ...f,
      revision: Number.isInteger(f.revision) ? '<revision_number>' : f.revision,
      tags: [...f.tags].sort(),
    })),
  });
}
