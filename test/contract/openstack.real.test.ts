/**
 * The OpenStack contract against the real test cloud (scripts/testcloud): the scenarios run
 * concurrently (Octavia on two cores takes 10–60 s per load balancer), each under its own
 * run tag and VIP range, and each removes what it created. Fails when the cloud is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario, SCENARIOS } from './contract.js';
import { type ContractTarget, realTarget } from './target.js';

// Octavia on a loaded two-core machine: one scenario has taken close to 10 minutes.
const TWENTY_MINUTES = 1_200_000;

describe('OpenStack contract: the real test cloud', () => {
  let target: ContractTarget;

  beforeAll(async () => {
    target = await realTarget();
  });

  afterAll(async () => {
    await target.close();
  });

  it.concurrent.each(SCENARIOS.map((s) => [s.name, s] as const))(
    '%s',
    async (_name, scenario) => {
      expect(await runScenario(target, scenario)).toEqual(scenario.expected);
    },
    TWENTY_MINUTES,
  );
});
