/**
 * The short chaos run (scripts/chaos-parts, preset SHORT: 12 Service names, 3 kill -9, a few
 * proxy faults, 503/403 lists at start and after a restart, a watch 410, refused connections,
 * the Keystone token revoked) with the real controller binary, asserting the same end checks
 * as `npm run chaos`: nothing leaked, nothing deleted that a live Service wanted, every
 * Service converged, no hot loop once converged. Times are printed, never asserted.
 * `KS_CHAOS_SEED` reproduces a run.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SHORT } from '../../scripts/chaos-parts/presets.js';
import { figuresTable, problems } from '../../scripts/chaos-parts/report.js';
import { runChaos } from '../../scripts/chaos-parts/run.js';
import { buildController } from './support/controller-process.js';
import { STEP_MS } from './support/timeouts.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('chaos (short variant) with the real controller binary', () => {
  it(
    'ends with 0 leaked, 0 wrongly deleted, every Service converged, a quiet controller',
    async () => {
      const built = await buildController(repoRoot);
      const seed = Number(process.env.KS_CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
      const figures = await runChaos({
        ...SHORT,
        seed,
        mainJs: built.mainJs,
        log: (line) => process.stderr.write(`chaos e2e: ${line}\n`),
      });
      process.stderr.write(`${figuresTable(figures)}\n`);
      expect(problems(figures)).toEqual([]);
      expect(figures.kills).toBe(SHORT.kills);
    },
    STEP_MS,
  );
});
