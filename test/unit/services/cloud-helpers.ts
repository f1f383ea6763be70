/**
 * What reconciler tests do to the fake cloud by hand (as an operator or a user would):
 * delete a load balancer, allocate a user's floating IP, put a port on the pod network, make a
 * second service network. Through our own session, like any OpenStack client.
 */
import type { OpenStackSession } from '../../../src/openstack/session.js';
import type { World } from './world.js';

async function call<T>(
  session: OpenStackSession,
  req: {
    service: 'network' | 'load-balancer';
    method: 'POST' | 'PUT' | 'DELETE';
    path: string;
    body?: unknown;
    query?: Record<string, string | boolean>;
  },
): Promise<T> {
  const res = await session.request<T>({ ...req, operation: 'test.by-hand' });
  return res.body;
}

/** Deletes load balancer `id` (cascade) by hand and lets Octavia finish. */
export async function deleteByHand(w: World, id: string): Promise<void> {
  await call(w.session, {
    service: 'load-balancer',
    method: 'DELETE',
    path: `/v2/lbaas/loadbalancers/${id}`,
    query: { cascade: true },
  });
  await w.settle();
}

/** A floating IP the user allocated (untagged), optionally bound to `portId`. */
export async function userFloatingIp(w: World, portId?: string): Promise<{ id: string; address: string }> {
  const body = {
    floatingip: {
      floating_network_id: w.fake.info.public_net_id,
      ...(portId === undefined ? {} : { port_id: portId }),
    },
  };
  const r = await call<{ floatingip: { id: string; floating_ip_address: string } }>(w.session, {
    service: 'network',
    method: 'POST',
    path: '/v2.0/floatingips',
    body,
  });
  return { id: r.floatingip.id, address: r.floatingip.floating_ip_address };
}

/** A port of some VM on the pod network. */
export async function vmPort(w: World): Promise<string> {
  const r = await call<{ port: { id: string } }>(w.session, {
    service: 'network',
    method: 'POST',
    path: '/v2.0/ports',
    body: { port: { network_id: w.fake.info.pod_net_id, name: 'a-vm' } },
  });
  return r.port.id;
}

/** A second service network and subnet with the same range, routed to the external network. */
export async function secondServiceSubnet(w: World): Promise<string> {
  const net = await call<{ network: { id: string } }>(w.session, {
    service: 'network',
    method: 'POST',
    path: '/v2.0/networks',
    body: { network: { name: 'service-net-2' } },
  });
  const subnet = await call<{ subnet: { id: string } }>(w.session, {
    service: 'network',
    method: 'POST',
    path: '/v2.0/subnets',
    body: {
      subnet: {
        network_id: net.network.id,
        cidr: '10.2.0.0/16',
        gateway_ip: '10.2.255.254',
        ip_version: 4,
        allocation_pools: [{ start: '10.2.128.1', end: '10.2.255.253' }],
      },
    },
  });
  const router = await call<{ router: { id: string } }>(w.session, {
    service: 'network',
    method: 'POST',
    path: '/v2.0/routers',
    body: { router: { name: 'router-2', external_gateway_info: { network_id: w.fake.info.public_net_id } } },
  });
  await call(w.session, {
    service: 'network',
    method: 'PUT',
    path: `/v2.0/routers/${router.router.id}/add_router_interface`,
    body: { subnet_id: subnet.subnet.id },
  });
  return subnet.subnet.id;
}

/** A floating IP made by hand with `description` and `tags` (the tags PUT after the POST, as Neutron wants). */
export async function markedFloatingIp(
  w: World,
  spec: { readonly description?: string; readonly tags?: readonly string[]; readonly portId?: string },
): Promise<string> {
  const r = await call<{ floatingip: { id: string } }>(w.session, {
    service: 'network',
    method: 'POST',
    path: '/v2.0/floatingips',
    body: {
      floatingip: {
        floating_network_id: w.fake.info.public_net_id,
        description: spec.description ?? '',
        ...(spec.portId === undefined ? {} : { port_id: spec.portId }),
      },
    },
  });
  if (spec.tags !== undefined && spec.tags.length > 0) {
    await call(w.session, {
      service: 'network',
      method: 'PUT',
      path: `/v2.0/floatingips/${r.floatingip.id}/tags`,
      body: { tags: spec.tags },
    });
  }
  return r.floatingip.id;
}

/** A load balancer made by hand with `tags` (ours, or a look-alike), settled ACTIVE. */
export async function handMadeLoadBalancer(
  w: World,
  spec: { readonly name: string; readonly tags: readonly string[]; readonly vipAddress: string },
): Promise<{ id: string; vipPortId: string }> {
  const r = await call<{ loadbalancer: { id: string; vip_port_id: string } }>(w.session, {
    service: 'load-balancer',
    method: 'POST',
    path: '/v2/lbaas/loadbalancers',
    body: {
      loadbalancer: {
        name: spec.name,
        vip_subnet_id: w.fake.info.service_subnet_id,
        vip_address: spec.vipAddress,
        tags: spec.tags,
      },
    },
  });
  await w.settle();
  return { id: r.loadbalancer.id, vipPortId: r.loadbalancer.vip_port_id };
}
