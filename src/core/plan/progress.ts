/**
 * Children stuck PENDING_* under an ACTIVE load balancer (seen after a fully-populated
 * create on some Octavia releases, docs/adr/0002), judged from the Service's durable
 * progress (decision.ts `Progress`), and the path of the next create. Pure.
 *
 * - Within `stuckChildrenMs` of first seeing them it is a wait.
 * - Past it: `auto` and `step-by-step` condemn the load balancer (it is deleted and
 *   recreated) and the Service's next creates go step by step; `fully-populated` never
 *   recreates it: the verdict `stuck` is only reported (an operator fixes Octavia).
 */
import type { ObservedLoadBalancer } from '../model.js';
import type { CreateMode, Progress } from './decision.js';
import type { CreatePath } from './plan.js';
import { hasPendingChild } from './serving.js';

/** How the kept load balancer's children stand. */
export type ChildrenVerdict = 'settled' | 'waiting' | 'recover' | 'stuck';

/** The verdict on `kept` and the progress after it. */
export interface ChildrenJudgement {
  readonly verdict: ChildrenVerdict;
  readonly progress: Progress;
}

/** Judges `kept`'s children at `now` from what `progress` remembers. */
export function judgeChildren(
  kept: ObservedLoadBalancer,
  progress: Progress,
  options: { readonly now: number; readonly stuckChildrenMs: number; readonly createMode: CreateMode },
): ChildrenJudgement {
  if (kept.provisioningStatus !== 'ACTIVE' || !hasPendingChild(kept)) {
    return { verdict: 'settled', progress: { ...progress, unsettled: null } };
  }
  const since = progress.unsettled?.loadBalancerId === kept.id ? progress.unsettled.since : null;
  if (since === null) {
    return {
      verdict: 'waiting',
      progress: { ...progress, unsettled: { loadBalancerId: kept.id, since: options.now } },
    };
  }
  if (options.now - since < options.stuckChildrenMs) return { verdict: 'waiting', progress };
  if (options.createMode === 'fully-populated') return { verdict: 'stuck', progress };
  return { verdict: 'recover', progress: { createPath: 'step-by-step', unsettled: null } };
}

/** The path a create takes now under `mode`. */
export function createPathFor(mode: CreateMode, progress: Progress): CreatePath {
  if (mode === 'step-by-step') return 'step-by-step';
  return mode === 'auto' ? progress.createPath : 'fully-populated';
}
