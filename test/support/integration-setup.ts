/**
 * Global setup of the integration project. Without the test cloud the whole project fails
 * here at once with one message naming the command that brings it up (a suite that needs a
 * cloud fails, it never skips). In CI (CI=true) the test cloud is dedicated to
 * this run, so load balancers and floating IPs left in the test project by an earlier,
 * interrupted run are removed first: a leftover VIP would make a later create fail with
 * "IP address already allocated". Outside CI (developers sharing one cloud) nothing is
 * touched. Busy load balancers cannot be deleted and are only reported.
 */
import * as floatingips from '../../src/openstack/neutron/floatingips.js';
import * as loadbalancers from '../../src/openstack/octavia/loadbalancers.js';
import { requireTestcloud, testcloudSession } from './testcloud.js';

export default async function setup(): Promise<void> {
  requireTestcloud();
  if (process.env.CI !== 'true') return;
  const opened = await testcloudSession();
  const { session } = opened;
  try {
    const lbs = await loadbalancers.listAll(session, {});
    for (const lb of lbs) {
      if (lb.provisioningStatus.startsWith('PENDING_')) {
        process.stderr.write(
          `integration setup: leftover load balancer ${lb.id} is ${lb.provisioningStatus}; left alone\n`,
        );
        continue;
      }
      await loadbalancers.delete(session, lb.id, { cascade: true });
    }
    for (const fip of await floatingips.listAll(session, {})) await floatingips.delete(session, fip.id);
    if (lbs.length > 0)
      process.stderr.write(`integration setup: removed ${lbs.length} leftover load balancer(s)\n`);
  } finally {
    opened.close();
  }
}
