/**
 * What the simulated Kubernetes API server and the running controller hold for one Service:
 * its KuryrLoadBalancer record and conditions, the Service and its ingress, its Events, and
 * the controller's metrics counters; with waits for the ingress and for the Service to go.
 */
import type { CoreV1Event, V1Service } from '@kubernetes/client-node';
import { KLB_GROUP, KLB_PLURAL, KLB_VERSION, type KuryrLoadBalancer } from '../../../src/kube/klb.js';
import type { Harness } from '../../support/e2e-harness.js';
import { waitFor } from '../../support/wait.js';
import { CONVERGE_MS } from './timeouts.js';

/** The namespace the change scenarios (ClusterIP, type, FIP, drift, bad Service, crash, restart) use. */
export const NS = 'default';

/** The value of counter `name` with exactly `labels` on the running controller's registry (0 when absent). */
export async function counterValue(
  h: Harness,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = h.registry().getSingleMetric(name);
  if (metric === undefined) return 0;
  const data = await metric.get();
  const wanted = Object.entries(labels);
  return data.values
    .filter((v) => wanted.every(([k, val]) => String(v.labels[k]) === val))
    .reduce((sum, v) => sum + v.value, 0);
}

/** `kuryr_openstack_actions_total{kind}` of the running controller. */
export function actions(h: Harness, kind: string): Promise<number> {
  return counterValue(h, 'kuryr_openstack_actions_total', { kind });
}

/** The Service's KuryrLoadBalancer record from the API server's store, or null when absent. */
export function klbOf(h: Harness, name: string, namespace = 'default'): KuryrLoadBalancer | null {
  const obj = h.api.store.get({
    apiVersion: `${KLB_GROUP}/${KLB_VERSION}`,
    plural: KLB_PLURAL,
    namespace,
    name,
  });
  return obj === undefined ? null : (obj as unknown as KuryrLoadBalancer);
}

/** The Service as the API server's store holds it, or null. */
export function serviceOf(h: Harness, name: string, namespace = 'default'): V1Service | null {
  const obj = h.api.store.get({ plural: 'services', namespace, name });
  return obj === undefined ? null : (obj as unknown as V1Service);
}

/** A KuryrLoadBalancer condition of Service `name` (read over HTTP), or null (no record or no such condition). */
export async function klbCondition(
  h: Harness,
  name: string,
  type: string,
): Promise<{ status: string; reason?: string; message?: string } | null> {
  try {
    const klb = (await h.custom.getNamespacedCustomObject({
      group: 'openstack.org',
      version: 'v1',
      namespace: NS,
      plural: 'kuryrloadbalancers',
      name,
    })) as {
      status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
    };
    return klb.status?.conditions?.find((c) => c.type === type) ?? null;
  } catch {
    return null;
  }
}

/** The ingress IPs in the Service's status (empty when none or when the Service is gone). */
export async function ingressOf(h: Harness, name: string): Promise<string[]> {
  const svc = await h.core.readNamespacedService({ name, namespace: NS });
  return (svc.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip === undefined ? [] : [i.ip]));
}

/** Waits (CONVERGE_MS) until the Service's ingress equals `ips`. */
export async function waitIngress(h: Harness, name: string, ips: readonly string[]): Promise<void> {
  await waitFor(`${name}: ingress = [${ips.join(', ')}]`, CONVERGE_MS, async () => {
    const now = await ingressOf(h, name);
    return now.length === ips.length && now.every((ip, i) => ip === ips[i]);
  });
}

/** The Events recorded for Service `name`. */
export async function eventsFor(h: Harness, name: string): Promise<CoreV1Event[]> {
  const list = await h.core.listNamespacedEvent({
    namespace: NS,
    fieldSelector: `involvedObject.name=${name}`,
  });
  return list.items;
}

/** Sum of `count` over Events of Service `name` with `reason` (a repeat bumps count). */
export async function eventCount(h: Harness, name: string, reason: string): Promise<number> {
  return (await eventsFor(h, name))
    .filter((e) => e.reason === reason)
    .reduce((sum, e) => sum + (e.count ?? 1), 0);
}

/** Waits (CONVERGE_MS) until Service `name` is gone from the API server. */
export async function waitServiceGone(h: Harness, name: string): Promise<void> {
  await waitFor(`${name}: Service gone`, CONVERGE_MS, async () => {
    const list = await h.core.listNamespacedService({ namespace: NS });
    return !list.items.some((s) => s.metadata?.name === name);
  });
}
