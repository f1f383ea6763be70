/**
 * Service subnet checks: the subnets exist, hold the cluster's service CIDR, and neither
 * their allocation pools nor their gateway lie inside it (Neutron hands pool addresses to
 * other ports, and the router port holds the gateway: a Service given such a ClusterIP would
 * get a load balancer whose VIP is already taken). Pure.
 */
import type { SubnetInfo } from '../../core/model.js';
import { error, ok, warning, type CheckRow } from './check.js';
import type { Lookup } from './facts.js';
import {
  addressValue,
  cidrRange,
  containsRange,
  formatAddress,
  formatRange,
  overlaps,
  poolRange,
} from './ip-range.js';
import type { ServiceCidr } from './service-cidr.js';

const GROUP = 'service subnet';

/** The service CIDR as found: the CIDRs, or why there are none. */
export type ServiceCidrFinding =
  | { readonly kind: 'known'; readonly cidrs: readonly ServiceCidr[] }
  | { readonly kind: 'unknown'; readonly reason: string };

function existsRow(lookup: Lookup<SubnetInfo>): CheckRow {
  const check = `subnet ${lookup.id}`;
  if (lookup.kind === 'found') {
    const { cidr, allocationPools } = lookup.record;
    const pools = allocationPools.map((p) => `${p.start}-${p.end}`).join(', ') || 'none';
    return ok(GROUP, check, `exists: ${cidr}, allocation pool ${pools}`);
  }
  const fix = 'set [neutron_defaults] service_subnet to a subnet id the configured project can see';
  if (lookup.kind === 'missing') return error(GROUP, check, 'not found in Neutron', fix);
  return error(GROUP, check, `cannot be read: ${lookup.reason}`, fix);
}

function cidrRow(finding: ServiceCidrFinding): CheckRow {
  if (finding.kind === 'unknown') {
    return warning(
      GROUP,
      'service CIDR',
      finding.reason,
      'pass --service-cidr (the kube-apiserver --service-cluster-ip-range)',
    );
  }
  return ok(GROUP, 'service CIDR', finding.cidrs.map((c) => `${c.cidr} (${c.basis})`).join('; '));
}

function poolFix(subnet: SubnetInfo, cidr: ServiceCidr): string {
  const net = cidrRange(subnet.cidr);
  const svc = cidrRange(cidr.cidr);
  const base = `move the allocation pool of ${subnet.id} out of ${cidr.cidr}`;
  if (net === null || svc === null || svc.last >= net.last - 1n) return `${base} (or use a larger subnet)`;
  const gateway = subnet.gatewayIp === null ? null : addressValue(subnet.gatewayIp);
  let last = cidr.family === 4 ? net.last - 1n : net.last;
  if (gateway?.value === last) last -= 1n;
  const start = formatAddress(cidr.family, svc.last + 1n);
  return `${base}: openstack subnet set --no-allocation-pool --allocation-pool start=${start},end=${formatAddress(cidr.family, last)} ${subnet.id}`;
}

function coverageRows(subnets: readonly SubnetInfo[], cidr: ServiceCidr): CheckRow[] {
  const svc = cidrRange(cidr.cidr);
  const holder = subnets.find((s) => {
    const range = cidrRange(s.cidr);
    return svc !== null && range !== null && containsRange(range, svc);
  });
  if (svc === null || holder === undefined) {
    const have = subnets.map((s) => `${s.id} (${s.cidr})`).join(', ') || 'none found';
    return [
      error(
        GROUP,
        `covers ${cidr.cidr}`,
        `no service subnet holds the service CIDR ${cidr.cidr}; service subnets: ${have}`,
        'use a service subnet whose CIDR contains the whole service CIDR (every ClusterIP becomes a VIP on it)',
      ),
    ];
  }
  const rows = [ok(GROUP, `covers ${cidr.cidr}`, `${holder.id} (${holder.cidr}) holds the service CIDR`)];
  const bad = holder.allocationPools.flatMap((p) => {
    const range = poolRange(p.start, p.end);
    return range !== null && overlaps(range, svc) ? [formatRange(range)] : [];
  });
  rows.push(
    bad.length === 0
      ? ok(GROUP, 'allocation pool', `outside ${cidr.cidr}: Neutron never hands a ClusterIP to another port`)
      : error(
          GROUP,
          'allocation pool',
          `${bad.join(', ')} overlaps the service CIDR ${cidr.cidr}: Neutron may give a ClusterIP to another port, and that Service's VIP create fails`,
          poolFix(holder, cidr),
        ),
  );
  const gateway = holder.gatewayIp === null ? null : addressValue(holder.gatewayIp);
  if (gateway !== null && gateway.value >= svc.first && gateway.value <= svc.last) {
    rows.push(
      error(
        GROUP,
        'gateway',
        `gateway ${holder.gatewayIp ?? ''} lies inside the service CIDR ${cidr.cidr}`,
        `set a gateway outside ${cidr.cidr} (openstack subnet set --gateway <ip> ${holder.id})`,
      ),
    );
  }
  return rows;
}

/** The rows of the service subnet checks for the configured subnets and the service CIDR finding. */
export function checkServiceSubnets(
  lookups: readonly Lookup<SubnetInfo>[],
  finding: ServiceCidrFinding,
): CheckRow[] {
  if (lookups.length === 0) {
    return [
      error(
        GROUP,
        'configured',
        'no [neutron_defaults] service_subnet',
        'set [neutron_defaults] service_subnet in kuryr.conf',
      ),
    ];
  }
  let rows = [...lookups.map(existsRow), cidrRow(finding)];
  const found = lookups.flatMap((l) => (l.kind === 'found' ? [l.record] : []));
  if (finding.kind === 'known') {
    for (const cidr of finding.cidrs) {
      rows = rows.concat(
        coverageRows(
          found.filter((s) => s.ipVersion === cidr.family),
          cidr,
        ),
      );
    }
  }
  return rows;
}
