/**
 * What the controller really exports: a registry built with the same factories the controller
 * process registers (process + build + leader, the app's reconcile/queue/Service/sweep metrics,
 * the Kubernetes and the OpenStack client metrics), read back from prom-client.
 */
import { Registry } from 'prom-client';
import { makeAppMetrics, makeProcessMetrics } from '../../../src/app/metrics.js';
import { createKubeMetrics } from '../../../src/kube/metrics.js';
import { createOpenStackMetrics } from '../../../src/openstack/metrics.js';

/** Series names a family of each type is scraped as (OpenMetrics/Prometheus text format). */
const SUFFIXES: Record<string, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

/** Labels Prometheus itself puts on every series of a target, and those of the suffixes. */
const TARGET_LABELS = ['job', 'instance', 'namespace', 'pod', 'container', 'endpoint'];

function labelNamesOf(registry: Registry, name: string): readonly string[] {
  const labelNames: unknown = (registry.getSingleMetric(name) as unknown as { labelNames?: unknown })
    .labelNames;
  if (!Array.isArray(labelNames)) throw new Error(`prom-client no longer exposes labelNames (${name})`);
  return labelNames.map(String);
}

/** Every series name the controller's registry yields, each with the label names it may carry. */
export async function exportedSeries(): Promise<Map<string, readonly string[]>> {
  const registry = new Registry();
  makeProcessMetrics(registry, { version: 'v', commit: 'c', node: process.version });
  makeAppMetrics(registry, () => 0);
  createKubeMetrics(registry);
  createOpenStackMetrics(registry);
  const series = new Map<string, readonly string[]>();
  for (const family of await registry.getMetricsAsJSON()) {
    const labels = [...labelNamesOf(registry, family.name), ...TARGET_LABELS];
    const type = String(family.type);
    for (const suffix of SUFFIXES[type] ?? ['']) {
      const extra = suffix === '_bucket' ? ['le'] : type === 'summary' && suffix === '' ? ['quantile'] : [];
      series.set(`${family.name}${suffix}`, [...labels, ...extra]);
    }
  }
  return series;
}
