/**
 * The demonstration steps, each narrated in one line and checked on the live table: every
 * load balancer ACTIVE, a scale-up (two more endpoints in one slice: the member count grows),
 * and a delete (one Service goes, and so does its load balancer in Octavia).
 */
import type { CoreV1Api, DiscoveryV1Api, V1Endpoint } from '@kubernetes/client-node';
import type { StatusRow as Row } from '../../src/services/status/rows.js';
import type { LiveView } from './live.js';

/** What the steps act on. */
export interface DemoContext {
  readonly core: CoreV1Api;
  readonly discovery: DiscoveryV1Api;
  readonly namespace: string;
  readonly view: LiveView;
  readonly signal: AbortSignal;
}

const isSkipped = (r: Row): boolean =>
  r.lastError.startsWith('skipped:') || r.lastError.startsWith('invalid:');
const isReady = (r: Row): boolean =>
  r.provisioningStatus === 'ACTIVE' && r.lastError === '' && r.members !== null;
/** The Service name of a row (rows name `namespace/name`). */
const nameOf = (r: Row): string => r.service.slice(r.service.indexOf('/') + 1);
const shortId = (r: Row | undefined): string => r?.loadBalancerId?.slice(0, 8) ?? '-';

/** Waits until every Service is either ACTIVE and Ready, or skipped with a reason. */
export async function waitAllActive(ctx: DemoContext): Promise<void> {
  await ctx.view.waitFor(
    'every load balancer ACTIVE',
    (rows) => rows.length > 0 && rows.every((r) => isReady(r) || isSkipped(r)),
    { timeoutMs: 600_000, signal: ctx.signal },
  );
  const rows = ctx.view.current();
  const active = rows.filter(isReady).map((r) => r.service);
  const skipped = rows.filter(isSkipped).map((r) => `${r.service} (${r.lastError})`);
  ctx.view.narrate(`all ${active.length} load balancers ACTIVE: ${active.join(', ')}`);
  if (skipped.length > 0) ctx.view.narrate(`skipped, with the reason: ${skipped.join('; ')}`);
}

function moreEndpoints(existing: readonly V1Endpoint[], count: number): V1Endpoint[] {
  const template = existing.find((e) => e.conditions?.ready !== false) ?? existing[0];
  const base = template?.addresses[0] ?? '10.1.0.1';
  const prefix = base.slice(0, base.lastIndexOf('.'));
  return Array.from({ length: count }, (_, i) => ({
    addresses: [`${prefix}.${200 + i}`],
    conditions: { ready: true, serving: true, terminating: false },
    ...(template?.nodeName === undefined ? {} : { nodeName: template.nodeName }),
  }));
}

/** Adds two ready endpoints to the first slice of `service`; waits until its members grew and it is ACTIVE. */
export async function scaleUp(ctx: DemoContext, service: string): Promise<void> {
  const before = ctx.view.current().find((r) => nameOf(r) === service)?.members ?? 0;
  const slices = await ctx.discovery.listNamespacedEndpointSlice({
    namespace: ctx.namespace,
    labelSelector: `kubernetes.io/service-name=${service}`,
  });
  const slice = slices.items[0];
  const name = slice?.metadata?.name;
  if (slice === undefined || name === undefined) throw new Error(`scale-up ${service}: no EndpointSlice`);
  const added = moreEndpoints(slice.endpoints, 2);
  ctx.view.narrate(
    `scale-up: adding ${added.map((e) => e.addresses[0] ?? '').join(', ')} to EndpointSlice ${name} of ${service} (${before} members now)`,
  );
  const body = Object.assign(slice, { endpoints: [...slice.endpoints, ...added] });
  await ctx.discovery.replaceNamespacedEndpointSlice({ name, namespace: ctx.namespace, body });
  // One member per endpoint and port. Octavia takes one batch per pool and locks the load balancer
  // for each, so between two pools' writes it is ACTIVE with only the first pool grown.
  const expected = before + added.length * Math.max(1, slice.ports?.length ?? 1);
  await ctx.view.waitFor(
    `${service} has ${expected} members`,
    (rows) => rows.some((r) => nameOf(r) === service && isReady(r) && (r.members ?? 0) >= expected),
    { timeoutMs: 300_000, signal: ctx.signal },
  );
  const after = ctx.view.current().find((r) => nameOf(r) === service)?.members ?? 0;
  ctx.view.narrate(`scale-up done: ${service} went from ${before} to ${after} members, load balancer ACTIVE`);
}

/** Deletes `service`; waits until neither the Service nor its load balancer is listed. */
export async function deleteOne(ctx: DemoContext, service: string): Promise<void> {
  const row = ctx.view.current().find((r) => nameOf(r) === service);
  ctx.view.narrate(`delete: deleting Service ${service} (load balancer ${shortId(row)})`);
  await ctx.core.deleteNamespacedService({ name: service, namespace: ctx.namespace });
  await ctx.view.waitFor(
    `${service} and its load balancer gone`,
    (rows) => !rows.some((r) => nameOf(r) === service),
    { timeoutMs: 300_000, signal: ctx.signal },
  );
  ctx.view.narrate(`delete done: Service ${service} and load balancer ${shortId(row)} are gone from Octavia`);
}

/** Picks the Service to scale (prefers `web`) and the one to delete (prefers `dns`) among Ready rows. */
export function pickTargets(rows: readonly Row[]): { scale: string; remove: string } {
  const ready = rows.filter(isReady).map(nameOf);
  const scale = ready.includes('web') ? 'web' : (ready[0] ?? '');
  const remove = ready.includes('dns') ? 'dns' : (ready.find((s) => s !== scale) ?? '');
  if (scale === '' || remove === '') throw new Error('demo: fewer than two Services are ready');
  return { scale, remove };
}
