/**
 * The kuryr.conf keys kuryr-services reads, as one zod schema per section. Each value
 * arrives as the text after `=` (or undefined when absent) and leaves typed, with
 * kuryr-kubernetes' defaults. Messages say what is wrong, for "file [section] key = value: …".
 */
import { z } from 'zod';
import { parseApiVersion } from '../../core/capabilities.js';
import { parseCidr, parseIp } from '../../core/ip.js';
import type { ApiVersion } from '../../core/model.js';
import { MAX_TAG_LENGTH } from '../../core/ownership.js';

/** Octavia's largest listener timeout (ms). */
const MAX_TIMEOUT_MS = 31_536_000_000;

const text = z.string().trim();

/** An id or name; empty or absent → null. */
const optionalText = text
  .optional()
  .transform((value) => (value === undefined || value === '' ? null : value));

/** A comma-separated list; empty entries dropped. */
const list = text.optional().transform((value) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== ''),
);

const tagList = list.pipe(
  z.array(
    z.string().max(MAX_TAG_LENGTH, `each tag must be at most ${MAX_TAG_LENGTH} characters (Neutron's limit)`),
  ),
);

/** A comma-separated list of IPv4/IPv6 CIDRs without host bits, normalised (`10.0.0.0/8`, `fd00::/64`), without repeats. */
const cidrList = list.transform((items, ctx) => {
  const cidrs = items.flatMap((item) => {
    const cidr = parseCidr(item);
    if (cidr === null) {
      ctx.addIssue({ code: 'custom', message: `entry "${item}" is not a CIDR like 10.0.0.0/8 or fd00::/64` });
      return [];
    }
    if (parseIp(item.split('/')[0] ?? '')?.address !== cidr.network.address) {
      ctx.addIssue({
        code: 'custom',
        message: `entry "${item}" has host bits set (the network is ${cidr.cidr})`,
      });
      return [];
    }
    return [cidr.cidr];
  });
  return [...new Set(cidrs)];
});

/**
 * A Kubernetes label-style class name with an optional DNS-subdomain prefix
 * (`example.com/internal-vip`), as `spec.loadBalancerClass` takes; empty or absent → null.
 */
const loadBalancerClass = optionalText.pipe(
  z
    .string()
    .max(316, 'must be at most 316 characters')
    .regex(
      /^(?:(?=[^/]{1,253}\/)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?(?=[^/]{1,63}$)[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/,
      'must be a label-style name with an optional DNS prefix, like example.com/octavia (as spec.loadBalancerClass)',
    )
    .nullable(),
);

function integer(min: number, max: number) {
  return text
    .regex(/^-?[0-9]+$/, 'must be an integer')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

/** oslo.config's boolean spellings. */
const bool = z.stringbool({
  truthy: ['1', 't', 'true', 'on', 'y', 'yes'],
  falsy: ['0', 'f', 'false', 'off', 'n', 'no'],
  error: 'must be a boolean (true or false)',
});

/** Milliseconds; 0 or absent → null (Octavia's default), as in kuryr. */
const timeoutMs = integer(0, MAX_TIMEOUT_MS)
  .optional()
  .transform((value) => (value === undefined || value === 0 ? null : value));

const apiVersion = text
  .transform((value, ctx): ApiVersion => {
    const version = parseApiVersion(value);
    if (version?.major === 2) return version;
    ctx.addIssue({ code: 'custom', message: 'must be an Octavia API version like 2.27' });
    return z.NEVER;
  })
  .optional()
  .transform((value) => value ?? null);

/** `[kuryr_services] create_mode` values. */
export const CREATE_MODES = ['auto', 'fully-populated', 'step-by-step'] as const;

export const LB_ALGORITHMS = ['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP', 'SOURCE_IP_PORT'] as const;

/** [neutron_defaults] */
export const neutronDefaultsSchema = z.object({
  project: optionalText,
  pod_subnet: list,
  service_subnet: list,
  external_svc_net: optionalText,
  external_svc_subnet: optionalText,
  resource_tags: tagList,
  lbaas_activation_timeout: integer(1, 86_400).default(300),
});

/** An Octavia flavor id (Octavia's API takes a UUID); empty or absent → null. */
const flavorId = optionalText.pipe(
  z
    .string()
    .regex(
      /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i,
      'must be an Octavia flavor id (a UUID)',
    )
    .nullable(),
);

/** An Octavia availability zone name (at most 255 characters); empty or absent → null. */
const availabilityZone = optionalText.pipe(z.string().max(255, 'must be at most 255 characters').nullable());

/** [octavia_defaults] */
export const octaviaDefaultsSchema = z.object({
  member_mode: z.enum(['L2', 'L3'], { error: 'must be L2 or L3' }).default('L3'),
  lb_algorithm: z
    .enum(LB_ALGORITHMS, { error: `must be one of ${LB_ALGORITHMS.join(', ')}` })
    .default('ROUND_ROBIN'),
  enforce_sg_rules: bool.default(true),
  timeout_client_data: timeoutMs,
  timeout_member_data: timeoutMs,
  /** Ours: every pool gets a health monitor unless its Service's annotation says otherwise. */
  enable_health_monitor: bool.default(false),
  /** Seconds between checks (cloud-provider-openstack's default 5). */
  health_monitor_delay: integer(1, 86_400).default(5),
  /** Seconds a check may take; at most the delay (cloud-provider-openstack's default 3). */
  health_monitor_timeout: integer(1, 86_400).default(3),
  /** Octavia's 1..10 (cloud-provider-openstack's default 1). */
  health_monitor_max_retries: integer(1, 10).default(1),
  /** Octavia's 1..10 (Octavia's and cloud-provider-openstack's default 3). */
  health_monitor_max_retries_down: integer(1, 10).default(3),
  /** Ours: the Octavia flavor of new load balancers (Octavia API 2.6). */
  flavor_id: flavorId,
  /** Ours: the Octavia availability zone of new load balancers (Octavia API 2.14). */
  availability_zone: availabilityZone,
});

/** [kubernetes]: the one key of kuryr's big section that concerns load balancers. */
export const kubernetesSchema = z.object({
  endpoints_driver_octavia_provider: z
    .enum(['default', 'amphora', 'ovn'], { error: 'must be default, amphora or ovn' })
    .default('default')
    .transform((value) => (value === 'default' ? 'amphora' : value)),
});

/** [kuryr_services]: our own settings. */
export const kuryrServicesSchema = z.object({
  /**
   * Absent: derived from the cluster's identity (the kube-system namespace uid) at start.
   * `kubernetes`, the old default every cluster shared, is refused (docs/adr/0008).
   */
  cluster_id: text
    .regex(
      /^[A-Za-z0-9._-]{1,40}$/,
      'must be 1 to 40 characters from A-Z a-z 0-9 . _ - (it becomes a Neutron tag)',
    )
    .refine((value) => value !== 'kubernetes', {
      error:
        'the old default "kubernetes" is shared by every cluster that kept it, so it cannot prove ownership: set a value unique to this cluster, or remove the key to derive one from the kube-system namespace uid',
    })
    .optional()
    .transform((value) => value ?? null),
  /** At most this many orphans (Services gone, objects left) are released per sweep (docs/adr/0008). */
  max_orphan_releases_per_sweep: integer(0, 10_000).default(5),
  enable_session_affinity: bool.default(true),
  enable_source_ranges: bool.default(true),
  workers: integer(1, 64).default(4),
  /** Endpoint changes of a Service within this many ms become one pass (0: each at once; docs/adr/0019). */
  endpoints_batch_period_ms: integer(0, 60_000).default(1000),
  resync_period: integer(1, 86_400).default(600),
  octavia_api_version: apiVersion,
  pending_requeue_ms: integer(100, 600_000).default(2000),
  /** The cap of the requeue delay, which grows while a load balancer stays PENDING_* (docs/adr/0006). */
  pending_requeue_max_ms: integer(100, 600_000).default(10_000),
  /** How load balancers are created (docs/adr/0006). */
  create_mode: z.enum(CREATE_MODES, { error: `must be one of ${CREATE_MODES.join(', ')}` }).default('auto'),
  /** L3 member mode: addresses outside the pod subnets that may be members (L2 mode ignores it; `plan --member-mode L3` may use it). */
  member_cidrs: cidrList,
  /** A spec.loadBalancerClass served besides "no class". */
  load_balancer_class: loadBalancerClass,
  /** Leave alone LoadBalancer Services another controller has claimed. */
  ignore_foreign_services: bool.default(false),
  /** Give the `default/kubernetes` Service (the API servers) a load balancer too. */
  kubernetes_api_lb: bool.default(false),
});

/** Every section we read, by name. */
export const SECTION_SCHEMAS = {
  neutron_defaults: neutronDefaultsSchema,
  octavia_defaults: octaviaDefaultsSchema,
  kubernetes: kubernetesSchema,
  kuryr_services: kuryrServicesSchema,
} as const;

export type SectionName = keyof typeof SECTION_SCHEMAS;
export type SectionValues = { [S in SectionName]: z.output<(typeof SECTION_SCHEMAS)[S]> };
