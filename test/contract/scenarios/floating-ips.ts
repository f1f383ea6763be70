/**
 * Scenario: a floating IP's life on a plain port of the service subnet, through the executor's
 * Neutron actions. Create bound to the port (description marker, then tags), a second one on
 * the same fixed IP (409), disassociate, associate again, replace tags, add and remove one
 * tag (404 for a missing one), tags refused in a POST (400), a port no router reaches (404),
 * the port deleted under the floating IP (unbound), release, and release again (done: the
 * executor treats 404 as gone).
 */
import * as floatingips from '../../../src/openstack/neutron/floatingips.js';
import * as networks from '../../../src/openstack/neutron/networks.js';
import * as ports from '../../../src/openstack/neutron/ports.js';
import * as subnets from '../../../src/openstack/neutron/subnets.js';
import * as tags from '../../../src/openstack/neutron/tags.js';
import { failure } from '../names.js';
import { executed, run, type ScenarioContext } from './common.js';

async function fipState(ctx: ScenarioContext, id: string): Promise<unknown> {
  const f = await floatingips.get(ctx.target.session, id);
  return ctx.names.norm({
    portId: f.portId,
    fixedIpAddress: f.fixedIpAddress,
    routerId: f.routerId,
    networkId: f.networkId,
    status: f.status,
    description: f.description,
    tags: [...f.tags].sort(),
  });
}

async function unreachable(ctx: ScenarioContext): Promise<unknown> {
  const { session, info } = ctx.target;
  const net = await networks.create(session, { name: `${ctx.tag}-net` });
  try {
    const subnet = await subnets.create(session, {
      networkId: net.id,
      name: `${ctx.tag}-sub`,
      cidr: '192.168.78.0/24',
      ipVersion: 4,
      enableDhcp: false,
    });
    const port = await ports.create(session, { networkId: net.id, name: `${ctx.tag}-lonely` });
    try {
      const attempt = floatingips.create(session, {
        networkId: info.public_net_id,
        portId: port.id,
        description: ctx.tag,
      });
      ctx.names.name(subnet.id, 'lonely-subnet');
      return await failure(attempt);
    } finally {
      await ports.delete(session, port.id);
    }
  } finally {
    await networks.delete(session, net.id);
  }
}

async function tagging(ctx: ScenarioContext, id: string): Promise<Record<string, unknown>> {
  const { session } = ctx.target;
  const target = { resource: 'floatingips', id } as const;
  const out: Record<string, unknown> = {};
  out.retag = executed(
    await run(ctx, [{ kind: 'tagFloatingIp', floatingIpId: id, tags: [ctx.tag, 'pool', 'extra'] }]),
  );
  await tags.add(session, target, 'one-more');
  await tags.add(session, target, 'one-more');
  out.afterAdd = ctx.names.norm(await tags.list(session, target));
  await tags.remove(session, target, 'one-more');
  out.removeMissing = await failure(tags.remove(session, target, 'one-more'));
  out.afterRemove = ctx.names.norm(await tags.list(session, target));
  out.byTags = ctx.names.set(
    (await floatingips.listAll(session, { tags: [ctx.tag, 'extra'] })).map((f) => f.id),
  );
  return out;
}

/** Runs the scenario; resolves with its normalized trace. */
export async function floatingIpLifecycle(ctx: ScenarioContext): Promise<Record<string, unknown>> {
  const { session, info } = ctx.target;
  const out: Record<string, unknown> = {};
  const fixed = ctx.names.name(ctx.vip(10), 'port-ip');
  const port = await ports.create(session, {
    networkId: info.service_net_id,
    name: `${ctx.tag}-port`,
    fixedIps: [{ subnetId: info.service_subnet_id, ipAddress: fixed }],
  });
  ctx.names.name(port.id, 'port');
  await tags.replace(session, { resource: 'ports', id: port.id }, [ctx.tag]);
  const spec = { networkId: info.public_net_id, description: ctx.tag, tags: [ctx.tag, 'pool'] };
  out.create = executed(
    await run(ctx, [{ kind: 'createFloatingIp', ...spec, port: { kind: 'port', portId: port.id } }]),
  );
  const [fip] = await floatingips.listAll(session, { tags: [ctx.tag] });
  const id = ctx.names.name(fip?.id, 'fip');
  ctx.names.name(fip?.address, 'fip-address');
  out.created = await fipState(ctx, id);
  out.byPort = ctx.names.set((await floatingips.findByPort(session, port.id)).map((f) => f.id));
  out.byAddress = ctx.names.text(
    (await floatingips.findByAddress(session, fip?.address ?? ''))?.id ?? 'none',
  );
  out.secondOnSamePort = await failure(
    floatingips.create(session, { networkId: info.public_net_id, portId: port.id, description: ctx.tag }),
  );
  out.onlyOne = (await floatingips.listAll(session, { description: ctx.tag })).length;
  out.tagsInPost = await failure(
    session.request({
      service: 'network',
      method: 'POST',
      path: '/v2.0/floatingips',
      body: {
        floatingip: { floating_network_id: info.public_net_id, tags: [ctx.tag], description: ctx.tag },
      },
      operation: 'neutron.floatingip.create',
    }),
  );
  out.unreachable = await unreachable(ctx);
  out.disassociate = executed(await run(ctx, [{ kind: 'disassociateFloatingIp', floatingIpId: id }]));
  out.disassociated = await fipState(ctx, id);
  out.associate = executed(
    await run(ctx, [
      { kind: 'associateFloatingIp', floatingIpId: id, port: { kind: 'port', portId: port.id } },
    ]),
  );
  out.associated = await fipState(ctx, id);
  out.tags = await tagging(ctx, id);
  await ports.delete(session, port.id);
  out.portDeleted = await fipState(ctx, id);
  out.release = executed(await run(ctx, [{ kind: 'deleteFloatingIp', floatingIpId: id }]));
  out.afterRelease = await failure(floatingips.get(session, id));
  out.releaseAgain = executed(await run(ctx, [{ kind: 'deleteFloatingIp', floatingIpId: id }]));
  out.portGone = await failure(ports.get(session, port.id));
  return out;
}
