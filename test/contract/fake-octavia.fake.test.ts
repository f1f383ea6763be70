/**
 * The fake's own behaviour where the contract scenarios do not reach: it is independent of
 * the planner, its Octavia advances on the clock only, its knobs (stuck children, failed
 * operations, injected HTTP faults) behave as documented, and Octavia's quirks that the
 * probes of the test cloud showed are kept (limit=0, comma-joined fields, 1000-row pages).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/openstack/errors.js';
import { executeActions } from '../../src/openstack/execute.js';
import * as ports from '../../src/openstack/neutron/ports.js';
import * as loadbalancers from '../../src/openstack/octavia/loadbalancers.js';
import * as members from '../../src/openstack/octavia/members.js';
import * as pools from '../../src/openstack/octavia/pools.js';
import type { OpenStackSession } from '../../src/openstack/session.js';
import { FakeClock } from '../support/fake-clock.js';
import { FakeOpenStack, type FakeOpenStackOptions } from '../support/fake-openstack/cloud.js';
import { fakeSession } from '../support/fake-openstack/face-session.js';
import { failure } from './names.js';

function setup(config?: FakeOpenStackOptions['config']) {
  const clock = new FakeClock(Date.parse('2026-12-01T00:00:00Z'));
  const fake = new FakeOpenStack({ clock, ...(config === undefined ? {} : { config }) });
  return { clock, fake, session: fakeSession(fake) };
}

function lbBody(fake: FakeOpenStack, opts: { name: string; vip: string; members?: number }) {
  const memberList = Array.from({ length: opts.members ?? 0 }, (_, i) => ({
    name: `m${i}`,
    address: `10.1.0.${i + 1}`,
    protocol_port: 8080,
    subnet_id: fake.info.pod_subnet_id,
    tags: [],
  }));
  const listeners =
    opts.members === undefined
      ? []
      : [
          {
            name: 'l',
            protocol: 'TCP',
            protocol_port: 80,
            tags: [],
            default_pool: {
              name: 'p',
              protocol: 'TCP',
              lb_algorithm: 'ROUND_ROBIN' as const,
              tags: [],
              members: memberList,
            },
          },
        ];
  return {
    loadbalancer: {
      name: opts.name,
      description: '',
      vip_address: opts.vip,
      vip_subnet_id: fake.info.service_subnet_id,
      provider: 'amphora',
      tags: ['t'],
      listeners,
    },
  };
}

async function raw(
  session: OpenStackSession,
  req: { path: string; query?: Record<string, string | string[]> },
) {
  return (
    await session.request<Record<string, unknown>>({
      service: 'load-balancer',
      method: 'GET',
      operation: 'test',
      ...req,
    })
  ).body;
}

describe('fake OpenStack: independence', () => {
  it('imports nothing from src/core (it is not the planner’s own oracle)', async () => {
    const root = path.resolve(import.meta.dirname, '../support/fake-openstack');
    const files = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.ts'));
    const offending: string[] = [];
    for (const file of files) {
      const text = await readFile(path.join(root, file), 'utf8');
      if (/from '[^']*\/core\//.test(text)) offending.push(file);
    }
    expect(files.length).toBeGreaterThan(20);
    expect(offending).toEqual([]);
  });
});

describe('fake OpenStack: Octavia runs on the clock', () => {
  it('keeps a load balancer PENDING_CREATE however often it is read, until the latency has passed', async () => {
    const { clock, fake, session } = setup({ octavia: { create: 10_000, createPerChild: 1_000 } });
    const lb = await loadbalancers.create(session, lbBody(fake, { name: 'a', vip: '10.2.0.10', members: 2 }));
    for (let i = 0; i < 50; i++)
      expect((await loadbalancers.get(session, lb.id)).provisioningStatus).toBe('PENDING_CREATE');
    await clock.advance(10_000 + 4 * 1_000 - 1); // listener, pool, 2 members
    expect((await loadbalancers.get(session, lb.id)).provisioningStatus).toBe('PENDING_CREATE');
    await clock.advance(1);
    expect((await loadbalancers.get(session, lb.id)).provisioningStatus).toBe('ACTIVE');
    expect(fake.nextDue()).toBeNull();
  });

  it("answers Octavia's two 409 bodies while busy: the load balancer's own write and a child's", async () => {
    const { fake, session } = setup();
    const lb = await loadbalancers.create(session, lbBody(fake, { name: 'a', vip: '10.2.0.10' }));
    await expect(loadbalancers.update(session, lb.id, { name: 'b' })).rejects.toMatchObject({
      status: 409,
      faultString: `Invalid state PENDING_CREATE of loadbalancer resource ${lb.id}`,
    });
    const listener = session.request({
      service: 'load-balancer',
      method: 'POST',
      path: '/v2/lbaas/listeners',
      body: { listener: { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: 80 } },
      operation: 'test',
    });
    await expect(listener).rejects.toMatchObject({
      status: 409,
      faultString: `Load Balancer ${lb.id} is immutable and cannot be updated.`,
    });
  });

  it('creates the VIP port at once and the amphora ports on completion; deletes all with the load balancer', async () => {
    const { clock, fake, session } = setup({ amphoraPorts: 2 });
    const lb = await loadbalancers.create(session, lbBody(fake, { name: 'a', vip: '10.2.0.10' }));
    const vip = await ports.get(session, lb.vipPortId ?? '');
    expect(vip).toMatchObject({
      name: `octavia-lb-${lb.id}`,
      deviceId: `lb-${lb.id}`,
      deviceOwner: 'Octavia',
    });
    const onNet = async () =>
      (await ports.listAll(session, { networkId: fake.info.service_net_id })).filter(
        (p) => p.deviceOwner !== 'network:router_interface',
      ).length;
    expect(await onNet()).toBe(1);
    await clock.advance(60_000);
    expect(await onNet()).toBe(3);
    await loadbalancers.delete(session, lb.id, { cascade: true });
    await clock.advance(60_000);
    expect(await onNet()).toBe(0);
  });
});

describe('fake OpenStack: knobs', () => {
  it('stuckChildrenOnFullCreate: the load balancer goes ACTIVE, its children stay PENDING_CREATE and refuse writes', async () => {
    const { clock, fake, session } = setup({ stuckChildrenOnFullCreate: true });
    const lb = await loadbalancers.create(session, lbBody(fake, { name: 'a', vip: '10.2.0.10', members: 1 }));
    await clock.advance(600_000);
    const tree = await loadbalancers.statusTree(session, lb.id);
    expect(tree.provisioningStatus).toBe('ACTIVE');
    expect(tree.listeners.map((l) => l.provisioningStatus)).toEqual(['PENDING_CREATE']);
    const pool = (await pools.listAll(session, { loadBalancerId: lb.id }))[0];
    await expect(members.replaceAll(session, pool?.id ?? '', [])).rejects.toMatchObject({
      status: 409,
      faultString: `Pool ${pool?.id ?? ''} is immutable and cannot be updated.`,
    });
    await loadbalancers.delete(session, lb.id, { cascade: true });
    await clock.advance(600_000);
    expect(await failure(loadbalancers.get(session, lb.id))).toMatchObject({ status: 404 });
  });

  it('failOperations ends the next create in ERROR; an ERROR load balancer can be deleted', async () => {
    const { clock, fake, session } = setup();
    fake.failOperations('create');
    const lb = await loadbalancers.create(session, lbBody(fake, { name: 'a', vip: '10.2.0.10' }));
    await clock.advance(600_000);
    expect((await loadbalancers.get(session, lb.id)).provisioningStatus).toBe('ERROR');
    await loadbalancers.delete(session, lb.id, { cascade: true });
    expect((await loadbalancers.get(session, lb.id)).provisioningStatus).toBe('PENDING_DELETE');
  });

  it('failRequests answers the matching requests with the status asked for; the executor reports a 409 as a requeue', async () => {
    const { clock, fake, session } = setup();
    const lb = await loadbalancers.create(session, lbBody(fake, { name: 'a', vip: '10.2.0.10', members: 1 }));
    await clock.advance(600_000);
    const poolId = (await pools.listAll(session, { loadBalancerId: lb.id }))[0]?.id ?? '';
    fake.failRequests({ operation: 'octavia.member.batch_update', status: 409, count: 1 });
    const action = { kind: 'replaceMembers', loadBalancerId: lb.id, poolId, members: [] } as const;
    const first = await executeActions({ session, actions: [action] });
    expect(first.conflict).toBeInstanceOf(ConflictError);
    expect((await executeActions({ session, actions: [action] })).done).toHaveLength(1);
    expect(fake.requests.count({ operation: 'octavia.member.batch_update' })).toBe(2);
    expect(fake.requests.count({ operation: 'octavia.member.batch_update', status: 409 })).toBe(1);
  });
});

describe("fake OpenStack: Octavia's listing quirks", () => {
  it('pages at 1000 by default, answers limit=0 with a 500 and reads comma-joined fields as one name', async () => {
    const { fake, session } = setup({ octavia: { create: 1 } });
    for (let i = 0; i < 1005; i++) {
      await loadbalancers.create(
        session,
        lbBody(fake, { name: `lb-${i}`, vip: `10.2.${Math.floor(i / 250)}.${(i % 250) + 1}` }),
      );
    }
    const first = await loadbalancers.list(session, {});
    expect(first.items).toHaveLength(1000);
    expect(first.nextMarker).not.toBeNull();
    expect(await loadbalancers.listAll(session, {})).toHaveLength(1005);
    expect(await failure(loadbalancers.list(session, { limit: 0 }))).toEqual({
      error: 'ServerError',
      status: 500,
      type: 'Server',
    });
    const joined = await raw(session, {
      path: '/v2/lbaas/loadbalancers',
      query: { limit: '1', fields: 'id,name' },
    });
    expect(joined.loadbalancers).toEqual([{}]);
  });
});
