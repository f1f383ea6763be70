/**
 * Which clouds.yaml keys are known, so that a typo (`cacerts`, `verfiy`, `regoin_name`) is a
 * warning with a "did you mean" instead of a silently dropped setting. Known = what we read,
 * plus the openstacksdk / keystoneauth keys we accept and ignore (documented in openstacksdk's
 * "Configuring os-client-config Applications" and keystoneauth's plugin options). Pure.
 */
import { distance } from 'fastest-levenshtein';

/** Keys kuryr-services reads (after normalisation: see layers.ts). */
export const READ_KEYS = [
  'auth_url',
  'auth_type',
  'username',
  'user_id',
  'password',
  'project_name',
  'project_id',
  'user_domain_name',
  'user_domain_id',
  'project_domain_name',
  'project_domain_id',
  'domain_name',
  'domain_id',
  'application_credential_id',
  'application_credential_name',
  'application_credential_secret',
  'region_name',
  'interface',
  'cacert',
  'cert',
  'key',
  'insecure',
  'verify',
  'api_timeout',
  'identity_endpoint_override',
  'network_endpoint_override',
  'load_balancer_endpoint_override',
] as const;

// Accepted by openstacksdk or keystoneauth, not used here: no warning.
const IGNORED_KEYS = new Set([
  'identity_api_version',
  'default_domain',
  'system_scope',
  'trust_id',
  'token',
  'split_loggers',
  'networks',
  'floating_ip_source',
  'image_format',
  'disable_vendor_agent',
  'statsd_host',
  'statsd_port',
  'statsd_prefix',
  'prometheus_service_name',
  'influxdb_config',
  'collect_timing',
  'status_code_retries',
  'connect_retries',
  'block_storage_api_version',
  'project_name_suffix',
  'user_agent',
]);

// `<service>_api_version`, `<service>_endpoint_override`, `<service>_service_type`, ... for services we do not call.
const IGNORED_PATTERNS = [
  /^[a-z_]+_(api_version|endpoint_override|service_type|service_name|interface|region_name|status_code_retries)$/,
];

const KNOWN = new Set<string>(READ_KEYS);

/** True when `key` (normalised) is read here or accepted by openstacksdk. */
export function isKnownKey(key: string): boolean {
  return KNOWN.has(key) || IGNORED_KEYS.has(key) || IGNORED_PATTERNS.some((p) => p.test(key));
}

/** The key we read that `key` most likely misspells (edit distance at most 2), or null. */
export function nearestKey(key: string): string | null {
  let best: { key: string; d: number } | null = null;
  for (const candidate of READ_KEYS) {
    const d = distance(key, candidate);
    if (d <= 2 && (best === null || d < best.d)) best = { key: candidate, d };
  }
  return best?.key ?? null;
}
