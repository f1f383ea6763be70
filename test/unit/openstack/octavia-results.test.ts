import { describe, expect, it } from 'vitest';
import { UnexpectedResponseError, parseResponse } from '../../../src/openstack/response.js';
import { healthMonitorSchema } from '../../../src/openstack/octavia/healthmonitors.js';
import { listenerSchema } from '../../../src/openstack/octavia/listeners.js';
import { loadBalancerSchema } from '../../../src/openstack/octavia/loadbalancers.js';
import { memberSchema } from '../../../src/openstack/octavia/members.js';
import { poolSchema } from '../../../src/openstack/octavia/pools.js';
import { statusTreeSchema } from '../../../src/openstack/octavia/statuses.js';
import { LB_JSON, LISTENER_JSON, MEMBER_JSON, POOL_JSON, STATUS_JSON } from './octavia-fixtures.js';

const label = { service: 'load-balancer', operation: 'octavia.test' };

describe('octavia results', () => {
  it('maps a load balancer', () => {
    expect(parseResponse(loadBalancerSchema, LB_JSON, label)).toEqual({
      id: 'e5523271-8dfe-4e14-9a5a-e43e4574ebff',
      name: 'graph-3',
      description: 'd',
      vipAddress: '10.2.129.45',
      vipSubnetId: 'bd94220f-2ae7-4d5c-82cb-54839216e9ef',
      vipPortId: 'e9655b00-221b-427d-aa4d-91ec910bc29b',
      vipNetworkId: '52f8d87e-2a74-48cb-af3a-a59d53a62024',
      provider: 'amphora',
      projectId: '5949b6a7fbda488c8b5a8a98c00050a8',
      provisioningStatus: 'PENDING_DELETE',
      operatingStatus: 'OFFLINE',
      tags: ['a', 'b'],
      listenerIds: ['l-1'],
      poolIds: ['p-1', 'p-2'],
      flavorId: null,
      availabilityZone: null,
      version: LB_JSON.updated_at,
    });
  });

  it('maps a listener (CIDRs, timeouts, default pool)', () => {
    expect(parseResponse(listenerSchema, LISTENER_JSON, label)).toEqual({
      id: '8d77e4c1-e077-464d-bc2f-e98f9b19bd90',
      name: 'l-tcp',
      description: '',
      protocol: 'TCP',
      protocolPort: 80,
      allowedCidrs: ['10.0.0.0/8'],
      timeoutClientData: 10000,
      timeoutMemberData: 20000,
      defaultPoolId: '5f580e45-ee89-42ab-a739-4e30b7093d22',
      tags: ['l', 'probe'],
      provisioningStatus: 'ACTIVE',
      loadBalancerIds: ['f0f06f64-bc80-4c5f-889f-ea826dd51cc4'],
      operatingStatus: 'OFFLINE',
    });
  });

  it('reads allowed_cidrs null as no restriction and a missing pool as null', () => {
    const parsed = parseResponse(
      listenerSchema,
      { ...LISTENER_JSON, allowed_cidrs: null, default_pool_id: null, tags: null },
      label,
    );
    expect([parsed.allowedCidrs, parsed.defaultPoolId, parsed.tags]).toEqual([[], null, []]);
  });

  it('maps a pool (persistence, listener, members)', () => {
    expect(parseResponse(poolSchema, POOL_JSON, label)).toEqual({
      id: '5f580e45-ee89-42ab-a739-4e30b7093d22',
      name: 'p-tcp',
      description: '',
      protocol: 'TCP',
      lbAlgorithm: 'ROUND_ROBIN',
      sessionPersistence: { type: 'SOURCE_IP' },
      listenerId: '8d77e4c1-e077-464d-bc2f-e98f9b19bd90',
      tags: ['p'],
      provisioningStatus: 'ACTIVE',
      memberIds: ['m-1', 'm-2'],
      loadBalancerIds: ['f0f06f64-bc80-4c5f-889f-ea826dd51cc4'],
      healthMonitorId: null,
      operatingStatus: 'OFFLINE',
    });
    const bare = parseResponse(poolSchema, { ...POOL_JSON, session_persistence: null, listeners: [] }, label);
    expect([bare.sessionPersistence, bare.listenerId]).toEqual([null, null]);
  });

  it('maps a member', () => {
    expect(parseResponse(memberSchema, MEMBER_JSON, label)).toEqual({
      id: 'b3a8f111-2e85-4abe-82ed-d2202c2724dd',
      name: 'm-10.1.0.5',
      address: '10.1.0.5',
      protocolPort: 8080,
      subnetId: '2784c253-853a-43ee-a426-2c1b4f8227db',
      tags: ['m'],
      provisioningStatus: 'PENDING_CREATE',
      operatingStatus: 'NO_MONITOR',
      poolId: null,
      weight: 1,
      backup: false,
    });
    expect(parseResponse(memberSchema, { ...MEMBER_JSON, subnet_id: null }, label).subnetId).toBeNull();
  });

  it('maps a health monitor', () => {
    const json = {
      id: 'hm',
      name: 'n',
      type: 'TCP',
      delay: 5,
      timeout: 3,
      max_retries: 2,
      max_retries_down: 3,
      pools: [{ id: 'p' }],
      tags: [],
      provisioning_status: 'ACTIVE',
      operating_status: 'ONLINE',
    };
    expect(parseResponse(healthMonitorSchema, json, label)).toEqual({
      id: 'hm',
      name: 'n',
      type: 'TCP',
      delay: 5,
      timeout: 3,
      maxRetries: 2,
      maxRetriesDown: 3,
      poolIds: ['p'],
      tags: [],
      provisioningStatus: 'ACTIVE',
      operatingStatus: 'ONLINE',
    });
  });

  it('maps the status tree', () => {
    const tree = parseResponse(statusTreeSchema, STATUS_JSON, label);
    expect(tree.listeners[0]?.pools[0]?.members[0]).toEqual({
      id: 'm',
      name: 'm-10.1.0.5',
      provisioningStatus: 'ACTIVE',
      operatingStatus: 'NO_MONITOR',
      address: '10.1.0.5',
      protocolPort: 8080,
    });
    expect(tree.provisioningStatus).toBe('ACTIVE');
  });

  it('maps a load balancer whose VIP fields are gone (PENDING_DELETE) to an empty VIP', () => {
    const json = { ...LB_JSON, vip_address: undefined, vip_subnet_id: null };
    const lb = parseResponse(loadBalancerSchema, json, label);
    expect(lb.vipAddress).toBe('');
    expect(lb.vipSubnetId).toBe('');
  });

  it.each([
    ['unknown provisioning status', loadBalancerSchema, { ...LB_JSON, provisioning_status: 'PENDING_MAGIC' }],
    ['HTTP listener', listenerSchema, { ...LISTENER_JSON, protocol: 'HTTP' }],
    ['PROXY pool', poolSchema, { ...POOL_JSON, protocol: 'PROXY' }],
    ['APP_COOKIE persistence', poolSchema, { ...POOL_JSON, session_persistence: { type: 'APP_COOKIE' } }],
    ['unknown algorithm', poolSchema, { ...POOL_JSON, lb_algorithm: 'RANDOM' }],
    ['member without address', memberSchema, { ...MEMBER_JSON, address: undefined }],
  ] as const)('%s → UnexpectedResponseError naming the operation', (_what, schema, json) => {
    expect(() => parseResponse(schema, json, label)).toThrow(UnexpectedResponseError);
    expect(() => parseResponse(schema, json, label)).toThrow(
      /load-balancer octavia\.test returned an unexpected response/,
    );
  });
});
