/**
 * The two sizes of the chaos run: the full one (`npm run chaos`: 50 Service names, 10 kills,
 * ~20% 5xx and the other faults, 10 s stalls) and the short one of `npm test`
 * (test/e2e/chaos.test.ts: 12 names, 3 kills, a few faults).
 */
import type { FaultRates } from './fault-proxy.js';
import type { ChaosOptions } from './run.js';

/** The options a preset fixes (the caller adds seed, mainJs and log). */
export type Preset = Omit<ChaosOptions, 'seed' | 'mainJs' | 'log'>;

/** The controller's `[service] workers` in a chaos run: the default (the kuryr.conf sets none). */
export const CONTROLLER_WORKERS = 4;

/** The full run's fault rates: ~20% 5xx, 5% 409 on writes, 3% resets, 2% lost responses, 1% stalls. */
export const FULL_RATES: FaultRates = {
  reset: 0.03,
  lostResponse: 0.02,
  error5xx: 0.2,
  conflict: 0.05,
  stall: 0.01,
};

/** The full chaos run. */
export const FULL: Preset = {
  services: 50,
  steps: 200,
  kills: 10,
  rates: FULL_RATES,
  stallMs: 10_000,
  pauseMs: [200, 1500],
  refuseMs: 4000,
  settleTimeoutMs: 900_000,
  idleWindowMs: 20_000,
  idleLimit: 2,
};

/** The short run of `npm test`. */
export const SHORT: Preset = {
  services: 12,
  steps: 40,
  kills: 3,
  rates: { reset: 0.01, lostResponse: 0.01, error5xx: 0.05, conflict: 0.02, stall: 0.003 },
  stallMs: 10_000,
  pauseMs: [200, 1200],
  refuseMs: 3000,
  settleTimeoutMs: 900_000,
  idleWindowMs: 15_000,
  idleLimit: 2,
};
