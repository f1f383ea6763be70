/**
 * The phases of `npm run bench:scale`, each measured from outside the controller: Services
 * and slices are written straight into the simulated API server's store (API semantics,
 * events to the controller's watches), convergence is read off the fake cloud's state and
 * request counters (a phase ends when what it waits for holds and the fake has answered no
 * request for `quietMs`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FakeOpenStack } from '../../test/support/fake-openstack/cloud.js';
import type { RequestFilter } from '../../test/support/fake-openstack/request-log.js';
import { serviceManifest, sliceManifest } from '../../test/support/e2e-harness.js';
import type { ControllerProcess, ScaleWorld } from './scale-world.js';

/** What one phase cost, seen from outside. */
export interface PhaseCost {
  readonly ms: number;
  readonly octaviaReads: number;
  readonly octaviaWrites: number;
  readonly neutronReads: number;
  readonly neutronWrites: number;
  readonly memberBatches: number;
  readonly passes: number;
  readonly cpuSeconds: number;
  readonly rssMiB: number;
  readonly hwmMiB: number;
  /** Requests by operation label. */
  readonly byOperation: Readonly<Record<string, number>>;
}

/** The endpoint IPs of Service `s` at version `v` (10 each; pods are shared across Services). */
export function endpointIps(s: number, v = 0, count = 10): string[] {
  return Array.from({ length: count }, (_, e) => `10.1.${(s + v) % 250}.${((e + v) % 250) + 1}`);
}

/** Writes `n` Services (every 10th type LoadBalancer) and their slices into the store. */
export function createServices(world: ScaleWorld, n: number): void {
  for (let s = 0; s < n; s++) {
    const name = `svc-${s}`;
    const slice = sliceManifest(name, endpointIps(s), [{ name: 'http', port: 8080 }]);
    world.api.store.create(
      { apiVersion: 'discovery.k8s.io/v1', plural: 'endpointslices', namespace: 'default' },
      slice,
    );
    const spec = {
      type: s % 10 === 0 ? 'LoadBalancer' : 'ClusterIP',
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
    };
    world.api.store.create({ plural: 'services', namespace: 'default' }, serviceManifest(name, spec));
  }
}

/** `changes` replacements of Service `s`'s slice (each moves its endpoints), as fast as the store takes them. */
export async function burstEndpoints(world: ScaleWorld, s: number, changes: number): Promise<number> {
  const started = Date.now();
  const ref = {
    apiVersion: 'discovery.k8s.io/v1',
    plural: 'endpointslices',
    namespace: 'default',
    name: `svc-${s}-slice`,
  };
  for (let v = 1; v <= changes; v++) {
    world.api.store.update(ref, sliceManifest(`svc-${s}`, endpointIps(s, v), [{ name: 'http', port: 8080 }]));
    // Spread over 0.9 s on a schedule (not a fixed sleep, which a loaded machine stretches).
    const due = started + Math.floor((900 * v) / changes) - Date.now();
    if (due > 0) await sleep(due);
  }
  return Date.now() - started;
}

/**
 * Every watch answered 410 Gone once: the three caches relist at the same moment, as after an
 * API server restart that outlived etcd's compaction. Resolves to the handle of the fault rule
 * (`hits` counts the expired watches).
 */
export function expireAllWatches(world: ScaleWorld): { readonly hits: number } {
  const rule = world.api.faults.expire({ verb: 'watch' }, { times: 3 });
  world.api.faults.endWatches();
  return rule;
}

/** True when the fake holds `n` ACTIVE load balancers with 10 members each and `n / 10` bound floating IPs. */
export function converged(fake: FakeOpenStack, n: number): boolean {
  fake.settleDue();
  const lbs = fake.octavia.loadBalancers.select({});
  if (lbs.length !== n || !lbs.every((lb) => lb.provisioningStatus === 'ACTIVE')) return false;
  const bound = fake.neutron.floatingIps.select({}).filter((f) => f.portId !== null).length;
  return fake.octavia.members.size === n * 10 && bound === Math.ceil(n / 10);
}

function count(fake: FakeOpenStack, filter: RequestFilter): number {
  return fake.requests.count(filter);
}

/**
 * Waits until `done()` holds and the fake has answered nothing new for `quietMs` (polling
 * every 250 ms; the RSS high-water mark is reset when the wait starts, so it is the phase's own
 * peak, kept by the kernel), then reports the cost since
 * `fake.requests` was last reset. `ms` ends at the last request seen.
 */
export async function measure(
  world: ScaleWorld,
  ctl: ControllerProcess,
  opts: {
    readonly done: () => boolean | Promise<boolean>;
    readonly quietMs: number;
    readonly boundMs: number;
    /** When the phase began (default: now). */
    readonly since?: number;
  },
): Promise<PhaseCost> {
  const { fake } = world;
  const started = opts.since ?? Date.now();
  const [cpu0, passes0] = [await ctl.cpuSeconds(), await ctl.passes()];
  await ctl.resetPeak();
  let last = count(fake, {});
  let lastAt = Date.now();
  for (;;) {
    await sleep(250);
    const now = count(fake, {});
    if (now !== last) [last, lastAt] = [now, Date.now()];
    if (Date.now() - lastAt >= opts.quietMs && (await opts.done())) break;
    if (Date.now() - started > opts.boundMs) throw new Error(`phase not settled after ${opts.boundMs} ms`);
  }
  const mem = await ctl.memory();
  return {
    ms: lastAt - started,
    octaviaReads: count(fake, { service: 'load-balancer', kind: 'read' }),
    octaviaWrites: count(fake, { service: 'load-balancer', kind: 'write' }),
    neutronReads: count(fake, { service: 'network', kind: 'read' }),
    neutronWrites: count(fake, { service: 'network', kind: 'write' }),
    memberBatches: count(fake, { operation: 'octavia.member.batch_update' }),
    passes: (await ctl.passes()) - passes0,
    cpuSeconds: (await ctl.cpuSeconds()) - cpu0,
    rssMiB: mem.rssMiB,
    hwmMiB: mem.hwmMiB,
    byOperation: fake.requests.byOperation(),
  };
}
