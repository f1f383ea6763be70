/**
 * The fake's starting topology, shaped like the test cloud's (scripts/testcloud,
 * test/testcloud/setup_topology.py): a project `k8s` with user `kuryr` (member), an `admin`
 * project and user, an external `public` network 172.24.4.0/24, `pod-net` 10.1.0.0/16 and
 * `service-net` 10.2.0.0/16 (allocation pool 10.2.128.1–10.2.255.253), and `k8s-router`
 * with its gateway on `public` and interfaces on both subnets. Its ids come back with the
 * key names of testcloud.json, so a suite reads either cloud the same way.
 */
import type { KeystoneState } from './keystone.js';
import { insertNetwork } from './neutron/networks.js';
import { attachSubnet, insertRouter } from './neutron/routers.js';
import type { NeutronState } from './neutron/state.js';
import { insertSubnet } from './neutron/subnets.js';
import type { IdSource } from './ids.js';

/** The ids of the seeded topology (testcloud.json's keys). */
export interface FakeCloudInfo {
  readonly project_id: string;
  readonly project_name: string;
  readonly user: string;
  readonly admin_project_id: string;
  readonly pod_net_id: string;
  readonly pod_subnet_id: string;
  readonly service_net_id: string;
  readonly service_subnet_id: string;
  readonly router_id: string;
  readonly public_net_id: string;
  readonly public_subnet_id: string;
}

/** The seeded users' passwords (the fake accepts nothing else). */
export const FAKE_PASSWORDS = { kuryr: 'fake-kuryr-password', admin: 'fake-admin-password' } as const;

function seedUsers(keystone: KeystoneState, ids: IdSource): { project: string; admin: string } {
  const project = { id: ids.hex(32), name: 'k8s' };
  const adminProject = { id: ids.hex(32), name: 'admin' };
  keystone.users.push(
    {
      id: ids.hex(32),
      name: 'kuryr',
      password: FAKE_PASSWORDS.kuryr,
      project,
      roles: ['load-balancer_member', 'member', 'reader'],
      admin: false,
    },
    {
      id: ids.hex(32),
      name: 'admin',
      password: FAKE_PASSWORDS.admin,
      project: adminProject,
      roles: ['admin', 'member', 'reader'],
      admin: true,
    },
  );
  return { project: project.id, admin: adminProject.id };
}

/** What of the topology may differ from the test cloud's. */
export interface TopologyOptions {
  /** The external subnet floating IPs come from (default 172.24.4.0/24, the test cloud's: 253 addresses). */
  readonly publicCidr?: string;
}

/** Seeds users, networks, subnets and the router; returns their ids. */
export function seedTopology(parts: {
  readonly keystone: KeystoneState;
  readonly neutron: NeutronState;
  readonly ids: IdSource;
  readonly options?: TopologyOptions;
}): FakeCloudInfo {
  const { neutron } = parts;
  const projects = seedUsers(parts.keystone, parts.ids);
  const network = (projectId: string, name: string, external = false) =>
    insertNetwork(neutron, { projectId, name, external, mtu: external ? 1500 : 1450 });
  const pub = network(projects.admin, 'public', true);
  const pubSubnet = insertSubnet(neutron, {
    networkId: pub.id,
    projectId: projects.admin,
    name: 'public-subnet',
    cidr: parts.options?.publicCidr ?? '172.24.4.0/24',
    ipVersion: 4,
    body: { enable_dhcp: false },
  });
  const subnet = (netName: string, name: string, cidr: string, body: Record<string, unknown>) => {
    const net = network(projects.project, netName);
    return {
      net,
      sub: insertSubnet(neutron, {
        networkId: net.id,
        projectId: projects.project,
        name,
        cidr,
        ipVersion: 4,
        body,
      }),
    };
  };
  const pod = subnet('pod-net', 'pod-subnet', '10.1.0.0/16', {
    gateway_ip: '10.1.255.254',
    allocation_pools: [{ start: '10.1.0.1', end: '10.1.255.253' }],
    enable_dhcp: false,
  });
  const svc = subnet('service-net', 'service-subnet', '10.2.0.0/16', {
    gateway_ip: '10.2.255.254',
    allocation_pools: [{ start: '10.2.128.1', end: '10.2.255.253' }],
    enable_dhcp: false,
  });
  const router = insertRouter(neutron, {
    projectId: projects.project,
    name: 'k8s-router',
    gatewayNetworkId: pub.id,
  });
  attachSubnet(neutron, router.id, pod.sub.id);
  attachSubnet(neutron, router.id, svc.sub.id);
  return {
    project_id: projects.project,
    project_name: 'k8s',
    user: 'kuryr',
    admin_project_id: projects.admin,
    pod_net_id: pod.net.id,
    pod_subnet_id: pod.sub.id,
    service_net_id: svc.net.id,
    service_subnet_id: svc.sub.id,
    router_id: router.id,
    public_net_id: pub.id,
    public_subnet_id: pubSubnet.id,
  };
}

/**
 * A kuryr.conf for a controller served by the fake cloud described by `info`: its project,
 * pod and service subnets, the public network as Pool floating IP source, L3 members, and
 * `service` lines appended to `[kuryr_services]` (cluster_id, workers, ...).
 */
export function kuryrConfFor(
  info: FakeCloudInfo,
  service: Readonly<Record<string, string | number>>,
): string {
  return [
    '[neutron_defaults]',
    `project = ${info.project_id}`,
    `pod_subnet = ${info.pod_subnet_id}`,
    `service_subnet = ${info.service_subnet_id}`,
    `external_svc_net = ${info.public_net_id}`,
    `external_svc_subnet = ${info.public_subnet_id}`,
    '[octavia_defaults]',
    'member_mode = L3',
    '[kuryr_services]',
    ...Object.entries(service).map(([key, value]) => `${key} = ${value}`),
    '',
  ].join('\n');
}
