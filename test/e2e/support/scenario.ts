/**
 * The frame of a scenario: a harness with a running controller for a describe block, torn
 * down (hand-made floating IPs first) at its end, and a stopwatch for the report.
 */
import { afterAll, beforeAll } from 'vitest';
import { startHarness, type Harness, type HarnessOptions } from '../../support/e2e-harness.js';
import { HOOK_MS } from './timeouts.js';
import { deleteUserFips } from './user-edits.js';

/**
 * Registers the hooks of a describe block: a harness (with `options`) and a running controller, handed to
 * `use`; at the end the floating IPs the test made by hand (`handMade`, filled as it goes)
 * are deleted, then the harness is disposed (dispose only sees tagged objects).
 */
export function useHarness(
  use: (h: Harness) => void,
  handMade: string[] = [],
  options: HarnessOptions = {},
): void {
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await startHarness(options);
    use(harness);
    await harness.startController();
  }, HOOK_MS);
  afterAll(async () => {
    if (harness === undefined) return;
    try {
      await deleteUserFips(harness, handMade);
    } finally {
      await harness.dispose();
    }
  }, HOOK_MS);
}

/** Wall-clock durations of named phases, for the report. */
export class Stopwatch {
  private readonly laps: string[] = [];

  /** Runs `body`, recording how long it took under `name` (also when it throws). */
  async time<T>(name: string, body: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await body();
    } finally {
      this.laps.push(`${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  }

  /** Every lap so far, one per line. */
  report(): string {
    return this.laps.join('\n');
  }
}
