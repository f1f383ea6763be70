/**
 * The member step of `translate`: the pool members of one Service port, from the Service's
 * discovery.k8s.io/v1 EndpointSlices. A member is an endpoint's first address with the port
 * of the slice port named like the Service port (so named targetPorts resolve per slice).
 * Which endpoints: the ready ones; when none of them gives a member, the serving ones that
 * are terminating (kube-proxy's fallback, KEP-1669). Conditions follow the API's nil
 * meanings: ready unset = ready, serving unset = serving, terminating unset = not
 * terminating. Each address must pass the address policy (translate-member-policy.ts);
 * a refused one is left out with a KuryrSkipMember warning and the rest of the pool kept.
 * Slices of another address family than the VIP (and FQDN slices) are ignored.
 * Duplicates are merged, and members are sorted by (address, port).
 */
import type { V1Endpoint, V1EndpointSlice } from '@kubernetes/client-node';
import { addressSortKey, compareAddresses, parseIp, type IpFamily, type ParsedIp } from '../ip.js';
import type { DesiredMember, ServiceRef } from '../model.js';
import { memberName, serviceKey } from '../naming.js';
import type { Reason } from './translation.js';
import { invalid, ok, warning, type Step } from './step.js';
import { admitMember, type MemberPolicy } from './member-policy.js';
import { isValidPort, type ServicePortSpec } from './ports.js';

/** The label linking an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** What member translation needs besides the slices. */
export interface MemberContext {
  readonly ref: ServiceRef;
  readonly family: IpFamily;
  readonly policy: MemberPolicy;
  readonly tags: readonly string[];
}

/** Which endpoints a pass over the slices takes. */
type Tier = 'ready' | 'terminating';

/** The tier an endpoint belongs to, by its conditions (nil meanings of the EndpointSlice API); null = neither. */
function tierOf(endpoint: V1Endpoint): Tier | null {
  const conditions = endpoint.conditions ?? {};
  if (conditions.ready !== false) return 'ready';
  if (conditions.terminating === true && conditions.serving !== false) return 'terminating';
  return null;
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
 * The members of the pool for `port`: from the ready endpoints, or, when they give none,
 * from the serving terminating ones. Invalid when a slice holds a malformed address (among
 * the endpoints looked at) or port; a refused address gives a KuryrSkipMember warning.
 */
export function translateMembers(
  port: ServicePortSpec,
  slices: readonly V1EndpointSlice[],
  ctx: MemberContext,
): Step<DesiredMember[]> {
  const ready = tierMembers(port, slices, ctx, 'ready');
  if (!ready.ok || ready.value.length > 0) return ready;
  const fallback = tierMembers(port, slices, ctx, 'terminating');
  if (!fallback.ok) return fallback;
  return ok(fallback.value, sortedReasons([...ready.warnings, ...fallback.warnings]));
}

function tierMembers(
  port: ServicePortSpec,
  slices: readonly V1EndpointSlice[],
  ctx: MemberContext,
  tier: Tier,
): Step<DesiredMember[]> {
  const byTarget = new Map<string, DesiredMember>();
  const warnings: Reason[] = [];
  for (const slice of slices) {
    const step = sliceMembers({ port, slice, ctx, tier });
    if (!step.ok) return step;
    for (const warning of step.warnings) warnings.push(warning);
    for (const member of step.value) {
      const key = `${member.address}|${member.protocolPort}`;
      const existing = byTarget.get(key);
      if (existing === undefined || member.name < existing.name) byTarget.set(key, member);
    }
  }
  // Sorted so the result does not depend on the order of slices and endpoints.
  const keyed = [...byTarget.values()].map((member) => ({ member, key: addressSortKey(member.address) }));
  keyed.sort((x, y) =>
    x.key < y.key ? -1 : x.key > y.key ? 1 : x.member.protocolPort - y.member.protocolPort,
  );
  return ok(
    keyed.map(({ member }) => member),
    sortedReasons(warnings),
  );
}

function sortedReasons(reasons: Reason[]): Reason[] {
  return reasons.sort((x, y) => (x.message < y.message ? -1 : x.message > y.message ? 1 : 0));
}

interface SliceScan {
  readonly port: ServicePortSpec;
  readonly slice: V1EndpointSlice;
  readonly ctx: MemberContext;
  readonly tier: Tier;
}

function sliceMembers({ port, slice, ctx, tier }: SliceScan): Step<DesiredMember[]> {
  const where = sliceName(slice, ctx);
  const slicePort = slicePortOf(slice, port);
  if (slicePort === undefined) return ok([]);
  if (!isValidPort(slicePort)) {
    return invalid(`${where} port "${port.name}" has number ${String(slicePort)} outside 1..65535`);
  }
  const members: DesiredMember[] = [];
  const warnings: Reason[] = [];
  for (const endpoint of endpointsOfTier(slice, tier)) {
    const [addressText] = (endpoint.addresses as string[] | undefined) ?? [];
    if (addressText === undefined) continue;
    const ip = parseIp(addressText);
    if (ip?.family !== ctx.family) {
      return invalid(`${where} (${slice.addressType}) holds a malformed address "${addressText}"`);
    }
    const member = buildMember({ endpoint, ip, protocolPort: slicePort, ctx, where });
    if ('skipped' in member) warnings.push(member.skipped);
    else members.push(member);
  }
  return ok(members, warnings);
}

/** `EndpointSlice ns/name`, for messages. */
function sliceName(slice: V1EndpointSlice, ctx: MemberContext): string {
  return `EndpointSlice ${slice.metadata?.namespace ?? ctx.ref.namespace}/${slice.metadata?.name ?? '(unnamed)'}`;
}

/** The slice's number for the Service port `port` (matched by name and protocol), if it has one. */
function slicePortOf(slice: V1EndpointSlice, port: ServicePortSpec): number | undefined {
  const found = (slice.ports ?? []).find(
    (p) => (p.name ?? '') === port.name && (p.protocol ?? 'TCP') === port.protocol,
  );
  return found?.port;
}

/** The slice's endpoints of `tier`; typed as required, but a hand-written slice (plan CLI manifests) may lack them. */
function endpointsOfTier(slice: V1EndpointSlice, tier: Tier): V1Endpoint[] {
  return ((slice.endpoints as V1Endpoint[] | undefined) ?? []).filter(
    (endpoint) => tierOf(endpoint) === tier,
  );
}

interface MemberSource {
  readonly endpoint: V1Endpoint;
  readonly ip: ParsedIp;
  readonly protocolPort: number;
  readonly ctx: MemberContext;
  /** `EndpointSlice ns/name`, for messages. */
  readonly where: string;
}

function buildMember({
  endpoint,
  ip,
  protocolPort,
  ctx,
  where,
}: MemberSource): DesiredMember | { skipped: Reason } {
  const target = endpoint.targetRef;
  const owner =
    target?.name !== undefined && target.name !== ''
      ? { namespace: target.namespace ?? ctx.ref.namespace, name: target.name }
      : null;
  const address = ip.address;
  const admission = admitMember(ip, ctx.policy);
  if (!admission.admitted) {
    const pod = owner === null ? '' : ` (pod ${serviceKey(owner)})`;
    const message = `${where}: endpoint ${address}${pod} is not used as a member of Service ${serviceKey(ctx.ref)}: ${admission.why}`;
    return { skipped: warning('KuryrSkipMember', message) };
  }
  const name = memberName(owner ?? ctx.ref, protocolPort);
  const member = { name, address, protocolPort, tags: ctx.tags };
  return admission.subnetId === null ? member : { ...member, subnetId: admission.subnetId };
}
