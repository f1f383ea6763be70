/**
 * When the chaos strikes, drawn from the seed before the run starts: which churn steps are
 * followed by a `kill -9` of the controller (and after which restarts the API server answers
 * 503 then 403 to Service and EndpointSlice lists), and the steps of the one-off faults: a
 * watch answered 410 Gone, the API server refusing connections for a few seconds, and the
 * controller's Keystone token revoked.
 */
import type { Rng } from './prng.js';

/** The one-off events of a run, by churn step index. */
export interface Schedule {
  /** Steps after which the controller is SIGKILLed (then restarted). */
  readonly kills: ReadonlySet<number>;
  /** Kills whose restart meets 503, then 403, on the lists. */
  readonly listFaultsOnRestart: ReadonlySet<number>;
  readonly watchExpiredAt: number;
  readonly refuseAt: number;
  readonly revokeTokenAt: number;
}

/** Draws the schedule of `steps` churn steps with `kills` kills (the first `services` steps create). */
export function drawSchedule(rng: Rng, steps: number, kills: number, services: number): Schedule {
  const first = Math.min(Math.floor(services / 2), steps - 1);
  const slots = Math.max(1, steps - first);
  const chosen = new Set<number>();
  while (chosen.size < Math.min(kills, slots)) chosen.add(rng.int(first, steps - 1));
  const ordered = [...chosen].sort((a, b) => a - b);
  // The first restart, and every third after it, meets failing lists.
  const listFaults = new Set(ordered.filter((_, i) => i % 3 === 0));
  return {
    kills: chosen,
    listFaultsOnRestart: listFaults,
    watchExpiredAt: Math.floor(steps * 0.3),
    refuseAt: Math.floor(steps * 0.45),
    revokeTokenAt: Math.floor(steps * 0.6),
  };
}
