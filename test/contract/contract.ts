/**
 * The contract: each scenario runs once per cloud and its normalized trace must equal the
 * expected trace, which is what the real test cloud (Octavia 11, Neutron 21) answered and a
 * reviewed statement of the API's behaviour. The fake is held to it in the unit project, the
 * real cloud in the integration project; where they disagree, the fake is wrong.
 */
import { Names } from './names.js';
import { cleanupTagged, type ScenarioContext } from './scenarios/common.js';
import { floatingIpLifecycle } from './scenarios/floating-ips.js';
import { lbLifecycle } from './scenarios/lb-lifecycle.js';
import { listsAndPaging } from './scenarios/lists.js';
import { FLOATING_IP_LIFECYCLE } from './expected/floating-ips.js';
import { LB_LIFECYCLE } from './expected/lb-lifecycle.js';
import { LISTS_AND_PAGING } from './expected/lists.js';
import { type ContractTarget, runTag, vipRange } from './target.js';

/** One scenario and the trace every cloud must produce. */
export interface Scenario {
  readonly name: string;
  readonly run: (ctx: ScenarioContext) => Promise<Record<string, unknown>>;
  readonly expected: unknown;
}

/** Every scenario of the contract. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'a load balancer from fully-populated create to cascade delete',
    run: lbLifecycle,
    expected: LB_LIFECYCLE,
  },
  {
    name: 'a floating IP bound, unbound, tagged and released',
    run: floatingIpLifecycle,
    expected: FLOATING_IP_LIFECYCLE,
  },
  { name: 'list filters and paging on both APIs', run: listsAndPaging, expected: LISTS_AND_PAGING },
];

/** A fresh context on `target`: its own run tag and VIP range, the topology ids named. */
export function contextOn(target: ContractTarget): ScenarioContext {
  const tag = runTag();
  const names = new Names(tag);
  for (const [key, id] of Object.entries(target.info)) {
    if (key.endsWith('_id') && typeof id === 'string') names.name(id, key.replace(/_id$/, ''));
  }
  return { target, names, tag, vip: vipRange() };
}

/** Runs `scenario` on `target` and removes what it left (even when it failed). */
export async function runScenario(
  target: ContractTarget,
  scenario: Scenario,
): Promise<Record<string, unknown>> {
  const ctx = contextOn(target);
  try {
    return await scenario.run(ctx);
  } finally {
    await cleanupTagged(ctx);
  }
}
