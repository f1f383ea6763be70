/**
 * The doctor's OpenStack reads (GETs only): the token and catalog, Octavia's versions and
 * providers, the configured subnets and networks, router interfaces, quotas and what the
 * project's load balancers and floating IPs use. A failed read is recorded, never thrown.
 */
import type { ApiVersion, SubnetInfo } from '../../core/model.js';
import { clusterTag } from '../../core/ownership.js';
import { NotFoundError } from '../../openstack/errors.js';
import type { KeystoneSession } from '../../openstack/keystone/session.js';
import * as floatingips from '../../openstack/neutron/floatingips.js';
import * as networks from '../../openstack/neutron/networks.js';
import * as ports from '../../openstack/neutron/ports.js';
import * as neutronQuotas from '../../openstack/neutron/quotas.js';
import * as routers from '../../openstack/neutron/routers.js';
import * as subnets from '../../openstack/neutron/subnets.js';
import * as loadbalancers from '../../openstack/octavia/loadbalancers.js';
import * as pools from '../../openstack/octavia/pools.js';
import * as providers from '../../openstack/octavia/providers.js';
import * as octaviaQuotas from '../../openstack/octavia/quotas.js';
import * as versions from '../../openstack/octavia/versions.js';
import type { AppConfig } from '../config/kuryr-conf.js';
import { describeError } from './check.js';
import type { ExternalNetworkInfo, ExternalSubnetInfo, ServiceRouter } from './external-checks.js';
import { readFailed, readOk, type Lookup, type Read } from './facts.js';
import type { QuotaFact, ResourceCounts } from './quota-checks.js';
import type { RouterInterfaces } from './routing-checks.js';

/** Everything read from OpenStack once a token was issued. */
export interface CloudFacts {
  readonly projectId: string;
  readonly endpoints: Readonly<Record<'load-balancer' | 'network', Read<string>>>;
  readonly version: Read<ApiVersion>;
  readonly providers: Read<readonly string[]>;
  readonly serviceSubnets: readonly Lookup<SubnetInfo>[];
  readonly podSubnets: readonly Lookup<SubnetInfo>[];
  readonly routers: Read<readonly RouterInterfaces[]>;
  readonly serviceRouters: Read<readonly ServiceRouter[]>;
  readonly externalNetwork: Lookup<ExternalNetworkInfo> | null;
  readonly externalSubnet: Lookup<ExternalSubnetInfo> | null;
  readonly octaviaQuota: Read<
    Readonly<Record<'loadBalancers' | 'listeners' | 'pools' | 'members', QuotaFact>>
  >;
  readonly neutronQuota: Read<Readonly<Record<'floatingIps' | 'ports', QuotaFact>>>;
  readonly ours: ResourceCounts;
}

async function attempt<T>(call: () => Promise<T>): Promise<Read<T>> {
  try {
    return readOk(await call());
  } catch (err) {
    return readFailed(describeError(err));
  }
}

async function lookup<T>(id: string, call: () => Promise<T>): Promise<Lookup<T>> {
  try {
    return { id, kind: 'found', record: await call() };
  } catch (err) {
    if (err instanceof NotFoundError) return { id, kind: 'missing' };
    return { id, kind: 'failed', reason: describeError(err) };
  }
}

// Router interface ports: plain, DVR and HA routers each use their own device_owner.
const INTERFACE_OWNERS = [
  'network:router_interface',
  'network:router_interface_distributed',
  'network:ha_router_replicated_interface',
];

async function routerInterfaces(session: KeystoneSession): Promise<RouterInterfaces[]> {
  const byRouter = new Map<string, Set<string>>();
  for (const deviceOwner of INTERFACE_OWNERS) {
    for (const port of await ports.listAll(session, { deviceOwner })) {
      const set = byRouter.get(port.deviceId) ?? new Set<string>();
      for (const ip of port.fixedIps) set.add(ip.subnetId);
      byRouter.set(port.deviceId, set);
    }
  }
  return [...byRouter].map(([routerId, ids]) => ({ routerId, subnetIds: [...ids] }));
}

async function serviceRouters(
  session: KeystoneSession,
  all: readonly RouterInterfaces[],
  serviceIds: readonly string[],
): Promise<ServiceRouter[]> {
  const ids = all.filter((r) => serviceIds.some((s) => r.subnetIds.includes(s))).map((r) => r.routerId);
  const out: ServiceRouter[] = [];
  for (const routerId of ids) {
    const router = await routers.get(session, routerId);
    out.push({ routerId, gatewayNetworkId: router.externalGateway?.networkId ?? null });
  }
  return out;
}

async function octaviaQuota(
  session: KeystoneSession,
  projectId: string,
  lbs: Read<Usage>,
): Promise<CloudFacts['octaviaQuota']> {
  const quota = await attempt(() => octaviaQuotas.get(session, projectId));
  if (!quota.ok) return quota;
  const used = lbs.ok ? lbs.value.all : null;
  const q = quota.value;
  return readOk({
    loadBalancers: { limit: q.loadBalancer, used: used?.loadBalancers ?? null },
    listeners: { limit: q.listener, used: used?.listeners ?? null },
    pools: { limit: q.pool, used: used?.pools ?? null },
    members: { limit: q.member, used: used?.members ?? null },
  });
}

async function neutronQuota(
  session: KeystoneSession,
  projectId: string,
): Promise<CloudFacts['neutronQuota']> {
  const quota = await attempt(() => neutronQuotas.getWithUsage(session, projectId));
  if (!quota.ok) return quota;
  const fact = (name: string): QuotaFact => ({
    limit: quota.value[name]?.limit ?? null,
    used: quota.value[name]?.used ?? null,
  });
  return readOk({ floatingIps: fact('floatingip'), ports: fact('port') });
}

/** What load balancers use: all of the project's, and the cluster's own (tagged with its cluster id). */
interface Usage {
  readonly all: Omit<ResourceCounts, 'floatingIps' | 'ports'>;
  readonly ours: Omit<ResourceCounts, 'floatingIps' | 'ports'>;
}

async function octaviaUsage(session: KeystoneSession, projectId: string, clusterId: string): Promise<Usage> {
  const lbs = await loadbalancers.listAll(session, { projectId });
  const lbIds = new Set(lbs.map((lb) => lb.id));
  const poolList = (await pools.listAll(session, {})).filter((p) =>
    p.loadBalancerIds.some((id) => lbIds.has(id)),
  );
  const members = new Map(poolList.map((p) => [p.id, p.memberIds.length]));
  const count = (chosen: typeof lbs) => ({
    loadBalancers: chosen.length,
    listeners: chosen.reduce((n, lb) => n + lb.listenerIds.length, 0),
    pools: chosen.reduce((n, lb) => n + lb.poolIds.length, 0),
    members: chosen.reduce((n, lb) => n + lb.poolIds.reduce((m, id) => m + (members.get(id) ?? 0), 0), 0),
  });
  const tag = clusterTag(clusterId);
  return { all: count(lbs), ours: count(lbs.filter((lb) => lb.tags.includes(tag))) };
}

function externalLookups(
  session: KeystoneSession,
  config: AppConfig,
): Promise<[CloudFacts['externalNetwork'], CloudFacts['externalSubnet']]> {
  const { externalSvcNet: net, externalSvcSubnet: sub } = config.neutron;
  return Promise.all([
    net === null ? null : lookup(net, () => networks.get(session, net)),
    sub === null ? null : lookup(sub, () => subnets.get(session, sub)),
  ]);
}

/** Whose objects the cloud facts count as the cluster's own. */
export interface CloudScope {
  readonly projectId: string;
  /** The cluster id the controller tags with (kuryr.conf's, else derived from the cluster). */
  readonly clusterId: string;
}

/** Reads the cloud facts with a session whose token was already issued for `scope.projectId`. */
export async function readCloudFacts(
  session: KeystoneSession,
  config: AppConfig,
  scope: CloudScope,
): Promise<CloudFacts> {
  const { projectId, clusterId } = scope;
  const { serviceSubnetIds, podSubnetIds } = config.neutron;
  const endpoints = {
    'load-balancer': await attempt(() => session.endpoint('load-balancer')),
    network: await attempt(() => session.endpoint('network')),
  };
  const version = await attempt(async () => versions.selectVersion(await versions.list(session)));
  const providerNames = await attempt(async () => (await providers.list(session)).map((p) => p.name));
  const serviceSubnets = await Promise.all(
    serviceSubnetIds.map((id) => lookup(id, () => subnets.get(session, id))),
  );
  const podSubnets = await Promise.all(podSubnetIds.map((id) => lookup(id, () => subnets.get(session, id))));
  const routerList = await attempt(() => routerInterfaces(session));
  const [externalNetwork, externalSubnet] = await externalLookups(session, config);
  const usage = await attempt(() => octaviaUsage(session, projectId, clusterId));
  const ourFips = await attempt(() => floatingips.listAll(session, { tags: [clusterTag(clusterId)] }));
  const ours = usage.ok ? usage.value.ours : { loadBalancers: 0, listeners: 0, pools: 0, members: 0 };
  return {
    projectId,
    endpoints,
    version,
    providers: providerNames,
    serviceSubnets,
    podSubnets,
    routers: routerList,
    serviceRouters: routerList.ok
      ? await attempt(() => serviceRouters(session, routerList.value, serviceSubnetIds))
      : routerList,
    externalNetwork,
    externalSubnet,
    octaviaQuota: await octaviaQuota(session, projectId, usage),
    neutronQuota: await neutronQuota(session, projectId),
    ours: { ...ours, floatingIps: ourFips.ok ? ourFips.value.length : 0, ports: ours.loadBalancers },
  };
}
