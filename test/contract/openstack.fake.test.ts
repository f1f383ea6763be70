/**
 * The OpenStack contract against the fake: in process on a fake clock (fast, deterministic),
 * and through its HTTP face on the real clock as the controller binary reaches it (Keystone
 * catalog from a clouds.yaml, real sockets). Same scenarios, same expected traces as
 * openstack.real.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as floatingips from '../../src/openstack/neutron/floatingips.js';
import * as loadbalancers from '../../src/openstack/octavia/loadbalancers.js';
import { runScenario, SCENARIOS } from './contract.js';
import { type ContractTarget, fakeHttpTarget, fakeTarget } from './target.js';

async function leftovers(target: ContractTarget): Promise<number> {
  const lbs = await loadbalancers.listAll(target.session, {});
  const fips = await floatingips.listAll(target.session, {});
  return lbs.length + fips.length;
}

describe('OpenStack contract: the fake in process (fake clock)', () => {
  const target = fakeTarget();

  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      expect(await runScenario(target, scenario)).toEqual(scenario.expected);
    });
  }

  it('leaves no load balancer or floating IP behind', async () => {
    expect(await leftovers(target)).toBe(0);
  });
});

describe('OpenStack contract: the fake over HTTP (real clock, clouds.yaml)', () => {
  let target: ContractTarget;

  beforeAll(async () => {
    target = await fakeHttpTarget();
  });

  afterAll(async () => {
    await target.close();
  });

  // Real time: Octavia's operations take 0.2–1 s here; the whole run a few seconds.
  it.concurrent.each(SCENARIOS.map((s) => [s.name, s] as const))(
    '%s',
    async (_name, scenario) => {
      expect(await runScenario(target, scenario)).toEqual(scenario.expected);
    },
    60_000,
  );
});
