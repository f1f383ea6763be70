/**
 * The rendered chart applied to the simulated API server (test/support/kube-apiserver) the way
 * `kubectl create -f` does it: each object's resource found by API discovery, then its JSON
 * POSTed unchanged. (Not with client-node's KubernetesObjectApi: its serializer drops
 * `x-kubernetes-preserve-unknown-fields` from a CRD's schema.) The CRD first (it must become Established and serve KuryrLoadBalancers), then
 * every other object, each read back unchanged. The double serves the built-in kinds of the
 * bundle as generic resources (rows added here: no defaulting, no admission beyond names) and
 * the Prometheus Operator kinds as if their CRDs were installed.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  startKubeApiServer,
  DEFAULT_RESOURCES,
  type KubeApiServer,
} from '../../support/kube-apiserver/index.js';
import { row } from '../../support/kube-apiserver/resources.js';
import { idOf, renderChart } from './render.js';
import type { KubeObject } from './validate.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 180_000 });

const BUNDLE_RESOURCES = [
  row({ group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount' }),
  row({ group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap' }),
  row({ group: '', version: 'v1', plural: 'secrets', kind: 'Secret' }),
  row({ group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', statusSubresource: true }),
  row({ group: 'policy', version: 'v1', plural: 'poddisruptionbudgets', kind: 'PodDisruptionBudget' }),
  ...['ClusterRole', 'ClusterRoleBinding'].map((kind) =>
    row({
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
      plural: `${kind.toLowerCase()}s`,
      kind,
      namespaced: false,
    }),
  ),
  ...['Role', 'RoleBinding'].map((kind) =>
    row({ group: 'rbac.authorization.k8s.io', version: 'v1', plural: `${kind.toLowerCase()}s`, kind }),
  ),
  ...['ServiceMonitor', 'PrometheusRule'].map((kind) =>
    row({
      group: 'monitoring.coreos.com',
      version: 'v1',
      plural: `${kind.toLowerCase()}s`,
      kind,
      custom: true,
    }),
  ),
];

let server: KubeApiServer;
beforeEach(async () => {
  server = await startKubeApiServer({ resources: [...DEFAULT_RESOURCES, ...BUNDLE_RESOURCES], crds: [] });
});
afterEach(async () => {
  await server.stop();
});

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function call(method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The collection path of `object`'s resource, from discovery (as kubectl finds it). */
async function collectionPath(object: KubeObject): Promise<string> {
  const base = object.apiVersion.includes('/') ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
  const discovery = await call('GET', base);
  const resources = (discovery.body.resources ?? []) as { name: string; kind: string; namespaced: boolean }[];
  const resource = resources.find((r) => r.kind === object.kind && !r.name.includes('/'));
  if (resource === undefined) throw new Error(`discovery of ${base} has no ${object.kind}`);
  const namespace = object.metadata.namespace;
  return resource.namespaced && namespace !== undefined
    ? `${base}/namespaces/${namespace}/${resource.name}`
    : `${base}/${resource.name}`;
}

/** POSTs `object`; resolves to the answer (201 expected). */
async function create(object: KubeObject): Promise<Answer> {
  return call('POST', await collectionPath(object), object);
}

async function applyAll(objects: readonly KubeObject[]): Promise<void> {
  const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
  const others = objects.filter((o) => o.kind !== 'CustomResourceDefinition');
  for (const object of [...crds, ...others]) {
    const created = await create(object);
    expect(created.status, `${idOf(object)}: ${JSON.stringify(created.body)}`).toBe(201);
    const stored = server.store.get({
      apiVersion: object.apiVersion,
      plural: `${object.kind.toLowerCase()}s`,
      name: object.metadata.name,
      ...(object.metadata.namespace === undefined ? {} : { namespace: object.metadata.namespace }),
    });
    // The server may add defaults (a Service's clusterIP...), never drop or change what was sent.
    expect(stored, idOf(object)).toMatchObject(object);
  }
}

async function expectKlbServed(): Promise<void> {
  const crd = await call(
    'GET',
    '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/kuryrloadbalancers.openstack.org',
  );
  const conditions = (crd.body as { status?: { conditions?: unknown[] } }).status?.conditions;
  expect(conditions).toContainEqual(expect.objectContaining({ type: 'Established', status: 'True' }));
  const klb = await create({
    apiVersion: 'openstack.org/v1',
    kind: 'KuryrLoadBalancer',
    metadata: { name: 'web', namespace: 'default' },
  });
  expect(klb.status).toBe(201);
}

describe('the chart applied to the simulated API server', () => {
  it('with its defaults: every object is created and stored as sent, the CRD serves KuryrLoadBalancers', async () => {
    const objects = renderChart();
    await applyAll(objects);
    await expectKlbServed();
    expect(objects.length).toBe(10);
  });

  it('with every option on, after creating the Lease namespace', async () => {
    const objects = renderChart({ values: [join(import.meta.dirname, 'values-everything.yaml')] });
    const namespace = await create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'kuryr-leases' },
    });
    expect(namespace.status).toBe(201);
    await applyAll(objects);
    await expectKlbServed();
    expect(objects.length).toBe(13);
  });

  it('refuses the Lease Role when its namespace does not exist (what a user must create first)', async () => {
    const objects = renderChart({ values: [join(import.meta.dirname, 'values-everything.yaml')] });
    const role = objects.find((o) => o.kind === 'Role');
    expect(role?.metadata.namespace).toBe('kuryr-leases');
    if (role === undefined) throw new Error('no Role');
    const refused = await create(role);
    expect(refused.status).toBe(404);
    expect(refused.body.message).toBe('namespaces "kuryr-leases" not found');
  });
});
