/**
 * The external network for Pool floating IPs: `external_svc_net` exists and is
 * `router:external`, `external_svc_subnet` (if set) is one of its subnets, and a router of
 * the service subnet has its gateway on it (else Neutron refuses to associate a floating IP
 * with the VIP: the external network is not reachable from the subnet). Pure.
 */
import { error, ok, warning, type CheckRow } from './check.js';
import type { Lookup, Read } from './facts.js';

const GROUP = 'external network';

/** The external network as Neutron reports it. */
export interface ExternalNetworkInfo {
  readonly id: string;
  readonly external: boolean;
  readonly subnetIds: readonly string[];
}

/** The external subnet as Neutron reports it. */
export interface ExternalSubnetInfo {
  readonly id: string;
  readonly networkId: string;
  readonly cidr: string;
}

/** A router that has an interface on a service subnet, and its gateway network. */
export interface ServiceRouter {
  readonly routerId: string;
  readonly gatewayNetworkId: string | null;
}

/** What the external network checks read. */
export interface ExternalFacts {
  /** null: external_svc_net not set. */
  readonly network: Lookup<ExternalNetworkInfo> | null;
  /** null: external_svc_subnet not set. */
  readonly subnet: Lookup<ExternalSubnetInfo> | null;
  readonly serviceRouters: Read<readonly ServiceRouter[]>;
  /** type=LoadBalancer Services in the cluster (they want a floating IP). */
  readonly loadBalancerServices: number;
}

function networkRow(network: Lookup<ExternalNetworkInfo>): CheckRow {
  const check = `network ${network.id}`;
  const fix = 'set [neutron_defaults] external_svc_net to a router:external network the project can see';
  if (network.kind === 'missing') return error(GROUP, check, 'not found in Neutron', fix);
  if (network.kind === 'failed') return error(GROUP, check, `cannot be read: ${network.reason}`, fix);
  if (!network.record.external) {
    return error(
      GROUP,
      check,
      'exists but is not router:external: floating IPs cannot be allocated from it',
      fix,
    );
  }
  return ok(GROUP, check, 'exists and is router:external');
}

function subnetRow(
  subnet: Lookup<ExternalSubnetInfo>,
  network: Lookup<ExternalNetworkInfo> | null,
): CheckRow {
  const check = `subnet ${subnet.id}`;
  const networkId = network?.id ?? null;
  // A subnet of an admin-owned external network is often not readable by a project user,
  // but the network lists its subnet ids.
  if (subnet.kind !== 'found' && network?.kind === 'found' && network.record.subnetIds.includes(subnet.id)) {
    return ok(
      GROUP,
      check,
      `one of the subnets of ${network.id} (the subnet itself is not readable by this user)`,
    );
  }
  const fix = `set [neutron_defaults] external_svc_subnet to a subnet of ${networkId ?? 'external_svc_net'}, or leave it unset`;
  if (subnet.kind === 'missing') return error(GROUP, check, 'not found in Neutron', fix);
  if (subnet.kind === 'failed') return error(GROUP, check, `cannot be read: ${subnet.reason}`, fix);
  if (networkId !== null && subnet.record.networkId !== networkId) {
    return error(
      GROUP,
      check,
      `${subnet.record.cidr} is on network ${subnet.record.networkId}, not on external_svc_net ${networkId}`,
      fix,
    );
  }
  return foundSubnetRow(check, subnet.record, networkId);
}

function foundSubnetRow(check: string, subnet: ExternalSubnetInfo, networkId: string | null): CheckRow {
  if (networkId === null)
    return error(
      GROUP,
      check,
      'is set but external_svc_net is not',
      'set [neutron_defaults] external_svc_net too',
    );
  return ok(GROUP, check, `${subnet.cidr} is on ${networkId}`);
}

function reachRow(networkId: string, read: Read<readonly ServiceRouter[]>): CheckRow {
  if (!read.ok) {
    return error(
      GROUP,
      'reachable',
      `the service subnet's routers cannot be read: ${read.reason}`,
      'check the routers by hand',
    );
  }
  const routers = read.value;
  const gateway = routers.find((r) => r.gatewayNetworkId === networkId);
  if (gateway !== undefined)
    return ok(
      GROUP,
      'reachable',
      `router ${gateway.routerId} of the service subnet has its gateway on ${networkId}`,
    );
  const router = routers[0];
  const detail = `no router of the service subnet has a gateway on ${networkId}: Neutron refuses to associate floating IPs with the VIPs`;
  const fix =
    router === undefined
      ? `attach the service subnet to a router with its gateway on ${networkId}`
      : `openstack router set --external-gateway ${networkId} ${router.routerId}`;
  return error(GROUP, 'reachable', detail, fix);
}

/** The rows of the external network checks. */
export function checkExternal(facts: ExternalFacts): CheckRow[] {
  if (facts.network === null) {
    const rows =
      facts.loadBalancerServices === 0
        ? [
            ok(
              GROUP,
              'configured',
              'external_svc_net not set: type=LoadBalancer Services get no pool floating IP',
            ),
          ]
        : [
            warning(
              GROUP,
              'configured',
              `external_svc_net not set: the ${facts.loadBalancerServices} type=LoadBalancer Service(s) get no pool floating IP`,
              'set [neutron_defaults] external_svc_net to the floating IP network',
            ),
          ];
    return facts.subnet === null ? rows : [...rows, subnetRow(facts.subnet, null)];
  }
  const rows = [networkRow(facts.network)];
  if (facts.subnet !== null) rows.push(subnetRow(facts.subnet, facts.network));
  if (facts.network.kind === 'found' && facts.network.record.external)
    rows.push(reachRow(facts.network.id, facts.serviceRouters));
  return rows;
}
