/**
 * kuryr.conf: users bring the file they had for kuryr-kubernetes. We read its load
 * balancer keys ([neutron_defaults], [octavia_defaults], [kubernetes]) plus our own
 * [kuryr_services], validate them once, and report every other key as a warning.
 */
import { readFile } from 'node:fs/promises';
import type {
  ApiVersion,
  HealthMonitorDefaults,
  LbAlgorithm,
  MemberMode,
  OctaviaProvider,
} from '../../core/model.js';
import { crossKeyChecks } from './kuryr-conf-checks.js';
import { lastValue, OsloIniError, parseOsloIni, type OsloIni } from './oslo-ini.js';
import { CREATE_MODES, SECTION_SCHEMAS, type SectionName, type SectionValues } from './kuryr-conf-schema.js';

/** `[kuryr_services] create_mode`. */
export type CreateMode = (typeof CREATE_MODES)[number];

/** The validated configuration of kuryr-services. */
export interface AppConfig {
  /** Where it was read from (for messages). */
  readonly file: string;
  readonly neutron: {
    readonly project: string | null;
    /** [neutron_defaults] pod_subnet (a comma list is accepted for dual stack). */
    readonly podSubnetIds: readonly string[];
    readonly serviceSubnetIds: readonly string[];
    readonly externalSvcNet: string | null;
    readonly externalSvcSubnet: string | null;
    readonly resourceTags: readonly string[];
    readonly lbaasActivationTimeoutSeconds: number;
  };
  readonly octavia: {
    readonly memberMode: MemberMode;
    readonly lbAlgorithm: LbAlgorithm;
    readonly enforceSgRules: boolean;
    /** Milliseconds; null = Octavia's default. */
    readonly timeoutClientData: number | null;
    readonly timeoutMemberData: number | null;
    readonly provider: OctaviaProvider;
    /** enable_health_monitor and the health_monitor_* settings (seconds). */
    readonly healthMonitor: HealthMonitorDefaults;
    /** flavor_id: the Octavia flavor of new load balancers; null = Octavia's default. */
    readonly flavorId: string | null;
    /** availability_zone: the Octavia availability zone of new load balancers; null = none. */
    readonly availabilityZone: string | null;
  };
  readonly service: {
    /** null: derived from the kube-system namespace uid at start. */
    readonly clusterId: string | null;
    /** Orphans released per sweep at most; the rest wait for the next sweep. */
    readonly maxOrphanReleasesPerSweep: number;
    readonly enableSessionAffinity: boolean;
    readonly enableSourceRanges: boolean;
    readonly workers: number;
    /** Endpoint changes of a Service within this long become one pass (0: each at once). */
    readonly endpointsBatchPeriodMs: number;
    readonly resyncPeriodSeconds: number;
    /** Use this Octavia API version instead of the discovered one. */
    readonly octaviaApiVersion: ApiVersion | null;
    readonly pendingRequeueMs: number;
    /** Cap of the growing PENDING_* requeue delay (never below pendingRequeueMs). */
    readonly pendingRequeueMaxMs: number;
    /** How load balancers are created: auto, fully-populated or step-by-step (docs/adr/0006). */
    readonly createMode: CreateMode;
    /** L3 member mode: CIDRs (normalised) whose addresses may be members besides the pod subnets. */
    readonly memberCidrs: readonly string[];
    /** A spec.loadBalancerClass served besides "no class"; null = none. */
    readonly loadBalancerClass: string | null;
    /** Leave alone LoadBalancer Services another controller has claimed (src/core/translate-coexistence.ts). */
    readonly ignoreForeignServices: boolean;
    /** The `default/kubernetes` Service gets a load balancer (src/core/translate/kubernetes-api.ts). */
    readonly kubernetesApiLb: boolean;
  };
}

/** A configuration plus the warnings (ignored keys and sections, overridden settings). */
export interface LoadedConfig {
  readonly config: AppConfig;
  readonly warnings: readonly string[];
}

/** kuryr.conf cannot be used; `problems` lists each bad key as "file: [section] key = "value": why". */
export class KuryrConfError extends Error {
  override readonly name = 'KuryrConfError';
  readonly problems: readonly string[];
  constructor(file: string, problems: readonly string[], options?: { cause?: unknown }) {
    super(
      `reading ${file}: ${problems.length === 1 ? (problems[0] ?? '') : `\n  ${problems.join('\n  ')}`}`,
      options,
    );
    this.problems = problems;
  }
}

type RawSection = Record<string, string>;

/**
 * Parses and validates kuryr.conf text. `file` names the source in messages. Throws
 * KuryrConfError listing every invalid value; unknown keys and sections become warnings.
 */
export function parseKuryrConf(text: string, file: string): LoadedConfig {
  const { sections, warnings } = readSections(parseText(text, file), file);
  const problems: string[] = [];
  const values = validateSections(sections, file, problems);
  if (values === null || problems.length > 0) throw new KuryrConfError(file, problems);
  const findings = crossKeyChecks(values, sections, file);
  if (findings.problems.length > 0) throw new KuryrConfError(file, findings.problems);
  for (const warning of findings.warnings) warnings.push(warning);
  const activation = sections.neutron_defaults?.lbaas_activation_timeout;
  if (activation !== undefined) {
    // Kept valid for kuryr's files; it bounded a blocking wait this controller never makes.
    warnings.push(
      `${file}: [neutron_defaults] lbaas_activation_timeout = ${activation} has no effect: kuryr-services never waits for a load balancer to become ACTIVE (it requeues; see [kuryr_services] pending_requeue_ms, pending_requeue_max_ms)`,
    );
  }
  return { config: toAppConfig(values, file), warnings };
}

/** Reads and parses the kuryr.conf at `path` (see parseKuryrConf). Throws KuryrConfError when unreadable. */
export async function readKuryrConf(path: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new KuryrConfError(
      path,
      [`cannot read the file: ${error instanceof Error ? error.message : String(error)}`],
      {
        cause: error,
      },
    );
  }
  return parseKuryrConf(text, path);
}

/** kuryr-kubernetes' defaults (what an empty kuryr.conf gives). */
export function defaultAppConfig(): AppConfig {
  return parseKuryrConf('', '(defaults)').config;
}

function parseText(text: string, file: string): OsloIni {
  try {
    return parseOsloIni(text);
  } catch (error) {
    if (error instanceof OsloIniError)
      throw new KuryrConfError(file, [`${file}: ${error.message}`], { cause: error });
    throw error;
  }
}

function readSections(
  parsed: OsloIni,
  file: string,
): { sections: Partial<Record<SectionName, RawSection>>; warnings: string[] } {
  const sections: Partial<Record<SectionName, RawSection>> = {};
  const warnings: string[] = [];
  for (const [name, keys] of parsed.sections) {
    if (!(name in SECTION_SCHEMAS)) {
      warnings.push(`${file}: section [${name}] ignored (not used by kuryr-services)`);
      continue;
    }
    const section = name as SectionName;
    const known = Object.keys(SECTION_SCHEMAS[section].shape);
    const raw: RawSection = {};
    const ignored: string[] = [];
    for (const [key, values] of keys) {
      const value = lastValue(values);
      if (known.includes(key) && value !== undefined) raw[key] = value;
      else ignored.push(key);
    }
    if (ignored.length > 0)
      warnings.push(`${file}: [${name}] keys ignored (not used by kuryr-services): ${ignored.join(', ')}`);
    sections[section] = raw;
  }
  if (parsed.outside.length > 0) {
    warnings.push(`${file}: keys outside any section ignored: ${parsed.outside.join(', ')}`);
  }
  return { sections, warnings };
}

function validateSections(
  sections: Partial<Record<SectionName, RawSection>>,
  file: string,
  problems: string[],
): SectionValues | null {
  const out: Partial<SectionValues> = {};
  for (const name of Object.keys(SECTION_SCHEMAS) as SectionName[]) {
    const raw = sections[name] ?? {};
    const result = SECTION_SCHEMAS[name].safeParse(raw);
    if (result.success) {
      Object.assign(out, { [name]: result.data });
      continue;
    }
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? '');
      problems.push(`${file}: [${name}] ${key} = "${raw[key] ?? ''}": ${issue.message}`);
    }
  }
  const complete = Object.keys(SECTION_SCHEMAS).every((name) => name in out);
  return complete ? (out as SectionValues) : null;
}

function toAppConfig(values: SectionValues, file: string): AppConfig {
  const { neutron_defaults: n, octavia_defaults: o, kubernetes: k, kuryr_services: s } = values;
  return {
    file,
    neutron: {
      project: n.project,
      podSubnetIds: n.pod_subnet,
      serviceSubnetIds: n.service_subnet,
      externalSvcNet: n.external_svc_net,
      externalSvcSubnet: n.external_svc_subnet,
      resourceTags: [...new Set(n.resource_tags)],
      lbaasActivationTimeoutSeconds: n.lbaas_activation_timeout,
    },
    octavia: {
      memberMode: o.member_mode,
      lbAlgorithm: o.lb_algorithm,
      enforceSgRules: o.enforce_sg_rules,
      timeoutClientData: o.timeout_client_data,
      timeoutMemberData: o.timeout_member_data,
      provider: k.endpoints_driver_octavia_provider,
      healthMonitor: {
        enabled: o.enable_health_monitor,
        delay: o.health_monitor_delay,
        timeout: o.health_monitor_timeout,
        maxRetries: o.health_monitor_max_retries,
        maxRetriesDown: o.health_monitor_max_retries_down,
      },
      flavorId: o.flavor_id,
      availabilityZone: o.availability_zone,
    },
    service: {
      clusterId: s.cluster_id,
      maxOrphanReleasesPerSweep: s.max_orphan_releases_per_sweep,
      enableSessionAffinity: s.enable_session_affinity,
      enableSourceRanges: s.enable_source_ranges,
      workers: s.workers,
      endpointsBatchPeriodMs: s.endpoints_batch_period_ms,
      resyncPeriodSeconds: s.resync_period,
      octaviaApiVersion: s.octavia_api_version,
      pendingRequeueMs: s.pending_requeue_ms,
      pendingRequeueMaxMs: Math.max(s.pending_requeue_ms, s.pending_requeue_max_ms),
      createMode: s.create_mode,
      memberCidrs: s.member_cidrs,
      loadBalancerClass: s.load_balancer_class,
      ignoreForeignServices: s.ignore_foreign_services,
      kubernetesApiLb: s.kubernetes_api_lb,
    },
  };
}
