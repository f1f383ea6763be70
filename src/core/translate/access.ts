/**
 * The access steps of `translate`: who may reach the VIP (loadBalancerSourceRanges →
 * listener allowed_cidrs) and how it is reached from outside (type=LoadBalancer →
 * floating IP). Where a restriction cannot be enforced the warning says so plainly.
 */
import type { V1Service } from '@kubernetes/client-node';
import {
  ALLOWED_CIDRS_API,
  formatApiVersion,
  providerCapabilities,
  supportsAllowedCidrs,
} from '../capabilities.js';
import { compareAddresses, parseCidr, parseIp, type IpFamily, type ParsedCidr } from '../ip.js';
import type { CapabilityProfile, FloatingIpIntent, ServiceRef, TranslateConfig } from '../model.js';
import { serviceKey } from '../naming.js';
import type { Reason } from './translation.js';
import { invalid, ok, warning, type Step } from './step.js';
import type { ServiceKind } from './service.js';

/** The pre-field way to set source ranges; Kubernetes honours it when the field is empty. */
export const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

/** What the access steps need to know about the Service's context. */
export interface AccessContext {
  readonly ref: ServiceRef;
  readonly family: IpFamily;
  readonly config: TranslateConfig;
  readonly profile: CapabilityProfile;
}

/**
 * The listeners' allowed_cidrs: the source ranges normalised (network address), de-duplicated
 * and sorted. Invalid for a malformed range, or when every range is of the other address
 * family (enforcing none of them would open the VIP to everyone). Empty with a loud
 * warning when ranges are set but cannot be enforced (disabled, or Octavia < 2.12).
 */
export function translateAllowedCidrs(service: V1Service, ctx: AccessContext): Step<string[]> {
  const key = serviceKey(ctx.ref);
  const texts = sourceRangeTexts(service);
  if (texts.length === 0) return ok([]);
  const bad = texts.find((text) => parseCidr(text) === null);
  if (bad !== undefined)
    return invalid(`Service ${key}: loadBalancerSourceRanges entry "${bad}" is not a valid CIDR`);
  const parsed = texts.map(parseCidr).filter((c): c is ParsedCidr => c !== null);
  const warnings: Reason[] = [];
  const sameFamily = parsed.filter((c) => c.family === ctx.family);
  const other = parsed.filter((c) => c.family !== ctx.family).map((c) => c.cidr);
  if (sameFamily.length === 0) {
    return invalid(
      `Service ${key}: no loadBalancerSourceRanges entry is IPv${ctx.family} like the VIP (${other.join(', ')})`,
    );
  }
  if (other.length > 0) {
    const message = `Service ${key}: loadBalancerSourceRanges ${other.join(', ')} ignored: not IPv${ctx.family} like the VIP`;
    warnings.push(warning('KuryrUnsupportedOption', message));
  }
  const notEnforced = unenforceableBecause(ctx);
  if (notEnforced !== null) {
    const message = `Service ${key}: loadBalancerSourceRanges are NOT enforced (${notEnforced}); the load balancer accepts traffic from ANY source address`;
    return ok([], [...warnings, warning('KuryrUnsupportedOption', message)]);
  }
  return ok(normaliseCidrs(sameFamily), warnings);
}

function sourceRangeTexts(service: V1Service): string[] {
  const field = service.spec?.loadBalancerSourceRanges ?? [];
  const texts =
    field.length > 0 ? field : (service.metadata?.annotations?.[SOURCE_RANGES_ANNOTATION] ?? '').split(',');
  return texts.map((t) => t.trim()).filter((t) => t !== '');
}

function unenforceableBecause(ctx: AccessContext): string | null {
  if (!ctx.config.enableSourceRanges) return 'disabled by kuryr.conf [kuryr_services] enable_source_ranges';
  if (supportsAllowedCidrs(ctx.profile)) return null;
  if (ctx.profile.legacyLbaasV2) return 'the legacy Neutron LBaaS v2 API has no allowed_cidrs';
  if (!providerCapabilities(ctx.profile).allowedCidrs) {
    return `the ${ctx.profile.provider} provider refuses listener allowed_cidrs`;
  }
  const have = formatApiVersion(ctx.profile.apiVersion);
  return `allowed_cidrs needs Octavia API ${formatApiVersion(ALLOWED_CIDRS_API)}, this Octavia has ${have}`;
}

function normaliseCidrs(cidrs: readonly ParsedCidr[]): string[] {
  const unique = new Map(cidrs.map((c) => [c.cidr, c] as const));
  return [...unique.values()]
    .sort((a, b) => compareAddresses(a.network.address, b.network.address) || a.prefixLength - b.prefixLength)
    .map((c) => c.cidr);
}

/**
 * The floating IP of a type=LoadBalancer Service: none when it is internal (a set
 * `loadBalancerIP` is then ignored with a KuryrUnsupportedOption warning), else the user's
 * `loadBalancerIP` (must be an IP address, else invalid), else one from kuryr.conf's
 * external_svc_net (+ subnet), else none with a KuryrNoFloatingIp warning. Null for other
 * Service types.
 */
export function translateFloatingIp(
  service: V1Service,
  exposure: { readonly kind: ServiceKind; readonly internal: boolean },
  ctx: AccessContext,
): Step<FloatingIpIntent | null> {
  if (exposure.kind !== 'LoadBalancer') return ok(null);
  const key = serviceKey(ctx.ref);
  const requested = service.spec?.loadBalancerIP;
  if (exposure.internal) {
    if (requested === undefined || requested === '') return ok(null);
    const message = `Service ${key}: spec.loadBalancerIP "${requested}" ignored: the Service is internal (no floating IP); its address is the VIP`;
    return ok(null, [warning('KuryrUnsupportedOption', message)]);
  }
  if (requested !== undefined && requested !== '') {
    const ip = parseIp(requested.trim());
    if (ip === null)
      return invalid(`Service ${key}: spec.loadBalancerIP "${requested}" is not an IP address`);
    return ok({ method: 'user', address: ip.address });
  }
  const { externalSvcNet, externalSvcSubnet } = ctx.config;
  if (externalSvcNet === null) {
    const message = `Service ${key} is of type LoadBalancer but gets no floating IP: no spec.loadBalancerIP and no kuryr.conf [neutron_defaults] external_svc_net`;
    return ok(null, [warning('KuryrNoFloatingIp', message)]);
  }
  if (externalSvcSubnet === null) return ok({ method: 'pool', networkId: externalSvcNet });
  return ok({ method: 'pool', networkId: externalSvcNet, subnetId: externalSvcSubnet });
}
