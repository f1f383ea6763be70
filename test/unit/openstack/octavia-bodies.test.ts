import { describe, expect, it } from 'vitest';
import type { BatchMember } from '../../../src/core/plan/actions.js';
import type { DesiredListener, DesiredLoadBalancer } from '../../../src/core/model.js';
import * as healthmonitors from '../../../src/openstack/octavia/healthmonitors.js';
import * as listeners from '../../../src/openstack/octavia/listeners.js';
import * as loadbalancers from '../../../src/openstack/octavia/loadbalancers.js';
import * as members from '../../../src/openstack/octavia/members.js';
import * as pools from '../../../src/openstack/octavia/pools.js';

const tcp: DesiredListener = {
  name: 'ns/web:TCP:80',
  protocol: 'TCP',
  protocolPort: 80,
  allowedCidrs: ['10.0.0.0/8', '192.168.0.0/16'],
  timeoutClientData: 10000,
  timeoutMemberData: 20000,
  tags: ['t-l'],
  pool: {
    name: 'ns/web:TCP:80',
    protocol: 'TCP',
    lbAlgorithm: 'SOURCE_IP_PORT',
    sessionPersistence: { type: 'SOURCE_IP' },
    tags: ['t-p'],
    members: [
      { name: 'ns/a:8080', address: '10.1.0.5', protocolPort: 8080, subnetId: 'pod-subnet', tags: ['t-m'] },
      { name: 'ns/b:8080', address: '10.1.0.6', protocolPort: 8080, tags: ['t-m'] },
    ],
  },
};

const udp: DesiredListener = {
  name: 'ns/web:UDP:53',
  protocol: 'UDP',
  protocolPort: 53,
  allowedCidrs: [],
  timeoutClientData: null,
  timeoutMemberData: null,
  tags: [],
  pool: {
    name: 'p-udp',
    protocol: 'UDP',
    lbAlgorithm: 'ROUND_ROBIN',
    sessionPersistence: null,
    tags: [],
    members: [],
  },
};

const desired: DesiredLoadBalancer = {
  service: { namespace: 'ns', name: 'web', uid: 'u-1' },
  name: 'ks/ns/web',
  description: 'kuryr-services: Service ns/web (uid u-1)',
  vipAddress: '10.2.16.10',
  vipSubnetId: 'svc-subnet',
  provider: 'ovn',
  listeners: [tcp, udp],
  tags: ['kuryr-services', 't-lb'],
  floatingIp: null,
};

describe('octavia fully-populated load balancer body', () => {
  it('nests listeners → default_pool → members with every field, names and tags at each level', () => {
    expect(loadbalancers.buildCreateBody(desired)).toEqual({
      loadbalancer: {
        name: 'ks/ns/web',
        description: 'kuryr-services: Service ns/web (uid u-1)',
        vip_address: '10.2.16.10',
        vip_subnet_id: 'svc-subnet',
        provider: 'ovn',
        tags: ['kuryr-services', 't-lb'],
        listeners: [
          {
            name: 'ns/web:TCP:80',
            protocol: 'TCP',
            protocol_port: 80,
            tags: ['t-l'],
            allowed_cidrs: ['10.0.0.0/8', '192.168.0.0/16'],
            timeout_client_data: 10000,
            timeout_member_data: 20000,
            default_pool: {
              name: 'ns/web:TCP:80',
              protocol: 'TCP',
              lb_algorithm: 'SOURCE_IP_PORT',
              session_persistence: { type: 'SOURCE_IP' },
              tags: ['t-p'],
              members: [
                {
                  name: 'ns/a:8080',
                  address: '10.1.0.5',
                  protocol_port: 8080,
                  subnet_id: 'pod-subnet',
                  tags: ['t-m'],
                },
                { name: 'ns/b:8080', address: '10.1.0.6', protocol_port: 8080, tags: ['t-m'] },
              ],
            },
          },
          {
            // empty CIDRs, null timeouts, no persistence and no members are left out: Octavia's defaults
            name: 'ns/web:UDP:53',
            protocol: 'UDP',
            protocol_port: 53,
            tags: [],
            default_pool: { name: 'p-udp', protocol: 'UDP', lb_algorithm: 'ROUND_ROBIN', tags: [] },
          },
        ],
      },
    });
  });

  it('builds a load balancer update with only the given fields', () => {
    expect(loadbalancers.buildUpdateBody({})).toEqual({ loadbalancer: {} });
    expect(loadbalancers.buildUpdateBody({ name: 'n', description: 'd', tags: ['a'] })).toEqual({
      loadbalancer: { name: 'n', description: 'd', tags: ['a'] },
    });
  });
});

describe('octavia listener bodies', () => {
  it('creates a listener on an existing LB without nesting its pool (Octavia 11 answers 500 to that)', () => {
    const body = listeners.buildCreateBody('lb-1', udp);
    expect(body.listener.loadbalancer_id).toBe('lb-1');
    expect(body.listener.protocol).toBe('UDP');
    expect('default_pool' in body.listener).toBe(false);
  });

  it.each([
    [{ allowedCidrs: [] }, { allowed_cidrs: null }],
    [{ allowedCidrs: ['1.2.3.0/24'] }, { allowed_cidrs: ['1.2.3.0/24'] }],
    [
      { timeoutClientData: null, timeoutMemberData: 7 },
      { timeout_client_data: null, timeout_member_data: 7 },
    ],
    [
      { name: 'x', tags: ['t'] },
      { name: 'x', tags: ['t'] },
    ],
    [{}, {}],
  ] as const)('update %j → %j', (changes, json) => {
    expect(listeners.buildUpdateBody(changes)).toEqual({ listener: json });
  });
});

describe('octavia pool bodies', () => {
  it('creates a pool for a listener without its members (Octavia 11 fails on nested members there)', () => {
    expect(pools.buildCreateBody('l-1', tcp.pool)).toEqual({
      pool: {
        listener_id: 'l-1',
        name: 'ns/web:TCP:80',
        protocol: 'TCP',
        lb_algorithm: 'SOURCE_IP_PORT',
        session_persistence: { type: 'SOURCE_IP' },
        tags: ['t-p'],
      },
    });
  });

  it.each([
    [{ lbAlgorithm: 'LEAST_CONNECTIONS' }, { lb_algorithm: 'LEAST_CONNECTIONS' }],
    [{ sessionPersistence: null }, { session_persistence: null }],
    [{ sessionPersistence: { type: 'SOURCE_IP' } }, { session_persistence: { type: 'SOURCE_IP' } }],
    [
      { name: 'p', tags: [] },
      { name: 'p', tags: [] },
    ],
  ] as const)('update %j → %j', (changes, json) => {
    expect(pools.buildUpdateBody(changes)).toEqual({ pool: json });
  });
});

describe('octavia member batch body', () => {
  it('sends wanted and foreign members alike, foreign ones exactly as observed', () => {
    const foreign = members.keepMember({
      id: 'm-9',
      name: 'someone-else',
      address: '10.1.9.9',
      protocolPort: 9999,
      subnetId: null,
      tags: [],
      provisioningStatus: 'ACTIVE',
    });
    const batch: BatchMember[] = [...tcp.pool.members, foreign];
    expect(members.buildBatchBody(batch)).toEqual({
      members: [
        {
          name: 'ns/a:8080',
          address: '10.1.0.5',
          protocol_port: 8080,
          subnet_id: 'pod-subnet',
          tags: ['t-m'],
        },
        { name: 'ns/b:8080', address: '10.1.0.6', protocol_port: 8080, tags: ['t-m'] },
        { name: 'someone-else', address: '10.1.9.9', protocol_port: 9999, tags: [] },
      ],
    });
    expect(members.buildBatchBody([])).toEqual({ members: [] });
  });

  it('keeps an observed member subnet', () => {
    const kept = members.keepMember({
      id: 'm',
      name: 'n',
      address: 'a',
      protocolPort: 1,
      subnetId: 's',
      tags: ['x'],
      provisioningStatus: 'ERROR',
    });
    expect(kept).toEqual({
      name: 'n',
      address: 'a',
      protocolPort: 1,
      subnetId: 's',
      tags: ['x'],
      foreign: true,
    });
  });
});

describe('octavia health monitor bodies', () => {
  it('creates and updates with Octavia field names', () => {
    const spec = {
      poolId: 'p',
      name: 'hm',
      type: 'TCP',
      delay: 5,
      timeout: 3,
      maxRetries: 2,
      tags: ['t'],
    } as const;
    expect(healthmonitors.buildCreateBody({ ...spec, maxRetriesDown: 4 })).toEqual({
      healthmonitor: {
        pool_id: 'p',
        type: 'TCP',
        name: 'hm',
        delay: 5,
        timeout: 3,
        max_retries: 2,
        max_retries_down: 4,
        tags: ['t'],
      },
    });
    expect(healthmonitors.buildUpdateBody({ delay: 9 })).toEqual({ healthmonitor: { delay: 9 } });
  });
});

describe('octavia list filters', () => {
  it.each([
    [
      loadbalancers.loadBalancerQuery({
        tags: ['a', 'b'],
        tagsAny: ['c'],
        name: 'n',
        vipAddress: '10.2.0.1',
        projectId: 'p',
        limit: 5,
        marker: 'm',
      }),
      {
        tags: 'a,b',
        'tags-any': 'c',
        name: 'n',
        vip_address: '10.2.0.1',
        project_id: 'p',
        limit: 5,
        marker: 'm',
      },
    ],
    [loadbalancers.loadBalancerQuery({ tags: [] }), {}],
    [
      listeners.listenerQuery({ loadBalancerId: 'lb', protocol: 'TCP', protocolPort: 80 }),
      { loadbalancer_id: 'lb', protocol: 'TCP', protocol_port: 80 },
    ],
    [pools.poolQuery({ loadBalancerId: 'lb', name: 'p' }), { loadbalancer_id: 'lb', name: 'p' }],
    [
      members.memberQuery({ address: '10.1.0.1', protocolPort: 80, tags: ['x'] }),
      { address: '10.1.0.1', protocol_port: 80, tags: 'x' },
    ],
    [healthmonitors.healthMonitorQuery({ poolId: 'p' }), { pool_id: 'p' }],
  ])('%j', (query, expected) => {
    expect(query).toEqual(expected);
  });
});
