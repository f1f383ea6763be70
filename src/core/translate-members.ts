/**
 * The member step of `translate`: the pool members of one Service port, from the Service's
 * discovery.k8s.io/v1 EndpointSlices. A member is a ready endpoint's first address with the
 * port of the slice port named like the Service port (so named targetPorts resolve per
 * slice). Slices of another address family than the VIP (and FQDN slices) are ignored.
 * Duplicates are merged, and members are sorted by (address, port).
 */
import type { V1Endpoint, V1EndpointSlice } from '@kubernetes/client-node';
import {
  addressSortKey,
  compareAddresses,
  parseIp,
  rangeContains,
  type IpFamily,
  type ParsedIp,
} from './ip.js';
import type { DesiredMember, MemberMode, NetworkContext, ServiceRef } from './model.js';
import { describeSubnets, type ParsedSubnet } from './network-context.js';
import { memberName, serviceKey } from './naming.js';
import type { Reason } from './translation.js';
import { invalid, ok, warning, type Step } from './translate-step.js';
import { isValidPort, type ServicePortSpec } from './translate-ports.js';

/** The label linking an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** What member translation needs besides the slices. */
export interface MemberContext {
  readonly ref: ServiceRef;
  readonly family: IpFamily;
  readonly network: NetworkContext;
  readonly memberMode: MemberMode;
  /** The pod subnets, parsed once (see parsedSubnets). */
  readonly podSubnets: readonly ParsedSubnet[];
  readonly tags: readonly string[];
}

/** Orders members by address (numerically), then port. */
export function compareMembers(
  a: Pick<DesiredMember, 'address' | 'protocolPort'>,
  b: Pick<DesiredMember, 'address' | 'protocolPort'>,
): number {
  return compareAddresses(a.address, b.address) || a.protocolPort - b.protocolPort;
}

/** The slices that belong to the Service (namespace, label) and carry the VIP's address family. */
export function usableSlices(
  slices: readonly V1EndpointSlice[],
  ref: ServiceRef,
  family: IpFamily,
): V1EndpointSlice[] {
  const addressType = family === 4 ? 'IPv4' : 'IPv6';
  return slices.filter((slice) => {
    const namespace = slice.metadata?.namespace;
    const owner = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (namespace !== undefined && namespace !== ref.namespace) return false;
    if (owner !== undefined && owner !== ref.name) return false;
    return slice.addressType === addressType;
  });
}

/**
 * The members of the pool for `port`. Invalid when a slice holds a malformed address or
 * port; in L2 mode an address in no pod subnet is left out with a KuryrSkipMember warning.
 */
export function translateMembers(
  port: ServicePortSpec,
  slices: readonly V1EndpointSlice[],
  ctx: MemberContext,
): Step<DesiredMember[]> {
  const byTarget = new Map<string, DesiredMember>();
  const warnings: Reason[] = [];
  for (const slice of slices) {
    const step = sliceMembers(port, slice, ctx);
    if (!step.ok) return step;
    warnings.push(...step.warnings);
    for (const member of step.value) {
      const key = `${member.address}|${member.protocolPort}`;
      const existing = byTarget.get(key);
      if (existing === undefined || member.name < existing.name) byTarget.set(key, member);
    }
  }
  // Sorted so the result does not depend on the order of slices and endpoints.
  const sortedWarnings = warnings.sort((x, y) =>
    x.message < y.message ? -1 : x.message > y.message ? 1 : 0,
  );
  const keyed = [...byTarget.values()].map((member) => ({ member, key: addressSortKey(member.address) }));
  keyed.sort((x, y) =>
    x.key < y.key ? -1 : x.key > y.key ? 1 : x.member.protocolPort - y.member.protocolPort,
  );
  return ok(
    keyed.map(({ member }) => member),
    sortedWarnings,
  );
}

function sliceMembers(
  port: ServicePortSpec,
  slice: V1EndpointSlice,
  ctx: MemberContext,
): Step<DesiredMember[]> {
  const where = `EndpointSlice ${slice.metadata?.namespace ?? ctx.ref.namespace}/${slice.metadata?.name ?? '(unnamed)'}`;
  const slicePort = (slice.ports ?? []).find(
    (p) => (p.name ?? '') === port.name && (p.protocol ?? 'TCP') === port.protocol,
  );
  if (slicePort?.port === undefined) return ok([]);
  if (!isValidPort(slicePort.port)) {
    return invalid(`${where} port "${port.name}" has number ${String(slicePort.port)} outside 1..65535`);
  }
  const members: DesiredMember[] = [];
  const warnings: Reason[] = [];
  // Typed as required, but a hand-written slice (plan CLI manifests) may lack them.
  for (const endpoint of (slice.endpoints as V1Endpoint[] | undefined) ?? []) {
    if (endpoint.conditions?.ready === false) continue;
    const [addressText] = (endpoint.addresses as string[] | undefined) ?? [];
    if (addressText === undefined) continue;
    const ip = parseIp(addressText);
    if (ip?.family !== ctx.family) {
      return invalid(`${where} (${slice.addressType}) holds a malformed address "${addressText}"`);
    }
    const member = buildMember(endpoint, ip, slicePort.port, ctx);
    if ('skipped' in member) warnings.push(member.skipped);
    else members.push(member);
  }
  return ok(members, warnings);
}

function buildMember(
  endpoint: V1Endpoint,
  ip: ParsedIp,
  protocolPort: number,
  ctx: MemberContext,
): DesiredMember | { skipped: Reason } {
  const target = endpoint.targetRef;
  const owner =
    target?.name !== undefined && target.name !== ''
      ? { namespace: target.namespace ?? ctx.ref.namespace, name: target.name }
      : ctx.ref;
  const name = memberName(owner, protocolPort);
  const address = ip.address;
  if (ctx.memberMode === 'L3') return { name, address, protocolPort, tags: ctx.tags };
  const subnet = ctx.podSubnets.find(({ range }) => rangeContains(range, ip))?.subnet;
  if (subnet === undefined) {
    const pod =
      target === undefined ? `endpoint of Service ${serviceKey(ctx.ref)}` : `pod ${serviceKey(owner)}`;
    const subnets = describeSubnets(ctx.network, ctx.network.podSubnetIds);
    const message = `${pod} at ${address} skipped: the address is in no pod subnet (L2 member mode; pod subnets: ${subnets})`;
    return { skipped: warning('KuryrSkipMember', message) };
  }
  return { name, address, protocolPort, subnetId: subnet.id, tags: ctx.tags };
}
