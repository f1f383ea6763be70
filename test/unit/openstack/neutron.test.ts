import { describe, expect, it } from 'vitest';
import { parseResponse } from '../../../src/openstack/response.js';
import * as floatingips from '../../../src/openstack/neutron/floatingips.js';
import { networkQuery, networkSchema } from '../../../src/openstack/neutron/networks.js';
import * as ports from '../../../src/openstack/neutron/ports.js';
import { routerSchema } from '../../../src/openstack/neutron/routers.js';
import * as subnets from '../../../src/openstack/neutron/subnets.js';

const label = { service: 'network', operation: 'neutron.test' };
const PROJECT = '5949b6a7fbda488c8b5a8a98c00050a8';

describe('neutron floating IPs', () => {
  it.each([
    [
      { networkId: 'pub', description: 'marker' },
      { floating_network_id: 'pub', description: 'marker' },
    ],
    [
      { networkId: 'pub', subnetId: 'sub', portId: 'port', floatingIpAddress: '172.24.4.5', description: '' },
      {
        floating_network_id: 'pub',
        subnet_id: 'sub',
        port_id: 'port',
        floating_ip_address: '172.24.4.5',
        description: '',
      },
    ],
  ])('create body for %j has no tags (this Neutron rejects them in POST)', (spec, json) => {
    expect(floatingips.buildCreateBody(spec)).toEqual({ floatingip: json });
  });

  it.each([
    [{ portId: 'p' }, { port_id: 'p' }],
    [{ portId: null }, { port_id: null }],
    [{ description: 'd' }, { description: 'd' }],
  ])('update body for %j', (changes, json) => {
    expect(floatingips.buildUpdateBody(changes)).toEqual({ floatingip: json });
  });

  it('maps a floating IP', () => {
    const json = {
      id: 'f',
      tenant_id: PROJECT,
      floating_ip_address: '172.24.4.77',
      floating_network_id: 'pub',
      router_id: 'r',
      port_id: 'vip',
      fixed_ip_address: '10.2.16.4',
      status: 'DOWN',
      project_id: PROJECT,
      description: 'kuryr-services: Service ns/a (uid u)',
      qos_policy_id: null,
      port_details: null,
      tags: ['kuryr-services'],
      port_forwardings: [],
      revision_number: 1,
    };
    expect(parseResponse(floatingips.floatingIpSchema, json, label)).toEqual({
      id: 'f',
      address: '172.24.4.77',
      networkId: 'pub',
      portId: 'vip',
      tags: ['kuryr-services'],
      description: 'kuryr-services: Service ns/a (uid u)',
      fixedIpAddress: '10.2.16.4',
      routerId: 'r',
      status: 'DOWN',
      projectId: PROJECT,
      revision: 1,
    });
    const free = parseResponse(
      floatingips.floatingIpSchema,
      { ...json, port_id: null, router_id: null, fixed_ip_address: null },
      label,
    );
    expect([free.portId, free.routerId, free.fixedIpAddress]).toEqual([null, null, null]);
  });

  it('filters by address, port, network, description and tags', () => {
    expect(
      floatingips.floatingIpQuery({
        floatingIpAddress: '172.24.4.1',
        portId: 'p',
        networkId: 'n',
        description: 'd',
        tags: ['a', 'b'],
        tagsAny: ['c', 'd'],
      }),
    ).toEqual({
      floating_ip_address: '172.24.4.1',
      port_id: 'p',
      floating_network_id: 'n',
      description: 'd',
      tags: 'a,b',
      'tags-any': 'c,d',
    });
  });
});

describe('neutron ports', () => {
  const json = {
    id: '2f45',
    name: '',
    network_id: 'net',
    tenant_id: PROJECT,
    mac_address: 'fa:16:3e:b4:ac:35',
    admin_state_up: true,
    status: 'DOWN',
    device_id: 'router-1',
    device_owner: 'network:router_interface',
    fixed_ips: [{ subnet_id: 'sub', ip_address: '10.1.255.254' }],
    security_groups: ['sg'],
    description: '',
    tags: [],
    project_id: PROJECT,
  };

  it('maps a port', () => {
    expect(parseResponse(ports.portSchema, json, label)).toEqual({
      id: '2f45',
      name: '',
      description: '',
      networkId: 'net',
      deviceId: 'router-1',
      deviceOwner: 'network:router_interface',
      macAddress: 'fa:16:3e:b4:ac:35',
      fixedIps: [{ subnetId: 'sub', ipAddress: '10.1.255.254' }],
      status: 'DOWN',
      securityGroupIds: ['sg'],
      tags: [],
      projectId: PROJECT,
    });
  });

  it('repeats fixed_ips filters and keeps the others', () => {
    expect(
      ports.portQuery({
        deviceId: 'lb',
        deviceOwner: 'Octavia',
        networkId: 'n',
        name: 'x',
        fixedIps: [{ subnetId: 's', ipAddress: '10.2.0.5' }, { ipAddress: '10.2.0.6' }],
      }),
    ).toEqual({
      device_id: 'lb',
      device_owner: 'Octavia',
      network_id: 'n',
      name: 'x',
      fixed_ips: ['subnet_id=s', 'ip_address=10.2.0.5', 'ip_address=10.2.0.6'],
    });
    expect(ports.portQuery({ fixedIps: [] })).toEqual({});
  });

  it('builds create and update bodies', () => {
    expect(
      ports.buildCreateBody({
        networkId: 'n',
        name: 'p',
        description: 'd',
        fixedIps: [{ subnetId: 's' }, { subnetId: 's', ipAddress: '10.2.0.9' }],
        deviceId: 'dev',
        deviceOwner: 'owner',
      }),
    ).toEqual({
      port: {
        network_id: 'n',
        name: 'p',
        description: 'd',
        device_id: 'dev',
        device_owner: 'owner',
        fixed_ips: [{ subnet_id: 's' }, { subnet_id: 's', ip_address: '10.2.0.9' }],
      },
    });
    expect(ports.buildUpdateBody({ name: 'q' })).toEqual({ port: { name: 'q' } });
  });
});

describe('neutron subnets, networks, routers', () => {
  it('maps a subnet with its allocation pools', () => {
    const json = {
      id: 'bd94',
      name: 'service-subnet',
      tenant_id: PROJECT,
      network_id: '52f8',
      ip_version: 4,
      subnetpool_id: null,
      enable_dhcp: false,
      gateway_ip: '10.2.255.254',
      cidr: '10.2.0.0/16',
      allocation_pools: [{ start: '10.2.128.1', end: '10.2.255.253' }],
      host_routes: [],
      dns_nameservers: [],
      description: '',
      service_types: [],
      tags: [],
      project_id: PROJECT,
    };
    expect(parseResponse(subnets.subnetSchema, json, label)).toEqual({
      id: 'bd94',
      name: 'service-subnet',
      description: '',
      networkId: '52f8',
      cidr: '10.2.0.0/16',
      gatewayIp: '10.2.255.254',
      ipVersion: 4,
      allocationPools: [{ start: '10.2.128.1', end: '10.2.255.253' }],
      enableDhcp: false,
      tags: [],
      projectId: PROJECT,
    });
    expect(
      parseResponse(subnets.subnetSchema, { ...json, gateway_ip: null, ip_version: 6 }, label),
    ).toMatchObject({
      gatewayIp: null,
      ipVersion: 6,
    });
    expect(() => parseResponse(subnets.subnetSchema, { ...json, ip_version: 5 }, label)).toThrow(
      /unexpected response/,
    );
  });

  it('builds a subnet create body and query', () => {
    expect(
      subnets.buildCreateBody({
        networkId: 'n',
        name: 's',
        cidr: '10.9.0.0/24',
        ipVersion: 4,
        gatewayIp: null,
        allocationPools: [{ start: '10.9.0.10', end: '10.9.0.20' }],
        enableDhcp: false,
      }),
    ).toEqual({
      subnet: {
        network_id: 'n',
        name: 's',
        cidr: '10.9.0.0/24',
        ip_version: 4,
        gateway_ip: null,
        allocation_pools: [{ start: '10.9.0.10', end: '10.9.0.20' }],
        enable_dhcp: false,
      },
    });
    expect(subnets.subnetQuery({ networkId: 'n', cidr: 'c', ipVersion: 6, name: 'x' })).toEqual({
      network_id: 'n',
      cidr: 'c',
      ip_version: 6,
      name: 'x',
    });
  });

  it('maps a network and filters external ones', () => {
    const json = {
      id: '4809',
      name: 'public',
      admin_state_up: true,
      mtu: 1500,
      status: 'ACTIVE',
      subnets: ['e8fd'],
      shared: false,
      'router:external': true,
      description: '',
      tags: [],
      project_id: 'admin',
    };
    expect(parseResponse(networkSchema, json, label)).toEqual({
      id: '4809',
      name: 'public',
      description: '',
      status: 'ACTIVE',
      subnetIds: ['e8fd'],
      external: true,
      shared: false,
      mtu: 1500,
      tags: [],
      projectId: 'admin',
    });
    expect(networkQuery({ external: true, name: 'public' })).toEqual({
      'router:external': true,
      name: 'public',
    });
  });

  it('maps a router with and without a gateway', () => {
    const json = {
      id: '9ed6',
      name: 'k8s-router',
      admin_state_up: true,
      status: 'ACTIVE',
      external_gateway_info: {
        network_id: '4809',
        external_fixed_ips: [{ subnet_id: 'e8fd', ip_address: '172.24.4.136' }],
        enable_snat: true,
      },
      description: '',
      tags: ['x'],
      project_id: PROJECT,
    };
    expect(parseResponse(routerSchema, json, label)).toEqual({
      id: '9ed6',
      name: 'k8s-router',
      description: '',
      status: 'ACTIVE',
      adminStateUp: true,
      externalGateway: { networkId: '4809', fixedIps: [{ subnetId: 'e8fd', ipAddress: '172.24.4.136' }] },
      tags: ['x'],
      projectId: PROJECT,
    });
    expect(
      parseResponse(routerSchema, { ...json, external_gateway_info: null }, label).externalGateway,
    ).toBeNull();
  });
});
