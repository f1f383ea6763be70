/**
 * The option steps of `translate`: pool algorithm and session persistence, and listener
 * timeouts (annotations, else kuryr.conf). Source ranges and floating IPs live in
 * translate-access.ts.
 */
import type { V1Service } from '@kubernetes/client-node';
import { lbAlgorithmFor, supportsListenerTimeouts, supportsSessionPersistence } from '../capabilities.js';
import type {
  CapabilityProfile,
  LbAlgorithm,
  ServiceRef,
  SessionPersistence,
  TranslateConfig,
} from '../model.js';
import { serviceKey } from '../naming.js';
import { invalid, ok, warning, type Step } from './step.js';

/** Annotation: listener `timeout_client_data` in milliseconds (kuryr's name). */
export const TIMEOUT_CLIENT_DATA_ANNOTATION = 'openstack.org/kuryr-timeout-client-data';
/** Annotation: listener `timeout_member_data` in milliseconds (kuryr's name). */
export const TIMEOUT_MEMBER_DATA_ANNOTATION = 'openstack.org/kuryr-timeout-member-data';
/** Octavia's largest timeout: one year in milliseconds. */
export const MAX_TIMEOUT_MS = 31_536_000_000;

/** Pool settings shared by every pool of the Service. */
export interface PoolOptions {
  readonly lbAlgorithm: LbAlgorithm;
  readonly sessionPersistence: SessionPersistence | null;
}

/** Listener timeouts shared by every listener of the Service (ms; null = Octavia's default). */
export interface ListenerTimeouts {
  readonly timeoutClientData: number | null;
  readonly timeoutMemberData: number | null;
}

/**
 * The algorithm (the configured one when the provider takes it, else the provider's own:
 * SOURCE_IP_PORT on OVN; kuryr.conf loading warns about that once) and
 * SOURCE_IP persistence for `sessionAffinity: ClientIP` when enabled and supported (a
 * KuryrUnsupportedOption warning otherwise). Invalid for an unknown sessionAffinity.
 */
export function translatePoolOptions(
  service: V1Service,
  ref: ServiceRef,
  config: TranslateConfig,
  profile: CapabilityProfile,
): Step<PoolOptions> {
  const lbAlgorithm: LbAlgorithm = lbAlgorithmFor(profile, config.lbAlgorithm);
  const affinity = service.spec?.sessionAffinity ?? 'None';
  const key = serviceKey(ref);
  if (affinity === 'None') return ok({ lbAlgorithm, sessionPersistence: null });
  if (affinity !== 'ClientIP')
    return invalid(`Service ${key} has an unknown spec.sessionAffinity "${affinity}"`);
  const ignored = (why: string): Step<PoolOptions> =>
    ok({ lbAlgorithm, sessionPersistence: null }, [
      warning('KuryrUnsupportedOption', `Service ${key}: sessionAffinity ClientIP ignored: ${why}`),
    ]);
  if (!config.enableSessionAffinity)
    return ignored('disabled by kuryr.conf [kuryr_services] enable_session_affinity');
  if (!supportsSessionPersistence(profile))
    return ignored(`the ${profile.provider} provider has no SOURCE_IP persistence`);
  return ok({ lbAlgorithm, sessionPersistence: { type: 'SOURCE_IP' } });
}

/**
 * Listener timeouts: each annotation when present (an integer 0..31536000000, else invalid
 * naming the annotation and its value), otherwise kuryr.conf's value. Where the target
 * cannot apply timeouts (legacy LBaaS v2, the OVN provider) none are set, with one
 * KuryrUnsupportedOption warning when an annotation asked for one (kuryr.conf's values are
 * reported once when kuryr.conf is loaded, not on every Service).
 */
export function translateListenerTimeouts(
  service: V1Service,
  ref: ServiceRef,
  config: TranslateConfig,
  profile: CapabilityProfile,
): Step<ListenerTimeouts> {
  const annotations = service.metadata?.annotations ?? {};
  const client = readTimeout(annotations, TIMEOUT_CLIENT_DATA_ANNOTATION, config.timeoutClientData, ref);
  if (!client.ok) return client;
  const member = readTimeout(annotations, TIMEOUT_MEMBER_DATA_ANNOTATION, config.timeoutMemberData, ref);
  if (!member.ok) return member;
  if (supportsListenerTimeouts(profile))
    return ok({ timeoutClientData: client.value, timeoutMemberData: member.value });
  const none = { timeoutClientData: null, timeoutMemberData: null };
  const asked = [TIMEOUT_CLIENT_DATA_ANNOTATION, TIMEOUT_MEMBER_DATA_ANNOTATION].filter(
    (name) => annotations[name] !== undefined,
  );
  if (asked.length === 0) return ok(none);
  const why = profile.legacyLbaasV2
    ? 'the legacy Neutron LBaaS v2 API has none'
    : `the ${profile.provider} provider does not apply listener timeouts`;
  const message = `Service ${serviceKey(ref)}: annotation(s) ${asked.join(', ')} not applied: ${why}`;
  return ok(none, [warning('KuryrUnsupportedOption', message)]);
}

function readTimeout(
  annotations: Readonly<Record<string, string>>,
  annotation: string,
  fallback: number | null,
  ref: ServiceRef,
): Step<number | null> {
  const text = annotations[annotation];
  if (text === undefined) return ok(fallback);
  const value = /^\s*[0-9]{1,11}\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 0 && value <= MAX_TIMEOUT_MS)) {
    return invalid(
      `Service ${serviceKey(ref)}: annotation ${annotation}="${text}" is not a timeout: expected milliseconds, an integer from 0 to ${MAX_TIMEOUT_MS}`,
    );
  }
  return ok(value);
}
