import { anOwner } from '../../support/builders.js';
import { describe, expect, it } from 'vitest';
import type { ServiceRef } from '../../../src/core/model.js';
import { loadBalancerDescription } from '../../../src/core/naming.js';
import { ownershipTags } from '../../../src/core/ownership.js';
import { plan } from '../../../src/core/plan/plan.js';
import { executeActions } from '../../../src/openstack/execute.js';
import type { OpenStackSession } from '../../../src/openstack/session.js';
import { observeService } from '../../../src/openstack/observe.js';
import { CLUSTER, desiredLb, OWNED, SERVICE } from '../core/plan/fixtures.js';
import { FakeCloud } from './observe-fake-cloud.js';
import { LB_JSON } from './octavia-fixtures.js';

const ORPHAN: ServiceRef = { ...SERVICE, uid: '' };
const marker = (clusterId: string, service: ServiceRef) =>
  loadBalancerDescription(anOwner(clusterId), service);

/** A project holding untagged floating IPs with every kind of description that matters. */
function project(): FakeCloud {
  const cloud = new FakeCloud();
  cloud.addFip({ id: 'ours-now', description: marker(CLUSTER, SERVICE) });
  cloud.addFip({ id: 'ours-earlier', description: marker(CLUSTER, { ...SERVICE, uid: 'uid-0' }) });
  cloud.addFip({ id: 'other-cluster', description: marker('c2', SERVICE) });
  cloud.addFip({ id: 'other-service', description: marker(CLUSTER, { ...SERVICE, name: 'web2' }) });
  cloud.addFip({ id: 'human', description: `${marker(CLUSTER, SERVICE)} - keep, mine` });
  cloud.addFip({ id: 'user-tagged', description: marker(CLUSTER, SERVICE), tags: ['mine'] });
  cloud.addFip({ id: 'plain-user' });
  return cloud;
}

async function observe(cloud: FakeCloud, service: ServiceRef, session: OpenStackSession = cloud.session) {
  return observeService({
    session,
    owner: anOwner(CLUSTER),
    projectId: 'p',
    service,
    loadBalancerName: 'default/web',
  });
}

/** A converged Service: our load balancer and its tagged Pool floating IP on the VIP port. */
function convergedCloud(): FakeCloud {
  const cloud = new FakeCloud();
  const lb = cloud.addLb('lb-1', 'default/web', OWNED);
  cloud.addFip({
    id: 'pool',
    description: marker(CLUSTER, SERVICE),
    port_id: lb.vip_port_id,
    tags: [...OWNED],
  });
  return cloud;
}

/** `cloud`'s session, recording the query of every floating IP list. */
function counting(cloud: FakeCloud, queries: (Record<string, unknown> | undefined)[]) {
  const session = cloud.session;
  return {
    request: <T>(req: Parameters<typeof session.request>[0]) => {
      if (req.path === '/v2.0/floatingips') queries.push(req.query);
      return session.request<T>(req);
    },
    endpoint: session.endpoint.bind(session),
    projectId: session.projectId.bind(session),
  };
}

describe('observeService: untagged floating IPs found by the description marker', () => {
  it('with a known uid, adopts only the marker of that cluster, Service and uid', async () => {
    const observed = await observe(project(), SERVICE);
    expect(observed.floatingIps.map((f) => [f.id, f.tagsMissing])).toEqual([['ours-now', true]]);
    expect(observed.floatingIps[0]?.tags).toEqual(OWNED);
  });

  it('with the uid unknown (orphan), adopts the incarnations its load balancers name, of this cluster and namespace/name only', async () => {
    const cloud = project();
    cloud.addLb('lb-0', 'default/web', ownershipTags(anOwner(CLUSTER), { ...SERVICE, uid: 'uid-0' }));
    cloud.addLb('lb-1', 'default/web', OWNED);
    const observed = await observe(cloud, ORPHAN);
    expect(observed.floatingIps.map((f) => f.id)).toEqual(['ours-earlier', 'ours-now']);
    // Each is adopted with the tags of the incarnation its marker names.
    expect(observed.floatingIps.map((f) => f.tags)).toEqual([
      ownershipTags(anOwner(CLUSTER), { ...SERVICE, uid: 'uid-0' }),
      OWNED,
    ]);
  });

  it('never lists the project: every floating IP query is filtered by tags, description or port', async () => {
    const cloud = project();
    cloud.addLb('lb-1', 'default/web', OWNED);
    const queries: (Record<string, unknown> | undefined)[] = [];
    const session = cloud.session;
    const counting = {
      request: <T>(req: Parameters<typeof session.request>[0]) => {
        if (req.path === '/v2.0/floatingips') queries.push(req.query);
        return session.request<T>(req);
      },
      endpoint: session.endpoint.bind(session),
      projectId: session.projectId.bind(session),
    };
    for (const service of [SERVICE, ORPHAN]) {
      await observeService({
        session: counting,
        owner: anOwner(CLUSTER),
        projectId: 'p',
        service,
        loadBalancerName: 'default/web',
      });
    }
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries)
      expect(Object.keys(q ?? {}).some((k) => ['tags', 'description', 'port_id'].includes(k))).toBe(true);
  });

  it('a converged Service costs two floating IP lists: tags and marker; its tagged one on the VIP port answers the port', async () => {
    const cloud = convergedCloud();
    const queries: (Record<string, unknown> | undefined)[] = [];
    const observed = await observe(cloud, SERVICE, counting(cloud, queries));
    expect(observed.floatingIps.map((f) => f.id)).toEqual(['pool']);
    expect(queries.map((q) => Object.keys(q ?? {}).sort())).toEqual([
      ['project_id', 'tags'],
      ['description', 'project_id'],
    ]);
  });

  it('an untagged floating IP with the marker is adopted even beside a tagged one of the same incarnation (a killed POST that landed late)', async () => {
    const cloud = convergedCloud();
    cloud.addFip({ id: 'late', description: marker(CLUSTER, SERVICE) });
    const observed = await observe(cloud, SERVICE);
    expect(observed.floatingIps.map((f) => [f.id, f.tagsMissing ?? false])).toEqual([
      ['late', true],
      ['pool', false],
    ]);
  });

  it('without a tagged floating IP, the VIP port and the marker are still asked: a hand-attached one is seen', async () => {
    const cloud = new FakeCloud();
    const lb = cloud.addLb('lb-1', 'default/web', OWNED);
    cloud.addFip({ id: 'by-hand', port_id: lb.vip_port_id });
    cloud.addFip({ id: 'crashed', description: marker(CLUSTER, SERVICE) });
    const queries: (Record<string, unknown> | undefined)[] = [];
    const observed = await observeService({
      session: counting(cloud, queries),
      owner: anOwner(CLUSTER),
      projectId: 'p',
      service: SERVICE,
      loadBalancerName: 'default/web',
    });
    expect(observed.floatingIps.map((f) => [f.id, f.tagsMissing ?? false])).toEqual([
      ['by-hand', false],
      ['crashed', true],
    ]);
    expect(queries).toHaveLength(3);
  });

  it('still completes the tagging of an adopted floating IP (crash between the POST and the tags PUT)', async () => {
    const cloud = new FakeCloud();
    const lb = cloud.addLb('lb-1', 'default/web', OWNED);
    cloud.addFip({ id: 'crashed', description: marker(CLUSTER, SERVICE), port_id: lb.vip_port_id });
    const desired = desiredLb({
      vipAddress: LB_JSON.vip_address,
      vipSubnetId: LB_JSON.vip_subnet_id,
      listeners: [],
      floatingIp: { method: 'pool', networkId: 'public' },
    });
    const input = { service: SERVICE, owner: anOwner(CLUSTER), desired };
    const first = plan({ ...input, observed: await observe(cloud, SERVICE) });
    await executeActions({ session: cloud.session, actions: first.actions });

    expect(cloud.fips).toMatchObject([{ id: 'crashed', port_id: lb.vip_port_id, tags: [...OWNED] }]);
    const after = await observe(cloud, SERVICE);
    expect(after.floatingIps).toEqual([expect.not.objectContaining({ tagsMissing: true })]);
    expect(plan({ ...input, observed: after }).actions).toEqual([]);
  });
});
