/**
 * The example manifests, applied to the simulated API server the way `kubectl apply -f`
 * would: the namespace, then every Service and EndpointSlice in file order. Core v1
 * Endpoints (selector-less Services) are mirrored into EndpointSlices first, as Kubernetes'
 * mirroring controller would (the simulator runs no controllers).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type {
  CoreV1Api,
  DiscoveryV1Api,
  V1Endpoints,
  V1EndpointSlice,
  V1Namespace,
  V1Service,
} from '@kubernetes/client-node';
import { parseManifestText } from '../../src/app/manifests/parse.js';
import { endpointsToSlices } from '../../src/core/endpoints-to-slices.js';

/** The objects of the example directory, by kind (other kinds are ignored). */
export interface ExampleObjects {
  readonly namespaces: readonly V1Namespace[];
  readonly services: readonly V1Service[];
  readonly slices: readonly V1EndpointSlice[];
}

function kindOf(value: unknown): string {
  if (typeof value !== 'object' || value === null || !('kind' in value)) return '';
  return typeof value.kind === 'string' ? value.kind : '';
}

/** Reads every `*.yaml` of `dir` (sorted); throws naming the file on a YAML error. */
export async function loadExamples(dir: string): Promise<ExampleObjects> {
  const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const namespaces: V1Namespace[] = [];
  const services: V1Service[] = [];
  const slices: V1EndpointSlice[] = [];
  for (const file of files) {
    const full = path.join(dir, file);
    const parsed = parseManifestText(await readFile(full, 'utf8'), full);
    const first = parsed.errors[0];
    if (first !== undefined) throw first;
    for (const doc of parsed.documents) {
      const kind = kindOf(doc.value);
      if (kind === 'Namespace') namespaces.push(doc.value as V1Namespace);
      if (kind === 'Service') services.push(doc.value as V1Service);
      if (kind === 'EndpointSlice') slices.push(doc.value as V1EndpointSlice);
      if (kind === 'Endpoints') slices.push(...endpointsToSlices(doc.value as V1Endpoints));
    }
  }
  return { namespaces, services, slices };
}

/** Kubernetes API clients the sandbox writes with. */
export interface KubeWriters {
  readonly core: CoreV1Api;
  readonly discovery: DiscoveryV1Api;
}

function namespaceOf(obj: { metadata?: { namespace?: string } }): string {
  return obj.metadata?.namespace ?? 'default';
}

/** Creates the namespaces, slices and Services (slices first: a Service starts with its endpoints). */
export async function applyExamples(kube: KubeWriters, objects: ExampleObjects): Promise<void> {
  for (const body of objects.namespaces) await kube.core.createNamespace({ body });
  for (const body of objects.slices)
    await kube.discovery.createNamespacedEndpointSlice({ namespace: namespaceOf(body), body });
  for (const body of objects.services)
    await kube.core.createNamespacedService({ namespace: namespaceOf(body), body });
}

/** Deletes every Service of `namespace` (the controller then releases their load balancers). */
export async function deleteServices(core: CoreV1Api, namespace: string): Promise<string[]> {
  const list = await core.listNamespacedService({ namespace });
  const names = list.items.map((s) => s.metadata?.name ?? '').filter((n) => n !== '');
  for (const name of names) await core.deleteNamespacedService({ name, namespace });
  return names;
}
