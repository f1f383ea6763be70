/**
 * Member reachability: in L3 member mode the amphorae sit on the service subnet and reach
 * the pods through a router, so each pod subnet must be attached to a router that also has a
 * service subnet; in L2 mode the members are placed on the pod subnet itself (Octavia plugs
 * the amphora into it), so it only has to exist. Pure.
 */
import type { MemberMode, SubnetInfo } from '../../core/model.js';
import { error, ok, type CheckRow } from './check.js';
import type { Lookup, Read } from './facts.js';

const GROUP = 'pod subnet';

/** One router and the subnets its interfaces are on (from the router interface ports). */
export interface RouterInterfaces {
  readonly routerId: string;
  readonly subnetIds: readonly string[];
}

/** What the routing checks read. */
export interface RoutingFacts {
  readonly memberMode: MemberMode;
  readonly podSubnets: readonly Lookup<SubnetInfo>[];
  readonly serviceSubnetIds: readonly string[];
  readonly routers: Read<readonly RouterInterfaces[]>;
}

function existsRow(lookup: Lookup<SubnetInfo>): CheckRow | null {
  if (lookup.kind === 'found') return null;
  const fix = 'set [neutron_defaults] pod_subnet to the subnet(s) the pods get their addresses from';
  const detail = lookup.kind === 'missing' ? 'not found in Neutron' : `cannot be read: ${lookup.reason}`;
  return error(GROUP, `subnet ${lookup.id}`, detail, fix);
}

function l3Row(pod: SubnetInfo, facts: RoutingFacts, routers: readonly RouterInterfaces[]): CheckRow {
  const check = `routed ${pod.id}`;
  const shared = routers.find(
    (r) => r.subnetIds.includes(pod.id) && facts.serviceSubnetIds.some((s) => r.subnetIds.includes(s)),
  );
  if (shared !== undefined) {
    return ok(GROUP, check, `L3: ${pod.cidr} and the service subnet are both on router ${shared.routerId}`);
  }
  const serviceRouter = routers.find((r) => facts.serviceSubnetIds.some((s) => r.subnetIds.includes(s)));
  const detail = `L3: no router has both ${pod.id} (${pod.cidr}) and a service subnet; the amphorae cannot reach the members`;
  const fix =
    serviceRouter === undefined
      ? `attach the service subnet and ${pod.id} to one router (openstack router add subnet <router> <subnet>)`
      : `openstack router add subnet ${serviceRouter.routerId} ${pod.id}`;
  return error(GROUP, check, detail, fix);
}

/** The rows of the member routing checks. */
export function checkRouting(facts: RoutingFacts): CheckRow[] {
  if (facts.podSubnets.length === 0) {
    return [
      error(
        GROUP,
        'configured',
        'no [neutron_defaults] pod_subnet',
        'set [neutron_defaults] pod_subnet in kuryr.conf',
      ),
    ];
  }
  const rows = facts.podSubnets.flatMap((l) => existsRow(l) ?? []);
  if (facts.memberMode === 'L3' && !facts.routers.ok) {
    const fix =
      'allow the user to list ports (device_owner network:router_interface*), or check the routers by hand';
    return [
      ...rows,
      error(GROUP, 'routed', `router interfaces cannot be listed: ${facts.routers.reason}`, fix),
    ];
  }
  const routers = facts.routers.ok ? facts.routers.value : [];
  for (const lookup of facts.podSubnets) {
    if (lookup.kind !== 'found') continue;
    const pod = lookup.record;
    rows.push(
      facts.memberMode === 'L3'
        ? l3Row(pod, facts, routers)
        : ok(
            GROUP,
            `member subnet ${pod.id}`,
            `L2: members are placed on ${pod.cidr} (the amphorae plug into it)`,
          ),
    );
  }
  return rows;
}
