/**
 * The orphan sweep's ownership lists on the real cloud (issue 11 item 4): Neutron filters
 * floating IPs by `tags` and `project_id` on the server, so a foreign floating IP of the same
 * project (no tags of ours) is never in the answer the sweep reads, while ours is; Octavia
 * accepts the same `tags` + `project_id` filter on its load balancer list. Everything this
 * test creates carries the run tag and is deleted by id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBalancerDescription } from '../../../src/core/naming.js';
import { clusterTag, OWNER_TAG, ownershipTags, type Owner } from '../../../src/core/ownership.js';
import { NotFoundError } from '../../../src/openstack/errors.js';
import type { OpenedSession } from '../../../src/openstack/keystone/open.js';
import * as floatingips from '../../../src/openstack/neutron/floatingips.js';
import * as loadbalancers from '../../../src/openstack/octavia/loadbalancers.js';
import { listOwnedServiceKeys } from '../../../src/openstack/owned-keys.js';
import type { OpenStackSession } from '../../../src/openstack/session.js';
import { loadTestcloudInfo, type TestcloudInfo, testcloudSession } from '../../support/testcloud.js';
import { runTag } from './octavia-cloud.js';

describe('sweep ownership lists are filtered on the server (real cloud)', () => {
  let opened: OpenedSession;
  let session: OpenStackSession;
  let info: TestcloudInfo;
  const tag = runTag('own');
  const owner: Owner = { clusterId: tag, writer: 'it' };
  const created: string[] = [];

  beforeAll(async () => {
    opened = await testcloudSession();
    session = opened.session;
    info = await loadTestcloudInfo();
  });

  afterAll(async () => {
    for (const id of created) {
      try {
        await floatingips.delete(session, id);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
    }
    opened.close();
  });

  it('a foreign floating IP of the project is not in the sweep list; ours is', async () => {
    const service = { namespace: 'default', name: tag, uid: 'uid-it' };
    const foreign = await floatingips.createTagged(session, {
      networkId: info.public_net_id,
      subnetId: info.public_subnet_id,
      description: tag,
      tags: [tag],
    });
    created.push(foreign.id);
    const ours = await floatingips.createTagged(session, {
      networkId: info.public_net_id,
      subnetId: info.public_subnet_id,
      description: loadBalancerDescription(owner, service),
      tags: ownershipTags(owner, service),
    });
    created.push(ours.id);

    const swept = await floatingips.listAll(session, {
      tags: [OWNER_TAG, clusterTag(owner.clusterId)],
      projectId: info.project_id,
    });
    expect(swept.map((f) => f.id)).toEqual([ours.id]);
    // The foreign one exists in the same project: only the filter kept it out.
    expect((await floatingips.listAll(session, { description: tag })).map((f) => f.id)).toEqual([foreign.id]);
    const lbs = await loadbalancers.listAll(session, {
      tags: [OWNER_TAG, clusterTag(owner.clusterId)],
      projectId: info.project_id,
    });
    expect(lbs).toEqual([]);
    const owned = await listOwnedServiceKeys(session, { owner, projectId: info.project_id });
    expect(owned).toEqual({ keys: [`default/${tag}`], conflicts: [] });
  });
});
