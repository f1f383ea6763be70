/**
 * Detection of, and recovery from, children stuck PENDING_* under an ACTIVE load balancer
 * (seen with a fully-populated create on some Octavia releases, see docs/adr/0002). Within
 * `stuckChildrenMs` it is a normal wait; after it, the load balancer is treated as failed
 * (deleted and recreated) and that Service's next create goes step by step: a bare load
 * balancer first, then one listener (with its pool and members) per pass.
 */
import type { DesiredLoadBalancer, Observed, ObservedLoadBalancer } from '../core/model.js';

export type StuckVerdict = 'ok' | 'waiting' | 'recover';

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

  constructor(private readonly stuckChildrenMs: number) {}

  /** Classifies `lb` at time `now` (ms). */
  check(lb: ObservedLoadBalancer, now: number): StuckVerdict {
    if (lb.provisioningStatus !== 'ACTIVE' || !hasPendingChild(lb)) {
      this.firstSeen.delete(lb.id);
      return 'ok';
    }
    const since = this.firstSeen.get(lb.id);
    if (since === undefined) {
      this.firstSeen.set(lb.id, now);
      return 'waiting';
    }
    return now - since < this.stuckChildrenMs ? 'waiting' : 'recover';
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

  /**
   * In step-by-step mode a create (no `kept` load balancer) carries no listeners; once the
   * load balancer exists the plan adds them one per pass.
   */
  adjustDesired(desired: DesiredLoadBalancer, kept: ObservedLoadBalancer | null): DesiredLoadBalancer {
    return kept === null && this.stepwise.has(desired.name) ? { ...desired, listeners: [] } : desired;
  }

  /** Leaves step-by-step mode for `name` once its load balancer has every listener. */
  settle(name: string): void {
    this.stepwise.delete(name);
  }

  /** Drops all memory of the load balancer named `name` (its Service is gone). */
  forget(name: string): void {
    this.stepwise.delete(name);
    // firstSeen is keyed by LB id; entries of vanished LBs are dropped on the next check of a
    // live LB with the same id, which never comes: bound the map instead.
    if (this.firstSeen.size > 10_000) this.firstSeen.clear();
  }
}
