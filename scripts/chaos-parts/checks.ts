/**
 * The end checks of a chaos run, against the cloud (read directly, not through the proxies)
 * and the API server, once the faults have stopped: this module reads the snapshot, the pure
 * verdicts.ts judges it (see there for what each check means).
 */
import type { CoreV1Api } from '@kubernetes/client-node';
import type { ObservedLoadBalancer } from '../../src/core/model.js';
import { NotFoundError } from '../../src/openstack/errors.js';
import * as ports from '../../src/openstack/neutron/ports.js';
import { observeTree } from '../../src/openstack/observe-tree.js';
import type { LoadBalancerRecord } from '../../src/openstack/octavia/loadbalancers.js';
import type { OpenStackSession } from '../../src/openstack/session.js';
import { taggedFloatingIps } from '../../test/e2e/support/controller-process.js';
import type { Observations } from './observer.js';
import { judge, orphanVipPorts, uidOf, type CheckResult } from './verdicts.js';
import { NS, type Slot } from './world.js';

export { passed, type CheckResult } from './verdicts.js';

/** What the checks read from. */
export interface CheckInputs {
  readonly session: OpenStackSession;
  readonly core: CoreV1Api;
  readonly clusterId: string;
  readonly slots: readonly Slot[];
  readonly lbs: readonly LoadBalancerRecord[];
  readonly observations: Observations;
}

async function portsStillThere(inputs: CheckInputs): Promise<Set<string>> {
  const out = new Set<string>();
  for (const portId of orphanVipPorts(inputs.observations.vipPorts, inputs.lbs).keys()) {
    try {
      await ports.get(inputs.session, portId);
      out.add(portId);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  return out;
}

async function trees(inputs: CheckInputs): Promise<Map<string, ObservedLoadBalancer>> {
  const out = new Map<string, ObservedLoadBalancer>();
  for (const slot of inputs.slots.filter((s) => s.alive)) {
    const mine = inputs.lbs.filter((lb) => uidOf(lb) === slot.uid);
    const [only] = mine;
    if (mine.length === 1 && only !== undefined) out.set(only.id, await observeTree(inputs.session, only));
  }
  return out;
}

/** The ingress IPs of every slot's Service the API server holds, by name. */
async function ingress(inputs: CheckInputs): Promise<Map<string, readonly string[]>> {
  const out = new Map<string, readonly string[]>();
  for (const slot of inputs.slots) {
    const svc = await inputs.core
      .readNamespacedService({ name: slot.name, namespace: NS })
      .catch((err: unknown) => {
        // A deleted Service read back as any error counts as gone (as before); a live one's
        // failed read fails this round of checks (settle tries again).
        if (slot.alive) throw err;
        return null;
      });
    if (svc !== null)
      out.set(
        slot.name,
        (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? ''),
      );
  }
  return out;
}

/** Runs every end check once. */
export async function runChecks(inputs: CheckInputs): Promise<CheckResult> {
  return judge({
    slots: inputs.slots,
    lbs: inputs.lbs,
    trees: await trees(inputs),
    fips: await taggedFloatingIps(inputs.session, inputs.clusterId),
    ingress: await ingress(inputs),
    vipPorts: inputs.observations.vipPorts,
    portsStillThere: await portsStillThere(inputs),
    wronglyDeleted: inputs.observations.wronglyDeleted,
  });
}
