/**
 * Contract: CustomResourceDefinitions and custom resources ("Extend the Kubernetes API with
 * CustomResourceDefinitions"): a CRD created through apiextensions.k8s.io/v1 becomes
 * Established and serves its resource; deleting it removes its objects and endpoints. The
 * KuryrLoadBalancer CRD of deploy/ (created when absent, kept when present): generation
 * bumps on spec changes only, the status subresource (status ignored on create and main
 * writes, everything but status ignored through /status), JSON patch on both, strategic
 * merge patch refused (415), cross-namespace list and watch by label, owner-reference GC.
 */
import {
  makeInformer,
  type KubernetesObject,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { kuryrLoadBalancerCrd } from '../support/kube-apiserver/manifests.js';
import { apiFailure } from '../support/kube-apiserver/recorder.js';
import { randomSuffix, target, testNamespace, until } from './target.js';

const t = target();
const KLB = { group: 'openstack.org', version: 'v1', plural: 'kuryrloadbalancers' };
const KLB_CRD = 'kuryrloadbalancers.openstack.org';

interface Klb extends KubernetesObject {
  metadata: {
    name: string;
    namespace: string;
    generation: number;
    resourceVersion: string;
    uid: string;
    labels?: Record<string, string>;
    deletionTimestamp?: Date;
    finalizers?: string[];
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

let ns: Awaited<ReturnType<typeof testNamespace>>;
let createdKlbCrd = false;

function established(crd: V1CustomResourceDefinition): boolean {
  return (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
}

async function crdGone(name: string): Promise<boolean> {
  try {
    await t.apiextensions.readCustomResourceDefinition({ name });
    return false;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return true;
    throw error;
  }
}

async function waitEstablished(name: string): Promise<void> {
  await until(
    async () => established(await t.apiextensions.readCustomResourceDefinition({ name })),
    `${name} Established`,
  );
}

beforeAll(async () => {
  ns = await testNamespace(t, 'crs');
  if (await crdGone(KLB_CRD)) {
    await t.apiextensions.createCustomResourceDefinition({
      body: kuryrLoadBalancerCrd() as V1CustomResourceDefinition,
    });
    createdKlbCrd = true;
  }
  await waitEstablished(KLB_CRD);
});
afterAll(async () => {
  await ns.remove();
  if (createdKlbCrd) await t.apiextensions.deleteCustomResourceDefinition({ name: KLB_CRD });
});

describe('a CustomResourceDefinition', () => {
  it('is Established, serves its resource, and when deleted takes its objects and endpoints with it', async () => {
    const group = `c${randomSuffix()}.contract.kuryr-services.example.com`;
    const name = `widgets.${group}`;
    const body: V1CustomResourceDefinition = {
      metadata: { name },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            subresources: { status: {} },
            schema: { openAPIV3Schema: { type: 'object', x_kubernetes_preserve_unknown_fields: true } },
          },
        ],
      },
    };
    await t.apiextensions.createCustomResourceDefinition({ body });
    try {
      await waitEstablished(name);
      const crd = await t.apiextensions.readCustomResourceDefinition({ name });
      expect(crd.status?.acceptedNames).toMatchObject({ plural: 'widgets', kind: 'Widget' });
      expect(crd.status?.storedVersions).toEqual(['v1']);
      const ref = { group, version: 'v1', plural: 'widgets', namespace: ns.name };
      // Established can precede the endpoint by a moment on a real server: retry the first create.
      await until(async () => {
        try {
          await t.custom.createNamespacedCustomObject({
            ...ref,
            body: { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 1 } },
          });
          return true;
        } catch (error) {
          if ((error as { code?: number }).code === 404) return false;
          throw error;
        }
      }, 'widgets endpoint');
      const got = (await t.custom.getNamespacedCustomObject({ ...ref, name: 'w1' })) as Klb;
      expect(got).toMatchObject({ apiVersion: `${group}/v1`, kind: 'Widget', spec: { size: 1 } });
      expect(got.metadata.generation).toBe(1);
    } finally {
      await t.apiextensions.deleteCustomResourceDefinition({ name });
    }
    await until(() => crdGone(name), `${name} removed`);
    const failure = await apiFailure(
      t.custom.getNamespacedCustomObject({
        group,
        version: 'v1',
        plural: 'widgets',
        namespace: ns.name,
        name: 'w1',
      }),
    );
    expect(failure.code).toBe(404);
  });
});

/** A Namespaced CRD `gadgets.<group>` with `status` schema `status` (no status subresource). */
function gadgetCrd(group: string, status: Record<string, unknown>): V1CustomResourceDefinition {
  return {
    metadata: { name: `gadgets.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', properties: { size: { type: 'integer' } } },
                status: status,
              },
            },
          },
        },
      ],
    },
  };
}

describe('structural pruning', () => {
  it('drops keys the schema does not name (nested too), keeps what preserve-unknown-fields covers; a CRD replaced by a wider one keeps its objects', async () => {
    const group = `p${randomSuffix()}.contract.kuryr-services.example.com`;
    const name = `gadgets.${group}`;
    const narrow = {
      type: 'object',
      properties: { lb: { type: 'object', properties: { id: { type: 'string' } } } },
    };
    await t.apiextensions.createCustomResourceDefinition({ body: gadgetCrd(group, narrow) });
    const ref = { group, version: 'v1', plural: 'gadgets', namespace: ns.name };
    const get = async (): Promise<Klb> =>
      (await t.custom.getNamespacedCustomObject({ ...ref, name: 'g1' })) as Klb;
    try {
      await waitEstablished(name);
      await until(async () => {
        try {
          const body = {
            apiVersion: `${group}/v1`,
            kind: 'Gadget',
            metadata: { name: 'g1' },
            spec: { size: 1, colour: 'red' },
            status: { lb: { id: 'a', extra: 'x' }, other: 1 },
          };
          await t.custom.createNamespacedCustomObject({ ...ref, body });
          return true;
        } catch (error) {
          if ((error as { code?: number }).code === 404) return false;
          throw error;
        }
      }, 'gadgets endpoint');
      expect((await get()).spec).toEqual({ size: 1 });
      expect((await get()).status).toEqual({ lb: { id: 'a' } });

      // Wider: status preserves unknown fields, but its specified `lb` still prunes its own.
      const crd = await t.apiextensions.readCustomResourceDefinition({ name });
      const wider = { ...narrow, x_kubernetes_preserve_unknown_fields: true };
      const replaced = gadgetCrd(group, wider);
      replaced.metadata = { name, resourceVersion: crd.metadata?.resourceVersion ?? '' };
      await t.apiextensions.replaceCustomResourceDefinition({ name, body: replaced });
      expect((await get()).status).toEqual({ lb: { id: 'a' } });
      const patch = [{ op: 'add', path: '/status', value: { lb: { id: 'b', extra: 'x' }, other: 2 } }];
      await t.custom.patchNamespacedCustomObject(
        { ...ref, name: 'g1', body: patch },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      );
      expect((await get()).status).toEqual({ lb: { id: 'b' }, other: 2 });
    } finally {
      await t.apiextensions.deleteCustomResourceDefinition({ name });
    }
    await until(() => crdGone(name), `${name} removed`);
  });
});

describe('KuryrLoadBalancer custom resources', () => {
  const ref = () => ({ ...KLB, namespace: ns.name });
  const json = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
  const klb = (name: string, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'openstack.org/v1',
    kind: 'KuryrLoadBalancer',
    metadata: { name },
    spec: { ip: '10.2.0.5', type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP', targetPort: '8080' }] },
    ...extra,
  });

  it('tracks generation on spec changes only; status only through /status, which ignores the rest', async () => {
    const created = (await t.custom.createNamespacedCustomObject({
      ...ref(),
      body: klb('gen', { status: { loadbalancer: { id: 'dropped' } } }),
    })) as Klb;
    expect(created.metadata.generation).toBe(1);
    expect(created.status).toBeUndefined();

    const labelled = (await t.custom.patchNamespacedCustomObject(
      { ...ref(), name: 'gen', body: [{ op: 'add', path: '/metadata/labels', value: { a: 'b' } }] },
      json,
    )) as Klb;
    expect(labelled.metadata.generation).toBe(1);

    // The controller's spec write: a JSON patch replacing the whole spec.
    const spec = {
      ip: '10.2.0.6',
      type: 'ClusterIP',
      ports: [{ port: 81, protocol: 'TCP', targetPort: '8081' }],
    };
    const respec = (await t.custom.patchNamespacedCustomObject(
      { ...ref(), name: 'gen', body: [{ op: 'replace', path: '/spec', value: spec }] },
      json,
    )) as Klb;
    expect(respec.metadata.generation).toBe(2);
    expect(respec.spec).toEqual(spec);

    // The controller's status write: a JSON patch of /status (add when absent, replace after).
    const status = { loadbalancer: { id: 'lb-1', ip: '10.2.0.6', provisioning_status: 'ACTIVE' } };
    const withStatus = (await t.custom.patchNamespacedCustomObjectStatus(
      {
        ...ref(),
        name: 'gen',
        body: [
          { op: 'add', path: '/status', value: status },
          { op: 'replace', path: '/spec/ip', value: 'ignored' },
        ],
      },
      json,
    )) as Klb;
    expect(withStatus.status).toEqual(status);
    expect(withStatus.spec).toEqual(spec);
    expect(withStatus.metadata.generation).toBe(2);

    const mainIgnoresStatus = (await t.custom.replaceNamespacedCustomObject({
      ...ref(),
      name: 'gen',
      body: { ...withStatus, status: { loadbalancer: { id: 'ignored' } } },
    })) as Klb;
    expect(mainIgnoresStatus.status).toEqual(status);

    const replacedStatus = (await t.custom.replaceNamespacedCustomObjectStatus({
      ...ref(),
      name: 'gen',
      body: {
        ...mainIgnoresStatus,
        metadata: { ...mainIgnoresStatus.metadata, labels: { ignored: 'yes' } },
        status: { loadbalancer: { id: 'lb-2' } },
      },
    })) as Klb;
    expect(replacedStatus.status).toEqual({ loadbalancer: { id: 'lb-2' } });
    expect(replacedStatus.metadata.labels).toEqual({ a: 'b' });
  });

  it('refuses a strategic merge patch with 415 and keeps apiVersion/kind on list items', async () => {
    await t.custom.createNamespacedCustomObject({ ...ref(), body: klb('smp') });
    const failure = await apiFailure(
      t.custom.patchNamespacedCustomObject(
        { ...ref(), name: 'smp', body: { metadata: { labels: { x: 'y' } } } },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      ),
    );
    expect(failure.code).toBe(415);
    const list = (await t.custom.listNamespacedCustomObject({
      ...ref(),
      fieldSelector: 'metadata.name=smp',
    })) as {
      kind: string;
      items: Klb[];
    };
    expect(list.kind).toBe('KuryrLoadBalancerList');
    expect(list.items.map((i) => [i.apiVersion, i.kind, i.metadata.name])).toEqual([
      ['openstack.org/v1', 'KuryrLoadBalancer', 'smp'],
    ]);
  });

  it('is listed and watched across all namespaces by an informer with a label selector', async () => {
    const other = await testNamespace(t, 'crs-other');
    const run = `run-${randomSuffix()}`;
    const informer = makeInformer<Klb>(
      t.kc,
      '/apis/openstack.org/v1/kuryrloadbalancers',
      async () =>
        (await t.custom.listClusterCustomObject({ ...KLB, labelSelector: `run=${run}` })) as {
          metadata: { resourceVersion: string };
          items: Klb[];
        },
      `run=${run}`,
    );
    const keys = () =>
      informer
        .list()
        .map((k) => `${k.metadata.namespace}/${k.metadata.name}`)
        .sort()
        .join();
    try {
      await t.custom.createNamespacedCustomObject({
        ...ref(),
        body: { ...klb('x1'), metadata: { name: 'x1', labels: { run } } },
      });
      await informer.start();
      expect(keys()).toBe(`${ns.name}/x1`);
      await t.custom.createNamespacedCustomObject({
        ...KLB,
        namespace: other.name,
        body: { ...klb('x2'), metadata: { name: 'x2', labels: { run } } },
      });
      await t.custom.createNamespacedCustomObject({ ...ref(), body: klb('unlabelled') });
      await until(
        () => keys() === [`${ns.name}/x1`, `${other.name}/x2`].sort().join(),
        'both CRs in the informer',
      );
      await t.custom.deleteNamespacedCustomObject({ ...ref(), name: 'x1' });
      await until(() => keys() === `${other.name}/x2`, 'x1 gone from the informer');
    } finally {
      await informer.stop();
      await other.remove();
    }
  });

  it('is garbage collected after the Service that owns it is deleted; finalizers hold a CR', async () => {
    const svc = await t.core.createNamespacedService({
      namespace: ns.name,
      body: { metadata: { name: 'owner' }, spec: { ports: [{ port: 80 }] } },
    });
    const ownerReferences = [
      {
        apiVersion: 'v1',
        kind: 'Service',
        name: 'owner',
        uid: svc.metadata?.uid ?? '',
        controller: true,
        blockOwnerDeletion: false,
      },
    ];
    await t.custom.createNamespacedCustomObject({
      ...ref(),
      body: { ...klb('owned'), metadata: { name: 'owned', ownerReferences } },
    });
    const held = { name: 'held', ownerReferences, finalizers: ['kuryr-services.example.com/hold'] };
    await t.custom.createNamespacedCustomObject({ ...ref(), body: { ...klb('held'), metadata: held } });
    await t.core.deleteNamespacedService({ namespace: ns.name, name: 'owner' });
    const gone = async (name: string) => {
      try {
        await t.custom.getNamespacedCustomObject({ ...ref(), name });
        return false;
      } catch (error) {
        if ((error as { code?: number }).code === 404) return true;
        throw error;
      }
    };
    await until(() => gone('owned'), 'the owned CR collected');
    await until(
      async () =>
        ((await t.custom.getNamespacedCustomObject({ ...ref(), name: 'held' })) as Klb).metadata
          .deletionTimestamp !== undefined,
      'the held CR marked',
    );
    await t.custom.patchNamespacedCustomObject(
      { ...ref(), name: 'held', body: [{ op: 'remove', path: '/metadata/finalizers' }] },
      json,
    );
    await until(() => gone('held'), 'the held CR removed');
  });
});
