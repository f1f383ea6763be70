import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import {
  KuryrConfError,
  defaultAppConfig,
  parseKuryrConf,
  readKuryrConf,
} from '../../../src/app/config/kuryr-conf.js';
import { capabilityProfileFrom, translateConfigFrom } from '../../../src/app/config/translate-config.js';

const FULL = `
[DEFAULT]
debug = True

[kubernetes]
api_root = https://10.0.0.1:6443
endpoints_driver_octavia_provider = ovn
enabled_handlers = vif,endpoints,service

[neutron_defaults]
project = p1
pod_subnet = pod-subnet-id
service_subnet = service-subnet-id
external_svc_net = public-network-id
external_svc_subnet = public-subnet-id
resource_tags = env-demo, team-a ,env-demo
lbaas_activation_timeout = 120

[octavia_defaults]
member_mode = L2
lb_algorithm = SOURCE_IP_PORT
enforce_sg_rules = False
timeout_client_data = 50000
timeout_member_data = 0
enable_health_monitor = true
health_monitor_delay = 10
health_monitor_timeout = 4
health_monitor_max_retries = 2
health_monitor_max_retries_down = 5
flavor_id = 5f1e0a4e-8a43-4c1e-9f1a-0a3e7c2d9b11
availability_zone = az-1

[kuryr_services]
cluster_id = prod-1
enable_session_affinity = no
enable_source_ranges = on
workers = 8
resync_period = 300
octavia_api_version = 2.13
pending_requeue_ms = 500
pending_requeue_max_ms = 8000
create_mode = step-by-step
member_cidrs = 192.168.7.0/24, 2001:DB8::/32 ,192.168.7.0/24
load_balancer_class = example.com/octavia
ignore_foreign_services = yes
kubernetes_api_lb = true

[cni_daemon]
daemon_enabled = true
`;

function problemsOf(text: string): readonly string[] {
  try {
    parseKuryrConf(text, 'kuryr.conf');
  } catch (error) {
    if (error instanceof KuryrConfError) return error.problems;
    throw error;
  }
  throw new Error('expected a KuryrConfError');
}

describe('kuryr.conf', () => {
  it('refuses cluster_id = kubernetes, the old default every cluster shared', () => {
    expect(() => parseKuryrConf('[kuryr_services]\ncluster_id = kubernetes\n', 'k.conf')).toThrow(
      /cluster_id = "kubernetes".*cannot prove ownership/,
    );
  });

  it('gives kuryr-kubernetes defaults for an empty file', () => {
    expect(defaultAppConfig()).toEqual({
      file: '(defaults)',
      neutron: {
        project: null,
        podSubnetIds: [],
        serviceSubnetIds: [],
        externalSvcNet: null,
        externalSvcSubnet: null,
        resourceTags: [],
        lbaasActivationTimeoutSeconds: 300,
      },
      octavia: {
        memberMode: 'L3',
        lbAlgorithm: 'ROUND_ROBIN',
        enforceSgRules: true,
        timeoutClientData: null,
        timeoutMemberData: null,
        provider: 'amphora',
        healthMonitor: { enabled: false, delay: 5, timeout: 3, maxRetries: 1, maxRetriesDown: 3 },
        flavorId: null,
        availabilityZone: null,
      },
      service: {
        clusterId: null,
        maxOrphanReleasesPerSweep: 5,
        enableSessionAffinity: true,
        enableSourceRanges: true,
        workers: 4,
        endpointsBatchPeriodMs: 1000,
        resyncPeriodSeconds: 600,
        octaviaApiVersion: null,
        pendingRequeueMs: 2000,
        pendingRequeueMaxMs: 10_000,
        createMode: 'auto',
        memberCidrs: [],
        loadBalancerClass: null,
        ignoreForeignServices: false,
        kubernetesApiLb: false,
      },
    });
  });

  it('reads every key, and warns about the keys and sections it ignores', () => {
    const { config, warnings } = parseKuryrConf(FULL, 'kuryr.conf');
    expect(config.neutron).toEqual({
      project: 'p1',
      podSubnetIds: ['pod-subnet-id'],
      serviceSubnetIds: ['service-subnet-id'],
      externalSvcNet: 'public-network-id',
      externalSvcSubnet: 'public-subnet-id',
      resourceTags: ['env-demo', 'team-a'],
      lbaasActivationTimeoutSeconds: 120,
    });
    expect(config.octavia).toEqual({
      memberMode: 'L2',
      lbAlgorithm: 'SOURCE_IP_PORT',
      enforceSgRules: false,
      timeoutClientData: 50000,
      timeoutMemberData: null,
      provider: 'ovn',
      healthMonitor: { enabled: true, delay: 10, timeout: 4, maxRetries: 2, maxRetriesDown: 5 },
      flavorId: '5f1e0a4e-8a43-4c1e-9f1a-0a3e7c2d9b11',
      availabilityZone: 'az-1',
    });
    expect(config.service).toEqual({
      clusterId: 'prod-1',
      enableSessionAffinity: false,
      enableSourceRanges: true,
      workers: 8,
      endpointsBatchPeriodMs: 1000,
      resyncPeriodSeconds: 300,
      octaviaApiVersion: { major: 2, minor: 13 },
      pendingRequeueMs: 500,
      pendingRequeueMaxMs: 8000,
      createMode: 'step-by-step',
      memberCidrs: ['192.168.7.0/24', '2001:db8::/32'],
      loadBalancerClass: 'example.com/octavia',
      ignoreForeignServices: true,
      maxOrphanReleasesPerSweep: 5,
      kubernetesApiLb: true,
    });
    expect(warnings).toEqual([
      'kuryr.conf: section [DEFAULT] ignored (not used by kuryr-services)',
      'kuryr.conf: [kubernetes] keys ignored (not used by kuryr-services): api_root, enabled_handlers',
      'kuryr.conf: section [cni_daemon] ignored (not used by kuryr-services)',
      'kuryr.conf: [octavia_defaults] timeout_client_data = "50000" ignored: the ovn provider does not apply listener timeouts',
      'kuryr.conf: [octavia_defaults] flavor_id = "5f1e0a4e-8a43-4c1e-9f1a-0a3e7c2d9b11", availability_zone = "az-1" ignored: the ovn provider has no flavors or availability zones',
      'kuryr.conf: [neutron_defaults] lbaas_activation_timeout = 120 has no effect: kuryr-services never waits for a load balancer to become ACTIVE (it requeues; see [kuryr_services] pending_requeue_ms, pending_requeue_max_ms)',
    ]);
  });

  it('derives the TranslateConfig and the capability profile', () => {
    const { config } = parseKuryrConf(FULL, 'kuryr.conf');
    expect(translateConfigFrom(config, { clusterId: 'prod-1', writer: 'w' })).toEqual({
      clusterId: 'prod-1',
      writer: 'w',
      memberMode: 'L2',
      lbAlgorithm: 'SOURCE_IP_PORT',
      timeoutClientData: 50000,
      timeoutMemberData: null,
      externalSvcNet: 'public-network-id',
      externalSvcSubnet: 'public-subnet-id',
      resourceTags: ['env-demo', 'team-a'],
      enableSessionAffinity: false,
      enableSourceRanges: true,
      memberCidrs: ['192.168.7.0/24', '2001:db8::/32'],
      loadBalancerClass: 'example.com/octavia',
      ignoreForeignServices: true,
      healthMonitor: { enabled: true, delay: 10, timeout: 4, maxRetries: 2, maxRetriesDown: 5 },
      flavorId: '5f1e0a4e-8a43-4c1e-9f1a-0a3e7c2d9b11',
      availabilityZone: 'az-1',
      enforceSgRules: false,
      kubernetesApiLb: true,
    });
    expect(capabilityProfileFrom(config, { major: 2, minor: 26 })).toEqual({
      apiVersion: { major: 2, minor: 13 },
      provider: 'ovn',
      legacyLbaasV2: false,
    });
    expect(capabilityProfileFrom(defaultAppConfig(), { major: 2, minor: 40 }).apiVersion).toEqual({
      major: 2,
      minor: 27,
    });
  });

  it.each([
    ['[octavia_defaults]\nmember_mode = L4', '[octavia_defaults] member_mode = "L4": must be L2 or L3'],
    [
      '[octavia_defaults]\nlb_algorithm = RANDOM',
      '[octavia_defaults] lb_algorithm = "RANDOM": must be one of ROUND_ROBIN, LEAST_CONNECTIONS, SOURCE_IP, SOURCE_IP_PORT',
    ],
    [
      '[octavia_defaults]\nenforce_sg_rules = maybe',
      '[octavia_defaults] enforce_sg_rules = "maybe": must be a boolean (true or false)',
    ],
    [
      '[octavia_defaults]\nhealth_monitor_max_retries = 11',
      '[octavia_defaults] health_monitor_max_retries = "11": must be at most 10',
    ],
    [
      '[octavia_defaults]\nhealth_monitor_delay = 0',
      '[octavia_defaults] health_monitor_delay = "0": must be at least 1',
    ],
    [
      '[octavia_defaults]\nflavor_id = small',
      '[octavia_defaults] flavor_id = "small": must be an Octavia flavor id (a UUID)',
    ],
    [
      '[kuryr_services]\nkubernetes_api_lb = sometimes',
      '[kuryr_services] kubernetes_api_lb = "sometimes": must be a boolean (true or false)',
    ],
    [
      '[octavia_defaults]\ntimeout_client_data = 5s',
      '[octavia_defaults] timeout_client_data = "5s": must be an integer',
    ],
    [
      '[octavia_defaults]\ntimeout_member_data = 31536000001',
      '[octavia_defaults] timeout_member_data = "31536000001": must be at most 31536000000',
    ],
    [
      '[neutron_defaults]\nlbaas_activation_timeout = 0',
      '[neutron_defaults] lbaas_activation_timeout = "0": must be at least 1',
    ],
    [
      '[neutron_defaults]\nresource_tags = ' + 'x'.repeat(61),
      `[neutron_defaults] resource_tags = "${'x'.repeat(61)}": each tag must be at most 60 characters (Neutron's limit)`,
    ],
    [
      '[kubernetes]\nendpoints_driver_octavia_provider = f5',
      '[kubernetes] endpoints_driver_octavia_provider = "f5": must be default, amphora or ovn',
    ],
    [
      '[kuryr_services]\ncluster_id = my cluster',
      '[kuryr_services] cluster_id = "my cluster": must be 1 to 40 characters from A-Z a-z 0-9 . _ - (it becomes a Neutron tag)',
    ],
    [
      '[kuryr_services]\ncluster_id = ' + 'c'.repeat(41),
      `[kuryr_services] cluster_id = "${'c'.repeat(41)}": must be 1 to 40 characters`,
    ],
    ['[kuryr_services]\nworkers = 0', '[kuryr_services] workers = "0": must be at least 1'],
    [
      '[kuryr_services]\noctavia_api_version = 3.1',
      '[kuryr_services] octavia_api_version = "3.1": must be an Octavia API version like 2.27',
    ],
    [
      '[kuryr_services]\npending_requeue_ms = -5',
      '[kuryr_services] pending_requeue_ms = "-5": must be at least 100',
    ],
    [
      '[kuryr_services]\npending_requeue_max_ms = 99',
      '[kuryr_services] pending_requeue_max_ms = "99": must be at least 100',
    ],
    [
      '[kuryr_services]\ncreate_mode = stepwise',
      '[kuryr_services] create_mode = "stepwise": must be one of auto, fully-populated, step-by-step',
    ],
    [
      '[octavia_defaults]\nlb_algorithm = SOURCE_IP_PORT',
      '[octavia_defaults] lb_algorithm = "SOURCE_IP_PORT": the amphora provider refuses SOURCE_IP_PORT',
    ],
    [
      '[kuryr_services]\nmember_cidrs = 10.0.0.0/8, 192.168.1.300/24',
      '[kuryr_services] member_cidrs = "10.0.0.0/8, 192.168.1.300/24": entry "192.168.1.300/24" is not a CIDR like 10.0.0.0/8 or fd00::/64',
    ],
    [
      '[kuryr_services]\nmember_cidrs = 10.1.2.3',
      '[kuryr_services] member_cidrs = "10.1.2.3": entry "10.1.2.3" is not a CIDR',
    ],
    [
      '[kuryr_services]\nmember_cidrs = 10.1.2.3/8',
      '[kuryr_services] member_cidrs = "10.1.2.3/8": entry "10.1.2.3/8" has host bits set (the network is 10.0.0.0/8)',
    ],
    [
      '[kuryr_services]\nmember_cidrs = fd00::1/64',
      '[kuryr_services] member_cidrs = "fd00::1/64": entry "fd00::1/64" has host bits set (the network is fd00::/64)',
    ],
    [
      '[kuryr_services]\nmember_cidrs = fd00::/129',
      '[kuryr_services] member_cidrs = "fd00::/129": entry "fd00::/129" is not a CIDR',
    ],
    [
      '[kuryr_services]\nload_balancer_class = Example.com/octavia',
      '[kuryr_services] load_balancer_class = "Example.com/octavia": must be a label-style name with an optional DNS prefix',
    ],
    [
      '[kuryr_services]\nload_balancer_class = a/b/c',
      '[kuryr_services] load_balancer_class = "a/b/c": must be a label-style name',
    ],
    [
      '[kuryr_services]\nload_balancer_class = ' + 'x'.repeat(64),
      `[kuryr_services] load_balancer_class = "${'x'.repeat(64)}": must be a label-style name`,
    ],
    [
      '[kuryr_services]\nignore_foreign_services = sometimes',
      '[kuryr_services] ignore_foreign_services = "sometimes": must be a boolean (true or false)',
    ],
    [
      '[octavia_defaults]\nhealth_monitor_delay = 2\nhealth_monitor_timeout = 3',
      '[octavia_defaults] health_monitor_timeout = "3" exceeds health_monitor_delay = "2"',
    ],
  ])('rejects %j naming file, section, key and value', (text, problem) => {
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`kuryr.conf: ${problem}`);
  });

  it('reports every bad key at once', () => {
    const problems = problemsOf('[octavia_defaults]\nmember_mode = x\n[kuryr_services]\nworkers = many\n');
    expect(problems).toEqual([
      'kuryr.conf: [octavia_defaults] member_mode = "x": must be L2 or L3',
      'kuryr.conf: [kuryr_services] workers = "many": must be an integer',
    ]);
    expect(() => parseKuryrConf('[kuryr_services]\nworkers = many', 'x.conf')).toThrow(
      /^reading x\.conf: x\.conf: \[kuryr_services\] workers/,
    );
  });

  it('a pending_requeue_max_ms below pending_requeue_ms means no backoff, with a warning', () => {
    const set = parseKuryrConf(
      '[kuryr_services]\npending_requeue_ms = 3000\npending_requeue_max_ms = 1000\n',
      'kuryr.conf',
    );
    expect(set.config.service).toMatchObject({ pendingRequeueMs: 3000, pendingRequeueMaxMs: 3000 });
    expect(set.warnings).toEqual([
      'kuryr.conf: [kuryr_services] pending_requeue_max_ms = "1000" is below pending_requeue_ms = "3000": using 3000 (no backoff)',
    ]);
    // Only the base set (above the default cap): the cap follows it, silently.
    const base = parseKuryrConf('[kuryr_services]\npending_requeue_ms = 20000\n', 'kuryr.conf');
    expect(base.config.service).toMatchObject({ pendingRequeueMs: 20_000, pendingRequeueMaxMs: 20_000 });
    expect(base.warnings).toEqual([]);
  });

  it('reads member_cidrs (IPv4 and IPv6, normalised text) and the coexistence keys', () => {
    const { config, warnings } = parseKuryrConf(
      '[kuryr_services]\nmember_cidrs = 192.168.0.0/16,FD00:0:0::/48\nload_balancer_class = kuryr\n',
      'kuryr.conf',
    );
    expect(config.service).toMatchObject({
      memberCidrs: ['192.168.0.0/16', 'fd00::/48'],
      loadBalancerClass: 'kuryr',
      ignoreForeignServices: false,
    });
    expect(warnings).toEqual([]);
    expect(
      parseKuryrConf('[kuryr_services]\nload_balancer_class =\n', 'k').config.service.loadBalancerClass,
    ).toBe(null);
  });

  it('warns that OVN ignores a configured algorithm', () => {
    const { config, warnings } = parseKuryrConf(
      '[kubernetes]\nendpoints_driver_octavia_provider = ovn\n[octavia_defaults]\nlb_algorithm = LEAST_CONNECTIONS\n',
      'kuryr.conf',
    );
    expect(config.octavia.lbAlgorithm).toBe('LEAST_CONNECTIONS');
    expect(warnings).toEqual([
      'kuryr.conf: [octavia_defaults] lb_algorithm = "LEAST_CONNECTIONS" ignored: the ovn provider only has SOURCE_IP_PORT',
    ]);
  });

  it('accepts a comma list of pod subnets and keys outside sections (with a warning)', () => {
    const { config, warnings } = parseKuryrConf(
      'stray = 1\n[neutron_defaults]\npod_subnet = a, b\n',
      'kuryr.conf',
    );
    expect(config.neutron.podSubnetIds).toEqual(['a', 'b']);
    expect(warnings).toEqual(['kuryr.conf: keys outside any section ignored: stray']);
  });

  it('reads the example file shipped with the project', async () => {
    const { config } = parseKuryrConf(await readFile('examples/kuryr.conf', 'utf8'), 'examples/kuryr.conf');
    expect(config.neutron.serviceSubnetIds).toEqual(['service-subnet-id']);
  });

  it('names an unreadable file', async () => {
    await expect(readKuryrConf('/nonexistent/kuryr.conf')).rejects.toThrow(
      /^reading \/nonexistent\/kuryr\.conf: cannot read the file/,
    );
  });
});
