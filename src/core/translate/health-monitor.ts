/**
 * The health monitor steps of `translate`: whether a Service's pools get a monitor and with
 * which timings (cloud-provider-openstack's annotations, else kuryr.conf `[octavia_defaults]`),
 * and the monitor of each pool: a type that speaks the pool's protocol and that the provider
 * takes (capabilities.ts `healthMonitorTypeFor`), or none with a KuryrUnsupportedOption warning.
 */
import type { V1Service } from '@kubernetes/client-node';
import { healthMonitorTypeFor } from '../capabilities.js';
import type {
  CapabilityProfile,
  DesiredHealthMonitor,
  HealthMonitorDefaults,
  LbProtocol,
  ServiceRef,
  TranslateConfig,
} from '../model.js';
import { serviceKey } from '../naming.js';
import { invalid, ok, warning, type Step } from './step.js';

/** cloud-provider-openstack's annotation: "true" gives every pool a monitor, "false" none. */
export const ENABLE_HEALTH_MONITOR_ANNOTATION = 'loadbalancer.openstack.org/enable-health-monitor';
/** Seconds between checks. */
export const HEALTH_MONITOR_DELAY_ANNOTATION = 'loadbalancer.openstack.org/health-monitor-delay';
/** Seconds a check may take (at most the delay). */
export const HEALTH_MONITOR_TIMEOUT_ANNOTATION = 'loadbalancer.openstack.org/health-monitor-timeout';
/** Successful checks before a member is ONLINE. */
export const HEALTH_MONITOR_MAX_RETRIES_ANNOTATION = 'loadbalancer.openstack.org/health-monitor-max-retries';
/** Failed checks before a member is ERROR. */
export const HEALTH_MONITOR_MAX_RETRIES_DOWN_ANNOTATION =
  'loadbalancer.openstack.org/health-monitor-max-retries-down';

/** Every health monitor annotation we implement. */
export const HEALTH_MONITOR_ANNOTATIONS: readonly string[] = [
  ENABLE_HEALTH_MONITOR_ANNOTATION,
  HEALTH_MONITOR_DELAY_ANNOTATION,
  HEALTH_MONITOR_TIMEOUT_ANNOTATION,
  HEALTH_MONITOR_MAX_RETRIES_ANNOTATION,
  HEALTH_MONITOR_MAX_RETRIES_DOWN_ANNOTATION,
];

/** Without kuryr.conf settings: off, with cloud-provider-openstack's defaults (5 s, 3 s, 1, 3). */
export const DEFAULT_HEALTH_MONITOR: HealthMonitorDefaults = {
  enabled: false,
  delay: 5,
  timeout: 3,
  maxRetries: 1,
  maxRetriesDown: 3,
};

/**
 * Octavia's default smallest delay of a UDP-CONNECT monitor (`[api_settings]
 * udp_connect_min_interval_health_monitor`); a smaller one is refused with a 400.
 */
export const UDP_CONNECT_MIN_DELAY = 3;

/** The timings every monitor of the Service gets (seconds). */
export type HealthMonitorSettings = Omit<HealthMonitorDefaults, 'enabled'>;

type Annotations = Readonly<Record<string, string>>;

function readEnabled(annotations: Annotations, fallback: boolean, ref: ServiceRef): Step<boolean> {
  const text = annotations[ENABLE_HEALTH_MONITOR_ANNOTATION];
  if (text === undefined) return ok(fallback);
  const value = text.trim().toLowerCase();
  if (value === 'true' || value === 'false') return ok(value === 'true');
  return invalid(
    `Service ${serviceKey(ref)}: annotation ${ENABLE_HEALTH_MONITOR_ANNOTATION}="${text}" must be "true" or "false"`,
  );
}

interface IntField {
  readonly annotation: string;
  readonly fallback: number;
  readonly min: number;
  readonly max: number;
}

function readInt(annotations: Annotations, field: IntField, ref: ServiceRef): Step<number> {
  const text = annotations[field.annotation];
  if (text === undefined) return ok(field.fallback);
  const value = /^\s*[0-9]{1,6}\s*$/.test(text) ? Number(text) : Number.NaN;
  if (value >= field.min && value <= field.max) return ok(value);
  return invalid(
    `Service ${serviceKey(ref)}: annotation ${field.annotation}="${text}" must be an integer from ${field.min} to ${field.max}`,
  );
}

function readAll(
  annotations: Annotations,
  fields: Readonly<Record<keyof HealthMonitorSettings, IntField>>,
  ref: ServiceRef,
): Step<HealthMonitorSettings> {
  const delay = readInt(annotations, fields.delay, ref);
  if (!delay.ok) return delay;
  const timeout = readInt(annotations, fields.timeout, ref);
  if (!timeout.ok) return timeout;
  const maxRetries = readInt(annotations, fields.maxRetries, ref);
  if (!maxRetries.ok) return maxRetries;
  const maxRetriesDown = readInt(annotations, fields.maxRetriesDown, ref);
  if (!maxRetriesDown.ok) return maxRetriesDown;
  return ok({
    delay: delay.value,
    timeout: timeout.value,
    maxRetries: maxRetries.value,
    maxRetriesDown: maxRetriesDown.value,
  });
}

/**
 * The monitor timings of the Service's pools, or null when it gets no monitors: the enable
 * annotation, else `[octavia_defaults] enable_health_monitor`; each timing from its
 * annotation, else kuryr.conf. Invalid for a malformed annotation, a value outside Octavia's
 * range (delay and timeout 1..86400 s, retries 1..10), or a timeout longer than the delay.
 */
export function translateHealthMonitorSettings(
  service: V1Service,
  ref: ServiceRef,
  config: TranslateConfig,
): Step<HealthMonitorSettings | null> {
  const annotations = service.metadata?.annotations ?? {};
  const defaults = config.healthMonitor ?? DEFAULT_HEALTH_MONITOR;
  const enabled = readEnabled(annotations, defaults.enabled, ref);
  if (!enabled.ok || !enabled.value) return enabled.ok ? ok(null) : enabled;
  const fields = {
    delay: { annotation: HEALTH_MONITOR_DELAY_ANNOTATION, fallback: defaults.delay, min: 1, max: 86_400 },
    timeout: {
      annotation: HEALTH_MONITOR_TIMEOUT_ANNOTATION,
      fallback: defaults.timeout,
      min: 1,
      max: 86_400,
    },
    maxRetries: {
      annotation: HEALTH_MONITOR_MAX_RETRIES_ANNOTATION,
      fallback: defaults.maxRetries,
      min: 1,
      max: 10,
    },
    maxRetriesDown: {
      annotation: HEALTH_MONITOR_MAX_RETRIES_DOWN_ANNOTATION,
      fallback: defaults.maxRetriesDown,
      min: 1,
      max: 10,
    },
  } as const;
  const read = readAll(annotations, fields, ref);
  if (!read.ok) return read;
  const settings = read.value;
  if (settings.timeout > settings.delay) {
    return invalid(
      `Service ${serviceKey(ref)}: health monitor timeout ${settings.timeout} s exceeds its delay ${settings.delay} s (${HEALTH_MONITOR_TIMEOUT_ANNOTATION}, ${HEALTH_MONITOR_DELAY_ANNOTATION} or kuryr.conf [octavia_defaults]): a check must end before the next one starts`,
    );
  }
  return ok(settings);
}

/** The pool a monitor is for. */
export interface MonitoredPool {
  readonly name: string;
  readonly protocol: LbProtocol;
  readonly port: number;
  readonly tags: readonly string[];
}

/**
 * The monitor of one pool (named like the pool, with its tags), or null: no settings, or no
 * monitor type of the provider fits the pool's protocol (then a KuryrUnsupportedOption
 * warning). A UDP-CONNECT delay below Octavia's minimum is raised to it, with a warning.
 */
export function healthMonitorFor(
  settings: HealthMonitorSettings | null,
  pool: MonitoredPool,
  ctx: { readonly ref: ServiceRef; readonly profile: CapabilityProfile },
): Step<DesiredHealthMonitor | null> {
  if (settings === null) return ok(null);
  const key = serviceKey(ctx.ref);
  const type = healthMonitorTypeFor(ctx.profile, pool.protocol);
  if (type === null) {
    const message = `Service ${key}: ${pool.protocol} port ${pool.port} gets no health monitor: the ${ctx.profile.provider} provider has no monitor type that checks ${pool.protocol} members`;
    return ok(null, [warning('KuryrUnsupportedOption', message)]);
  }
  const monitor: DesiredHealthMonitor = { name: pool.name, type, ...settings, tags: pool.tags };
  if (type !== 'UDP-CONNECT' || settings.delay >= UDP_CONNECT_MIN_DELAY) return ok(monitor);
  const message = `Service ${key}: health monitor delay ${settings.delay} s raised to ${UDP_CONNECT_MIN_DELAY} s for UDP port ${pool.port}: Octavia's minimum for UDP-CONNECT monitors`;
  return ok({ ...monitor, delay: UDP_CONNECT_MIN_DELAY }, [warning('KuryrUnsupportedOption', message)]);
}
