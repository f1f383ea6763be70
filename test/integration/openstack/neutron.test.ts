/**
 * Neutron v2.0 resource clients against the real local cloud: networks, subnets with
 * allocation pools, ports and their filters, tags, routers, and the floating IP lifecycle
 * (create with the description marker then tags, find by tags/description/address/port,
 * associate, disassociate, release). Everything is tagged with the run tag and removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/openstack/errors.js';
import type { OpenedSession } from '../../../src/openstack/keystone/open.js';
import * as floatingips from '../../../src/openstack/neutron/floatingips.js';
import * as networks from '../../../src/openstack/neutron/networks.js';
import * as ports from '../../../src/openstack/neutron/ports.js';
import * as routers from '../../../src/openstack/neutron/routers.js';
import * as subnets from '../../../src/openstack/neutron/subnets.js';
import * as tags from '../../../src/openstack/neutron/tags.js';
import type { OpenStackSession } from '../../../src/openstack/session.js';
import { loadTestcloudInfo, testcloudSession, type TestcloudInfo } from '../../support/testcloud.js';
import { runTag, vipAddress } from './octavia-cloud.js';

async function ignoreGone(call: Promise<void>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
}

describe('Neutron v2.0 resources (real cloud)', () => {
  let opened: OpenedSession;
  let session: OpenStackSession;
  let info: TestcloudInfo;
  const tag = runTag('neu');

  beforeAll(async () => {
    opened = await testcloudSession();
    session = opened.session;
    info = await loadTestcloudInfo();
  });

  afterAll(async () => {
    for (const fip of await floatingips.listAll(session, { tags: [tag] }))
      await ignoreGone(floatingips.delete(session, fip.id));
    for (const fip of await floatingips.listAll(session, { description: tag }))
      await ignoreGone(floatingips.delete(session, fip.id));
    for (const port of await ports.listAll(session, { tags: [tag] }))
      await ignoreGone(ports.delete(session, port.id));
    for (const net of await networks.listAll(session, { tags: [tag] }))
      await ignoreGone(networks.delete(session, net.id));
    opened.close();
  });

  it('lists the external network and the cluster router with its gateway', async () => {
    const external = await networks.listAll(session, { external: true });
    expect(external.map((n) => n.id)).toContain(info.public_net_id);
    const router = await routers.get(session, info.router_id);
    expect(router.externalGateway?.networkId).toBe(info.public_net_id);
    expect((await routers.listAll(session)).map((r) => r.id)).toContain(info.router_id);
  });

  it('reads the service subnet as the model SubnetInfo (CIDR, gateway, allocation pools)', async () => {
    const subnet = await subnets.get(session, info.service_subnet_id);
    expect(subnet).toMatchObject({
      id: info.service_subnet_id,
      networkId: info.service_net_id,
      ipVersion: 4,
    });
    expect(subnet.allocationPools.length).toBeGreaterThan(0);
    expect((await subnets.listAll(session, { networkId: info.service_net_id })).map((s) => s.id)).toContain(
      subnet.id,
    );
  });

  it('creates a network and a subnet with allocation pools, a port with a fixed IP, finds and tags them, deletes them', async () => {
    const net = await networks.create(session, { name: `${tag}-net` });
    await tags.replace(session, { resource: 'networks', id: net.id }, [tag]);
    const subnet = await subnets.create(session, {
      networkId: net.id,
      name: `${tag}-subnet`,
      cidr: '192.168.77.0/24',
      ipVersion: 4,
      gatewayIp: null,
      allocationPools: [{ start: '192.168.77.10', end: '192.168.77.20' }],
      enableDhcp: false,
    });
    expect(subnet).toMatchObject({
      gatewayIp: null,
      allocationPools: [{ start: '192.168.77.10', end: '192.168.77.20' }],
    });

    const port = await ports.create(session, {
      networkId: net.id,
      name: `${tag}-port`,
      fixedIps: [{ subnetId: subnet.id, ipAddress: '192.168.77.15' }],
      deviceId: `${tag}-device`,
      deviceOwner: 'compute:kuryr-test',
    });
    const target = { resource: 'ports', id: port.id } as const;
    expect(await tags.replace(session, target, [tag, 'a'])).toEqual(expect.arrayContaining([tag, 'a']));
    await tags.add(session, target, 'b');
    await tags.remove(session, target, 'a');
    expect((await tags.list(session, target)).sort()).toEqual([tag, 'b'].sort());

    const ids = async (filters: ports.PortFilters) =>
      (await ports.listAll(session, filters)).map((p) => p.id);
    expect(await ids({ fixedIps: [{ ipAddress: '192.168.77.15' }], networkId: net.id })).toEqual([port.id]);
    expect(await ids({ fixedIps: [{ subnetId: subnet.id, ipAddress: '192.168.77.15' }] })).toEqual([port.id]);
    expect(await ids({ deviceId: `${tag}-device` })).toEqual([port.id]);
    expect(await ids({ tags: [tag, 'b'] })).toEqual([port.id]);
    expect(await ids({ tags: [tag, 'a'] })).toEqual([]);
    expect(await ids({ tagsAny: ['a', 'b'], networkId: net.id })).toEqual([port.id]);
    expect((await ports.update(session, port.id, { name: 'renamed' })).name).toBe('renamed');

    await ports.delete(session, port.id);
    await subnets.delete(session, subnet.id);
    await networks.delete(session, net.id);
    await expect(ports.get(session, port.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(networks.get(session, net.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('rejects tags in a floating IP POST on this Neutron, which is why createTagged uses description then tags', async () => {
    const probe = session.request({
      service: 'network',
      method: 'POST',
      path: '/v2.0/floatingips',
      body: { floatingip: { floating_network_id: info.public_net_id, tags: [tag], description: tag } },
      operation: 'neutron.floatingip.create',
    });
    await expect(probe).rejects.toMatchObject({ status: 400 });
  });

  it('allocates a floating IP from the public network, finds it, associates, disassociates and releases it', async () => {
    const port = await ports.create(session, {
      networkId: info.service_net_id,
      name: `${tag}-vip`,
      fixedIps: [{ subnetId: info.service_subnet_id, ipAddress: vipAddress() }],
    });
    await tags.replace(session, { resource: 'ports', id: port.id }, [tag]);

    const fip = await floatingips.createTagged(session, {
      networkId: info.public_net_id,
      subnetId: info.public_subnet_id,
      description: tag,
      tags: [tag, 'pool'],
    });
    expect(fip).toMatchObject({ networkId: info.public_net_id, portId: null, description: tag });
    expect([...fip.tags].sort()).toEqual([tag, 'pool'].sort());

    expect((await floatingips.listAll(session, { tags: [tag, 'pool'] })).map((f) => f.id)).toEqual([fip.id]);
    expect((await floatingips.listAll(session, { description: tag })).map((f) => f.id)).toEqual([fip.id]);
    expect((await floatingips.findByAddress(session, fip.address))?.id).toBe(fip.id);
    expect(await floatingips.findByAddress(session, '203.0.113.254')).toBeNull();

    expect((await floatingips.associate(session, fip.id, port.id)).portId).toBe(port.id);
    expect((await floatingips.findByPort(session, port.id)).map((f) => f.id)).toEqual([fip.id]);
    expect((await floatingips.associate(session, fip.id, port.id)).portId).toBe(port.id); // idempotent

    expect((await floatingips.disassociate(session, fip.id)).portId).toBeNull();
    expect(await floatingips.findByPort(session, port.id)).toEqual([]);
    expect((await floatingips.get(session, fip.id)).address).toBe(fip.address);

    await floatingips.delete(session, fip.id);
    await expect(floatingips.get(session, fip.id)).rejects.toBeInstanceOf(NotFoundError);
    await ports.delete(session, port.id);
  });

  it('creates a floating IP bound to a port at once', async () => {
    const port = await ports.create(session, {
      networkId: info.service_net_id,
      name: `${tag}-vip2`,
      fixedIps: [{ subnetId: info.service_subnet_id, ipAddress: vipAddress() }],
    });
    await tags.replace(session, { resource: 'ports', id: port.id }, [tag]);
    const fip = await floatingips.createTagged(session, {
      networkId: info.public_net_id,
      portId: port.id,
      description: tag,
      tags: [tag],
    });
    expect(fip.portId).toBe(port.id);
    expect(fip.fixedIpAddress).toBe(port.fixedIps[0]?.ipAddress);
    await floatingips.delete(session, fip.id);
    await ports.delete(session, port.id);
  });

  it('leaves nothing tagged with the run tag', async () => {
    expect(await floatingips.listAll(session, { tags: [tag] })).toEqual([]);
    expect(await ports.listAll(session, { tags: [tag] })).toEqual([]);
    expect(await networks.listAll(session, { tags: [tag] })).toEqual([]);
  });
});
