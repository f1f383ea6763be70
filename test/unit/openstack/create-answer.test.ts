/**
 * The answer to a fully-populated POST (src/openstack/create-answer.ts), in the shape Octavia
 * Zed answers it on the test cloud (fields trimmed, ids shortened): the record as every load
 * balancer's, and the tree only when the answer holds it whole.
 */
import { describe, expect, it } from 'vitest';
import { createAnswerSchema } from '../../../src/openstack/create-answer.js';

function zedAnswer(): { loadbalancer: Record<string, unknown> } {
  const member = {
    id: 'm-1',
    name: '',
    operating_status: 'NO_MONITOR',
    provisioning_status: 'PENDING_CREATE',
    address: '10.1.0.5',
    protocol_port: 8080,
    subnet_id: 'pod-subnet',
    project_id: 'p',
    tags: ['t'],
  };
  const pool = {
    // Zed answers null here even when the body asked for a monitor (the status tree shows it).
    healthmonitor: null,
    id: 'pool-1',
    name: 'p1',
    description: '',
    provisioning_status: 'PENDING_CREATE',
    operating_status: 'OFFLINE',
    protocol: 'TCP',
    lb_algorithm: 'ROUND_ROBIN',
    session_persistence: null,
    project_id: 'p',
    listeners: [{ id: 'l-1' }],
    tags: ['t'],
    members: [member],
  };
  const listener = {
    l7policies: [],
    id: 'l-1',
    name: 'l1',
    description: '',
    provisioning_status: 'PENDING_CREATE',
    operating_status: 'OFFLINE',
    protocol: 'TCP',
    protocol_port: 80,
    project_id: 'p',
    default_pool_id: 'pool-1',
    timeout_client_data: 50000,
    timeout_member_data: 50000,
    tags: ['t'],
    allowed_cidrs: null,
  };
  return {
    loadbalancer: {
      id: 'lb-1',
      name: 'default/web',
      description: '',
      provisioning_status: 'PENDING_CREATE',
      operating_status: 'OFFLINE',
      project_id: 'p',
      updated_at: null,
      vip_address: '10.2.200.7',
      vip_port_id: 'vip-port',
      vip_subnet_id: 'svc-subnet',
      vip_network_id: 'svc-net',
      provider: 'amphora',
      flavor_id: null,
      tags: ['t'],
      availability_zone: null,
      listeners: [listener],
      pools: [pool],
    },
  };
}

describe('createAnswerSchema', () => {
  it("Zed's answer: the record, and the whole tree with every field", () => {
    const answer = createAnswerSchema.parse(zedAnswer());
    expect(answer.record).toMatchObject({
      id: 'lb-1',
      vipPortId: 'vip-port',
      listenerIds: ['l-1'],
      poolIds: ['pool-1'],
    });
    expect(answer.tree?.listeners).toEqual([
      expect.objectContaining({ id: 'l-1', protocolPort: 80, defaultPoolId: 'pool-1', allowedCidrs: [] }),
    ]);
    expect(answer.tree?.pools).toEqual([
      expect.objectContaining({
        id: 'pool-1',
        listenerId: 'l-1',
        members: [expect.objectContaining({ id: 'm-1', address: '10.1.0.5', subnetId: 'pod-subnet' })],
      }),
    ]);
    expect(answer.tree?.pools[0]?.healthMonitor).toBeUndefined();
    expect(answer.tree?.version).toBeUndefined();
  });

  it('no tree when the answer holds only ids, a nested object does not parse, or names a monitor it lacks', () => {
    const idsOnly = zedAnswer();
    idsOnly.loadbalancer.listeners = [{ id: 'l-1' }];
    idsOnly.loadbalancer.pools = [{ id: 'pool-1' }];
    expect(createAnswerSchema.parse(idsOnly).tree).toBeNull();

    const badMember = zedAnswer();
    const pools = badMember.loadbalancer.pools as { members: { protocol_port: unknown }[] }[];
    const first = pools[0]?.members[0];
    if (first !== undefined) first.protocol_port = 'eighty';
    expect(createAnswerSchema.parse(badMember).tree).toBeNull();

    const monitorId = zedAnswer();
    (monitorId.loadbalancer.pools as Record<string, unknown>[])[0] = {
      ...(monitorId.loadbalancer.pools as Record<string, unknown>[])[0],
      healthmonitor_id: 'hm-1',
    };
    expect(createAnswerSchema.parse(monitorId).tree).toBeNull();
  });

  it('no tree when the nested ids are not the ones the record names', () => {
    const extra = zedAnswer();
    extra.loadbalancer.listeners = [
      ...(extra.loadbalancer.listeners as unknown[]),
      ...(extra.loadbalancer.listeners as unknown[]),
    ];
    expect(createAnswerSchema.parse(extra).tree).toBeNull();
  });

  it('a record that does not parse fails the answer', () => {
    const bad = zedAnswer();
    bad.loadbalancer.provisioning_status = 'SIDEWAYS';
    expect(createAnswerSchema.safeParse(bad).success).toBe(false);
  });
});
