import { anOwner } from '../../support/builders.js';
import { describe, expect, it } from 'vitest';
import type { ServiceRef } from '../../../src/core/model.js';
import { loadBalancerDescription } from '../../../src/core/naming.js';
import { ownershipTags } from '../../../src/core/ownership.js';
import { observeService } from '../../../src/openstack/observe.js';
import { UnexpectedResponseError } from '../../../src/openstack/response.js';
import type { OpenStackRequest } from '../../../src/openstack/session.js';
import { ScriptedSession } from './octavia-fake-session.js';
import { LB_JSON, LISTENER_JSON, MEMBER_JSON, POOL_JSON } from './octavia-fixtures.js';

const service: ServiceRef = { namespace: 'ns', name: 'web', uid: 'uid-1' };
const tags = ownershipTags(anOwner('c1'), service);
const fip = (id: string, extra: Record<string, unknown>) => ({
  id,
  floating_ip_address: `172.24.4.${id.length}`,
  floating_network_id: 'public',
  port_id: null,
  status: 'DOWN',
  project_id: 'p',
  description: '',
  tags: [],
  ...extra,
});

/** A project holding one tagged LB (one listener, one pool, one member) and three floating IPs. */
function cloud(overrides: { listener?: Record<string, unknown> } = {}) {
  const lb = {
    ...LB_JSON,
    id: 'lb-1',
    name: 'ks-ns-web',
    tags,
    provisioning_status: 'ACTIVE',
    vip_port_id: 'vip-1',
  };
  const listener = { ...LISTENER_JSON, id: 'l-1', default_pool_id: 'p-1', ...overrides.listener };
  const pool = { ...POOL_JSON, id: 'p-1', listeners: [{ id: 'l-1' }], members: [{ id: 'm-1' }] };
  const fips: Record<string, unknown>[] = [
    // Of an earlier incarnation: a tagged one of uid-1 would answer uid-1's marker query (observe.ts coveredBy).
    fip('tagged', { tags: ownershipTags(anOwner('c1'), { ...service, uid: 'uid-0' }) }),
    fip('marker-untagged', { description: loadBalancerDescription(anOwner('c1'), service) }),
    fip('user-on-vip', { port_id: 'vip-1' }),
    fip('users-own', { floating_ip_address: '172.24.4.200' }),
  ];
  const matches = (f: Record<string, unknown>, q: OpenStackRequest['query']) =>
    (q?.tags === undefined || (Array.isArray(f.tags) && f.tags.length > 0)) &&
    (q?.description === undefined || f.description === q.description) &&
    (q?.port_id === undefined || f.port_id === q.port_id) &&
    (q?.floating_ip_address === undefined || f.floating_ip_address === q.floating_ip_address);
  return new ScriptedSession((req) => {
    const path = req.path;
    if (path === '/v2/lbaas/loadbalancers') return { status: 200, body: { loadbalancers: [lb] } };
    if (path === '/v2/lbaas/listeners') return { status: 200, body: { listeners: [listener] } };
    if (path === '/v2/lbaas/pools') return { status: 200, body: { pools: [pool] } };
    if (path === '/v2/lbaas/pools/p-1/members')
      return { status: 200, body: { members: [{ ...MEMBER_JSON, id: 'm-1' }] } };
    if (path === '/v2.0/floatingips')
      return { status: 200, body: { floatingips: fips.filter((f) => matches(f, req.query)) } };
    return { status: 404 };
  });
}

describe('observeService (scripted cloud)', () => {
  it('maps the tree and the floating IPs to the model, deduplicated', async () => {
    const observed = await observeService({
      session: cloud(),
      owner: anOwner('c1'),
      projectId: 'p',
      service,
      loadBalancerName: 'ks-ns-web',
      userFloatingIpAddress: '172.24.4.200',
    });
    expect(observed.loadBalancers).toEqual([
      {
        id: 'lb-1',
        name: 'ks-ns-web',
        vipAddress: LB_JSON.vip_address,
        vipSubnetId: LB_JSON.vip_subnet_id,
        vipPortId: 'vip-1',
        provider: 'amphora',
        provisioningStatus: 'ACTIVE',
        operatingStatus: 'OFFLINE',
        tags,
        flavorId: null,
        availabilityZone: null,
        version: LB_JSON.updated_at,
        listeners: [
          {
            id: 'l-1',
            name: 'l-tcp',
            protocol: 'TCP',
            protocolPort: 80,
            allowedCidrs: ['10.0.0.0/8'],
            timeoutClientData: 10000,
            timeoutMemberData: 20000,
            defaultPoolId: 'p-1',
            tags: ['l', 'probe'],
            provisioningStatus: 'ACTIVE',
          },
        ],
        pools: [
          {
            id: 'p-1',
            name: 'p-tcp',
            protocol: 'TCP',
            lbAlgorithm: 'ROUND_ROBIN',
            sessionPersistence: { type: 'SOURCE_IP' },
            listenerId: 'l-1',
            tags: ['p'],
            provisioningStatus: 'ACTIVE',
            members: [
              {
                id: 'm-1',
                name: 'm-10.1.0.5',
                address: '10.1.0.5',
                protocolPort: 8080,
                subnetId: MEMBER_JSON.subnet_id,
                tags: ['m'],
                provisioningStatus: 'PENDING_CREATE',
              },
            ],
          },
        ],
      },
    ]);
    expect(observed.floatingIps.map((f) => [f.id, f.tags.length > 0])).toEqual([
      ['marker-untagged', true], // adopted: our description marker, tagging never completed
      ['tagged', true],
      ['user-on-vip', false], // on our VIP port: returned for the planner to release
    ]);
    expect(observed.userFloatingIp).toMatchObject({ id: 'users-own', portId: null, tags: [] });
  });

  it('reports a user floating IP that does not exist as null', async () => {
    const observed = await observeService({
      session: cloud(),
      owner: anOwner('c1'),
      projectId: 'p',
      service,
      loadBalancerName: 'x',
      userFloatingIpAddress: '198.51.100.1',
    });
    expect(observed.userFloatingIp).toBeNull();
  });

  it('fails typed on a listener protocol the model does not know', async () => {
    const session = cloud({ listener: { protocol: 'TERMINATED_HTTPS' } });
    await expect(
      observeService({ session, owner: anOwner('c1'), projectId: 'p', service, loadBalancerName: 'x' }),
    ).rejects.toBeInstanceOf(UnexpectedResponseError);
  });
});
