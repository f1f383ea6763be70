/**
 * Keystone and Octavia checks: a token, catalog endpoints for load-balancer and network,
 * the Octavia API version (against what src/core/capabilities.ts supports) and the enabled
 * provider drivers. Pure.
 */
import {
  ALLOWED_CIDRS_API,
  MIXED_PROTOCOL_PORT_API,
  NEWEST_SUPPORTED_API,
  TAGS_API,
  atLeast,
  effectiveApiVersion,
  formatApiVersion,
} from '../../core/capabilities.js';
import type { ApiVersion, OctaviaProvider } from '../../core/model.js';
import { error, ok, warning, type CheckRow } from './check.js';
import type { Read } from './facts.js';

/** What Keystone answered. */
export interface KeystoneFacts {
  readonly cloud: string;
  readonly authUrl: string;
  /** The token's project, or why no token was issued. */
  readonly token: Read<{ readonly projectId: string }>;
  /** The endpoint URL per catalog type, or why there is none. */
  readonly endpoints: Readonly<Record<'load-balancer' | 'network', Read<string>>>;
}

/** The Keystone rows. */
export function checkKeystone(facts: KeystoneFacts): CheckRow[] {
  if (!facts.token.ok) {
    return [
      error(
        'keystone',
        'token',
        `no token from ${facts.authUrl} (cloud ${facts.cloud}): ${facts.token.reason}`,
        'check the clouds.yaml credentials (auth_url, user, password or application credential, project)',
      ),
    ];
  }
  const rows = [
    ok(
      'keystone',
      'token',
      `issued by ${facts.authUrl} for project ${facts.token.value.projectId} (cloud ${facts.cloud})`,
    ),
  ];
  for (const [type, read] of Object.entries(facts.endpoints)) {
    rows.push(
      read.ok
        ? ok('keystone', `${type} endpoint`, read.value)
        : error(
            'keystone',
            `${type} endpoint`,
            read.reason,
            `register a ${type} endpoint for the cloud's interface/region, or set ${type.replace('-', '_')}_endpoint_override in clouds.yaml`,
          ),
    );
  }
  return rows;
}

/** What Octavia answered, and what kuryr.conf asks of it. */
export interface OctaviaFacts {
  /** The API version selected from `GET /` (or why discovery failed). */
  readonly version: Read<ApiVersion>;
  /** kuryr.conf [kuryr_services] octavia_api_version. */
  readonly configuredVersion: ApiVersion | null;
  readonly providers: Read<readonly string[]>;
  readonly provider: OctaviaProvider;
}

function versionRow(discovered: ApiVersion, configured: ApiVersion | null): CheckRow {
  const used = effectiveApiVersion(discovered, configured);
  const shown = formatApiVersion(discovered);
  const as = `used as ${formatApiVersion(used)}${configured === null ? '' : ' (kuryr.conf octavia_api_version)'}`;
  if (!atLeast(used, TAGS_API)) {
    return error(
      'octavia',
      'API version',
      `${shown} (${as}) has no tags: ownership cannot be proven`,
      `upgrade Octavia to API ${formatApiVersion(TAGS_API)} or later (Stein)`,
    );
  }
  const lost = [
    ...(atLeast(used, ALLOWED_CIDRS_API) ? [] : ['loadBalancerSourceRanges (allowed_cidrs)']),
    ...(atLeast(used, MIXED_PROTOCOL_PORT_API) ? [] : ['SOURCE_IP_PORT and TCP+UDP on one port']),
  ];
  if (lost.length > 0) {
    return warning(
      'octavia',
      'API version',
      `${shown} (${as}): without ${lost.join(', ')}`,
      `upgrade Octavia to API ${formatApiVersion(MIXED_PROTOCOL_PORT_API)} or later for full support`,
    );
  }
  const capped =
    atLeast(discovered, NEWEST_SUPPORTED_API) &&
    formatApiVersion(discovered) !== formatApiVersion(NEWEST_SUPPORTED_API);
  return ok('octavia', 'API version', `${shown} (${as}${capped ? ', the newest supported' : ''})`);
}

// Octavia lists the amphora driver as `amphora` and its deprecated alias `octavia`.
const DRIVER_NAMES: Readonly<Record<OctaviaProvider, readonly string[]>> = {
  amphora: ['amphora', 'octavia'],
  ovn: ['ovn'],
};

function providerRow(facts: OctaviaFacts): CheckRow {
  if (!facts.providers.ok) {
    return error(
      'octavia',
      'provider',
      `providers cannot be listed: ${facts.providers.reason}`,
      "check the Octavia API and the user's load-balancer role",
    );
  }
  const names = facts.providers.value;
  if (names.some((n) => DRIVER_NAMES[facts.provider].includes(n))) {
    return ok('octavia', 'provider', `${facts.provider} is enabled (enabled: ${names.join(', ')})`);
  }
  return error(
    'octavia',
    'provider',
    `${facts.provider} is not enabled (enabled: ${names.join(', ') || 'none'})`,
    `set [kubernetes] endpoints_driver_octavia_provider to an enabled provider, or enable ${facts.provider} in octavia.conf [api_settings] enabled_provider_drivers`,
  );
}

/** The Octavia rows. */
export function checkOctavia(facts: OctaviaFacts): CheckRow[] {
  const version = facts.version.ok
    ? versionRow(facts.version.value, facts.configuredVersion)
    : error(
        'octavia',
        'API version',
        `discovery failed: ${facts.version.reason}`,
        'check the load-balancer endpoint in the catalog',
      );
  return [version, providerRow(facts)];
}
