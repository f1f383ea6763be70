/**
 * Detection of, and recovery from, children stuck PENDING_* under an ACTIVE load balancer
 * (seen with a fully-populated create on some Octavia releases, see docs/adr/0002), and the
 * create path each Service takes (`[kuryr_services] create_mode`, docs/adr/0006):
 * - `auto`: within `stuckChildrenMs` it is a normal wait; after it, the load balancer is
 *   treated as failed (deleted and recreated) and that Service's next create goes step by
 *   step: a bare load balancer first, then one listener (with its pool and members) per pass.
 * - `fully-populated`: never recreated; after `stuckChildrenMs` the verdict is `stuck`,
 *   which is only reported (an operator fixes Octavia, the children settle).
 * - `step-by-step`: every create is bare; stuck children are recovered as in `auto`.
 * It also carries the reconciler's memory of busy load balancers (`pending`), so the
 * reconciler keeps a single memory object per worker pool.
 */
import type { DesiredLoadBalancer, Observed, ObservedLoadBalancer } from '../core/model.js';
import type { CreateMode } from './deps.js';
import { PendingMemory } from './pending.js';

/** `stuck`: past `stuckChildrenMs` but create_mode = fully-populated forbids recovery. */
export type StuckVerdict = 'ok' | 'waiting' | 'recover' | 'stuck';

/** How a create is sent: listeners nested (one call) or a bare load balancer first. */
export type CreatePath = 'fully-populated' | 'step-by-step';

function hasPendingChild(lb: ObservedLoadBalancer): boolean {
  const pending = (s: string): boolean => s.startsWith('PENDING_');
  return (
    lb.listeners.some((l) => pending(l.provisioningStatus)) ||
    lb.pools.some(
      (p) => pending(p.provisioningStatus) || p.members.some((m) => pending(m.provisioningStatus)),
    )
  );
}

/** Per-reconciler memory of stuck load balancers and of Services now created step by step. */
export class StuckTracker {
  private readonly firstSeen = new Map<string, number>();
  private readonly stepwise = new Set<string>();
  /** Busy load balancers: requeue backoff and light-poll licences (see pending.ts). */
  readonly pending = new PendingMemory();

  constructor(private readonly stuckChildrenMs: number) {}

  /** Classifies `lb` at time `now` (ms); `mode` decides what happens past `stuckChildrenMs`. */
  check(lb: ObservedLoadBalancer, now: number, mode: CreateMode = 'auto'): StuckVerdict {
    if (lb.provisioningStatus !== 'ACTIVE' || !hasPendingChild(lb)) {
      this.firstSeen.delete(lb.id);
      return 'ok';
    }
    const since = this.firstSeen.get(lb.id);
    if (since === undefined) {
      this.firstSeen.set(lb.id, now);
      return 'waiting';
    }
    if (now - since < this.stuckChildrenMs) return 'waiting';
    return mode === 'fully-populated' ? 'stuck' : 'recover';
  }

  /** The observation with `kept` marked ERROR, so the plan replaces it; switches its Service to step-by-step. */
  recoveryPlanInput(observed: Observed, kept: ObservedLoadBalancer): Observed {
    this.firstSeen.delete(kept.id);
    this.stepwise.add(kept.name);
    return {
      ...observed,
      loadBalancers: observed.loadBalancers.map((lb) =>
        lb.id === kept.id ? { ...lb, provisioningStatus: 'ERROR' } : lb,
      ),
    };
  }

  /** The path the next create of load balancer `name` takes under `mode`. */
  createPath(name: string, mode: CreateMode = 'auto'): CreatePath {
    if (mode === 'step-by-step') return 'step-by-step';
    return mode === 'auto' && this.stepwise.has(name) ? 'step-by-step' : 'fully-populated';
  }

  /**
   * On the step-by-step path a create (no `kept` load balancer) carries no listeners; once
   * the load balancer exists the plan adds them one per pass.
   */
  adjustDesired(
    desired: DesiredLoadBalancer,
    kept: ObservedLoadBalancer | null,
    mode: CreateMode = 'auto',
  ): DesiredLoadBalancer {
    return kept === null && this.createPath(desired.name, mode) === 'step-by-step'
      ? { ...desired, listeners: [] }
      : desired;
  }

  /** Leaves step-by-step mode for `name` once its load balancer has every listener. */
  settle(name: string): void {
    this.stepwise.delete(name);
    this.pending.settle(name);
  }

  /** Drops all memory of the load balancer named `name` (its Service is gone). */
  forget(name: string): void {
    this.stepwise.delete(name);
    this.pending.forget(name);
    // firstSeen is keyed by LB id; entries of vanished LBs are dropped on the next check of a
    // live LB with the same id, which never comes: bound the map instead.
    if (this.firstSeen.size > 10_000) this.firstSeen.clear();
  }
}
