/**
 * From everything read to the report's rows, group by group (pure: the same facts always
 * give the same rows). The OpenStack groups need a token; without one only Keystone's row
 * and the cluster's rows are produced.
 */
import type { V1Service } from '@kubernetes/client-node';
import type { Owner } from '../../core/ownership.js';
import type { AppConfig } from '../config/kuryr-conf.js';
import { ok, warning, type CheckRow } from './check.js';
import { checkExternal } from './external-checks.js';
import type { KubeFacts } from './kube-reads.js';
import { checkCrd, checkIdentity, checkRbac } from './kube-checks.js';
import { desiredLoadBalancers } from './needs.js';
import { checkKeystone, checkOctavia, type KeystoneFacts } from './openstack-checks.js';
import type { CloudFacts } from './openstack-reads.js';
import { checkQuotas, countNeeds } from './quota-checks.js';
import { checkRouting } from './routing-checks.js';
import { inferServiceCidrs, type ServiceCidr } from './service-cidr.js';
import { checkServiceSubnets, type ServiceCidrFinding } from './subnet-checks.js';

/** Everything the rows are computed from. */
export interface DoctorFacts {
  readonly config: AppConfig;
  /** The cluster id and writer the controller would use (configured, or from the kube-system uid). */
  readonly owner: Owner;
  /** From --service-cidr (empty: infer). */
  readonly serviceCidrs: readonly ServiceCidr[];
  /** Unknown-key warnings of the resolved cloud (clouds.yaml / secure.yaml). */
  readonly cloudWarnings: readonly string[];
  readonly keystone: KeystoneFacts;
  /** null when no token was issued. */
  readonly cloud: CloudFacts | null;
  readonly kube: KubeFacts;
}

function clusterIps(services: readonly V1Service[]): string[] {
  return services.flatMap((s) =>
    (s.spec?.clusterIPs ?? (s.spec?.clusterIP === undefined ? [] : [s.spec.clusterIP])).filter(
      (ip) => ip !== 'None' && ip !== '',
    ),
  );
}

/** The service CIDR from the flags, else inferred from the cluster's ClusterIPs. */
export function serviceCidrFinding(facts: DoctorFacts): ServiceCidrFinding {
  if (facts.serviceCidrs.length > 0) return { kind: 'known', cidrs: facts.serviceCidrs };
  const { services, kubernetesIp } = facts.kube;
  if (!services.ok)
    return { kind: 'unknown', reason: `Services cannot be listed to infer it: ${services.reason}` };
  const ips = clusterIps(services.value);
  const cidrs = inferServiceCidrs({
    clusterIps: ips,
    kubernetesIp: kubernetesIp.ok ? kubernetesIp.value : null,
    services: services.value.length,
  });
  if (cidrs.length === 0) return { kind: 'unknown', reason: 'no Service has a ClusterIP to infer it from' };
  return { kind: 'known', cidrs };
}

function quotaRows(facts: DoctorFacts, cloud: CloudFacts): CheckRow[] {
  const { services, slices } = facts.kube;
  if (!services.ok || !slices.ok) {
    const reason = services.ok ? (slices.ok ? '' : slices.reason) : services.reason;
    return [
      warning('quota', 'needs', `the Services cannot be read: ${reason}`, 'fix the cluster access first'),
    ];
  }
  const found = [...cloud.serviceSubnets, ...cloud.podSubnets].flatMap((l) =>
    l.kind === 'found' ? [l.record] : [],
  );
  const unique = [...new Map(found.map((s) => [s.id, s])).values()];
  const desired = desiredLoadBalancers({
    services: services.value,
    slices: slices.value,
    config: facts.config,
    subnets: unique,
    version: cloud.version.ok ? cloud.version.value : null,
    owner: facts.owner,
  });
  if (!desired.ok)
    return [warning('quota', 'needs', `cannot be computed: ${desired.reason}`, 'fix the subnet rows first')];
  return checkQuotas({
    need: countNeeds(desired.value),
    ours: cloud.ours,
    octavia: cloud.octaviaQuota,
    neutron: cloud.neutronQuota,
  });
}

function cloudRows(facts: DoctorFacts, cloud: CloudFacts): CheckRow[] {
  const { config } = facts;
  const services = facts.kube.services.ok ? facts.kube.services.value : [];
  return [
    ...checkOctavia({
      version: cloud.version,
      configuredVersion: config.service.octaviaApiVersion,
      providers: cloud.providers,
      provider: config.octavia.provider,
    }),
    ...checkServiceSubnets(cloud.serviceSubnets, serviceCidrFinding(facts)),
    ...checkRouting({
      memberMode: config.octavia.memberMode,
      podSubnets: cloud.podSubnets,
      serviceSubnetIds: config.neutron.serviceSubnetIds,
      routers: cloud.routers,
    }),
    ...checkExternal({
      network: cloud.externalNetwork,
      subnet: cloud.externalSubnet,
      serviceRouters: cloud.serviceRouters,
      loadBalancerServices: services.filter((s) => s.spec?.type === 'LoadBalancer').length,
    }),
    ...quotaRows(facts, cloud),
  ];
}

function cloudsYamlRows(facts: DoctorFacts): CheckRow[] {
  if (facts.cloudWarnings.length === 0)
    return [ok('clouds.yaml', 'keys', `cloud ${facts.keystone.cloud}: every key is known`)];
  return facts.cloudWarnings.map((w) => warning('clouds.yaml', 'keys', w, 'fix the key name (or remove it)'));
}

/** Every row of the report, in display order. */
export function evaluate(facts: DoctorFacts): CheckRow[] {
  const keystone = [...cloudsYamlRows(facts), ...checkKeystone(facts.keystone)];
  const cloud = facts.cloud === null ? [] : cloudRows(facts, facts.cloud);
  const { kube } = facts;
  return [
    ...keystone,
    ...cloud,
    checkCrd(kube.crd),
    ...checkRbac(kube.access, kube.user),
    ...checkIdentity(kube.identity, facts.config.service.clusterId),
  ];
}
