/**
 * The end of a chaos run: waiting (faults off) until no load balancer of the run is PENDING_*
 * and every Service has converged, then the idle request rate over a quiet window, the final
 * end checks, and the clean-up (every Service deleted, the controller releasing everything;
 * whatever it leaves is counted, then removed by hand).
 */
import { removeTagged, taggedFloatingIps } from '../../test/e2e/support/controller-process.js';
import { waitFor } from '../../test/support/wait.js';
import { passed, runChecks, type CheckResult } from './checks.js';
import { retrying } from './churn.js';
import { rateFigures } from './fault-proxy.js';
import type { Scene } from './scene.js';
import { NS, type Slot } from './world.js';

/** How long to wait. */
export interface SettleOptions {
  readonly settleTimeoutMs: number;
  readonly idleWindowMs: number;
  readonly log: (line: string) => void;
}

/** What settling found. */
export interface Settled {
  readonly checks: CheckResult;
  readonly convergedAt: number;
  readonly idle: { max: number; mean: number };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function checkOnce(scene: Scene, slots: readonly Slot[]): Promise<CheckResult | null> {
  const lbs = await scene.observer.poll();
  if (lbs.some((lb) => lb.provisioningStatus.startsWith('PENDING_'))) return null;
  return runChecks({
    session: scene.cloud.session,
    core: scene.core,
    clusterId: scene.clusterId,
    slots,
    lbs,
    observations: scene.observer.observations(),
  });
}

/** Settled enough to stop waiting: nothing left that more time could fix. */
export function settledEnough(r: CheckResult): boolean {
  return r.unconverged.length === 0 && r.leakedLoadBalancers.length === 0 && r.leakedFloatingIps.length === 0;
}

/** Waits for convergence (up to settleTimeoutMs), measures the idle window, checks again. */
export async function settle(scene: Scene, slots: readonly Slot[], opts: SettleOptions): Promise<Settled> {
  const deadline = Date.now() + opts.settleTimeoutMs;
  let last: CheckResult | null = null;
  let lastLog = 0;
  while (Date.now() < deadline) {
    last = (await checkOnce(scene, slots).catch(() => null)) ?? last;
    if (last !== null && settledEnough(last)) break;
    if (Date.now() - lastLog > 30_000) {
      lastLog = Date.now();
      opts.log(
        `settling: ${last === null ? 'load balancers PENDING' : `${last.unconverged.length} Services not converged yet`}`,
      );
    }
    await sleep(5000);
  }
  const convergedAt = Date.now();
  await sleep(opts.idleWindowMs);
  const idle = rateFigures([scene.octavia.perSecond(), scene.neutron.perSecond()], convergedAt, Date.now());
  const checks = (await checkOnce(scene, slots)) ?? last;
  if (checks === null) throw new Error('chaos: load balancers still PENDING after the settle timeout');
  return { checks, convergedAt, idle };
}

/** True when `passed(checks)`; re-exported for callers. */
export { passed };

/** Deletes every Service, waits for the controller to release all; returns what it left (then removed). */
export async function cleanUp(scene: Scene, log: (line: string) => void): Promise<number> {
  const list = await scene.core.listNamespacedService({ namespace: NS });
  for (const svc of list.items) {
    const name = svc.metadata?.name ?? '';
    if (!name.startsWith('chaos-')) continue;
    await retrying(
      `delete ${name}`,
      () => scene.core.deleteNamespacedService({ name, namespace: NS }),
      [404],
    );
  }
  let left = 0;
  await waitFor(
    'the controller releases everything',
    600_000,
    async () => {
      const lbs = await scene.observer.poll();
      const fips = await taggedFloatingIps(scene.cloud.session, scene.clusterId);
      const svcs = (await scene.core.listNamespacedService({ namespace: NS })).items;
      left = lbs.length + fips.length + svcs.filter((s) => s.metadata?.name?.startsWith('chaos-')).length;
      return left === 0;
    },
    { intervalMs: 3000 },
  ).catch(() => {
    log(`clean-up: the controller left ${left} object(s); removing them by hand`);
  });
  if (left > 0) await removeTagged(scene.cloud.session, scene.clusterId, 600_000);
  return left;
}
