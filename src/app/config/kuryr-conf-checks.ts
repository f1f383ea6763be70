/**
 * kuryr.conf checks that span several keys: combinations the provider refuses (an error),
 * and values that will not be applied (a warning, said once here rather than on every
 * Service). Pure: the validated values and the raw sections in, messages out.
 */
import { PROVIDER_CAPABILITIES } from '../../core/capabilities.js';
import type { SectionName, SectionValues } from './kuryr-conf-schema.js';

type RawSections = Partial<Record<SectionName, Record<string, string>>>;

/** Errors (the file cannot be used) and warnings (a value will not be applied). */
export interface CrossKeyFindings {
  readonly problems: string[];
  readonly warnings: string[];
}

function lbAlgorithmFindings(
  values: SectionValues,
  raw: RawSections,
  file: string,
  out: CrossKeyFindings,
): void {
  const algorithm = values.octavia_defaults.lb_algorithm;
  const provider = values.kubernetes.endpoints_driver_octavia_provider;
  const accepted = PROVIDER_CAPABILITIES[provider].lbAlgorithms;
  if (accepted.includes(algorithm)) return;
  const where = `${file}: [octavia_defaults] lb_algorithm = "${algorithm}"`;
  if (provider === 'amphora') {
    out.problems.push(`${where}: the amphora provider refuses ${algorithm} (use ovn, or another algorithm)`);
  } else if (raw.octavia_defaults?.lb_algorithm !== undefined) {
    out.warnings.push(`${where} ignored: the ${provider} provider only has ${accepted.join(', ')}`);
  }
}

function timeoutFindings(values: SectionValues, file: string, out: CrossKeyFindings): void {
  const provider = values.kubernetes.endpoints_driver_octavia_provider;
  if (PROVIDER_CAPABILITIES[provider].listenerTimeouts) return;
  const { timeout_client_data: client, timeout_member_data: member } = values.octavia_defaults;
  const set = [
    ...(client === null ? [] : [`timeout_client_data = "${client}"`]),
    ...(member === null ? [] : [`timeout_member_data = "${member}"`]),
  ];
  if (set.length === 0) return;
  out.warnings.push(
    `${file}: [octavia_defaults] ${set.join(', ')} ignored: the ${provider} provider does not apply listener timeouts`,
  );
}

function healthMonitorFindings(values: SectionValues, file: string, out: CrossKeyFindings): void {
  const { health_monitor_delay: delay, health_monitor_timeout: timeout } = values.octavia_defaults;
  if (timeout <= delay) return;
  out.problems.push(
    `${file}: [octavia_defaults] health_monitor_timeout = "${timeout}" exceeds health_monitor_delay = "${delay}": a check must end before the next one starts`,
  );
}

function placementFindings(values: SectionValues, file: string, out: CrossKeyFindings): void {
  const provider = values.kubernetes.endpoints_driver_octavia_provider;
  const { flavor_id: flavor, availability_zone: zone } = values.octavia_defaults;
  const caps = PROVIDER_CAPABILITIES[provider];
  const set = [
    ...(flavor === null || caps.flavors ? [] : [`flavor_id = "${flavor}"`]),
    ...(zone === null || caps.availabilityZones ? [] : [`availability_zone = "${zone}"`]),
  ];
  if (set.length === 0) return;
  out.warnings.push(
    `${file}: [octavia_defaults] ${set.join(', ')} ignored: the ${provider} provider has no flavors or availability zones`,
  );
}

/** The findings for a validated kuryr.conf; `raw` tells which keys were written. */
export function crossKeyChecks(values: SectionValues, raw: RawSections, file: string): CrossKeyFindings {
  const out: CrossKeyFindings = { problems: [], warnings: [] };
  lbAlgorithmFindings(values, raw, file, out);
  timeoutFindings(values, file, out);
  healthMonitorFindings(values, file, out);
  placementFindings(values, file, out);
  const { pending_requeue_ms: base, pending_requeue_max_ms: cap } = values.kuryr_services;
  if (cap < base && raw.kuryr_services?.pending_requeue_max_ms !== undefined) {
    out.warnings.push(
      `${file}: [kuryr_services] pending_requeue_max_ms = "${cap}" is below pending_requeue_ms = "${base}": using ${base} (no backoff)`,
    );
  }
  return out;
}
