import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/core/plan/actions.js';
import type { DesiredListener, DesiredLoadBalancer } from '../../../src/core/model.js';
import { BadRequestError } from '../../../src/openstack/errors.js';
import { executeActions } from '../../../src/openstack/execute.js';
import type { OpenStackRequest } from '../../../src/openstack/session.js';
import { LB_JSON } from './octavia-fixtures.js';
import { ScriptedSession } from './octavia-fake-session.js';

const listener: DesiredListener = {
  name: 'l',
  protocol: 'TCP',
  protocolPort: 80,
  allowedCidrs: [],
  timeoutClientData: null,
  timeoutMemberData: null,
  tags: [],
  pool: {
    name: 'p',
    protocol: 'TCP',
    lbAlgorithm: 'ROUND_ROBIN',
    sessionPersistence: null,
    members: [],
    tags: [],
  },
};
const desired: DesiredLoadBalancer = {
  service: { namespace: 'ns', name: 'svc', uid: 'u' },
  name: 'lb-new',
  description: 'd',
  vipAddress: '10.2.16.1',
  vipSubnetId: 's',
  provider: 'amphora',
  listeners: [listener],
  tags: ['t'],
  floatingIp: { method: 'pool', networkId: 'public' },
};

interface FakeFip {
  portId: string | null;
  tags: string[];
  description: string;
}

/**
 * A tiny cloud: Octavia answers 409 for writes on `lb-busy` and 400 for listeners on `lb-bad`,
 * 404 for anything named `gone`; Neutron keeps floating IPs in `fips`.
 */
function fakeCloud() {
  const fips = new Map<string, FakeFip>([['fip-1', { portId: 'old', tags: [], description: '' }]]);
  const fipJson = (id: string, fip: FakeFip) => ({
    id,
    floating_ip_address: '172.24.4.9',
    floating_network_id: 'public',
    port_id: fip.portId,
    status: 'DOWN',
    project_id: 'p',
    description: fip.description,
    tags: fip.tags,
  });
  const neutron = (req: OpenStackRequest) => {
    const [, , , id, sub] = req.path.split('/');
    const body = req.body as {
      floatingip?: { port_id?: string | null; description?: string };
      tags?: string[];
    };
    if (req.method === 'POST') {
      const fip = {
        portId: body.floatingip?.port_id ?? null,
        tags: [],
        description: body.floatingip?.description ?? '',
      };
      fips.set('fip-new', fip);
      return { status: 201, body: { floatingip: fipJson('fip-new', fip) } };
    }
    const fip = id === undefined ? undefined : fips.get(id);
    if (fip === undefined || id === undefined) return { status: 404 };
    if (req.method === 'DELETE') return fips.delete(id) ? { status: 204 } : { status: 404 };
    if (sub === 'tags') {
      fip.tags = body.tags ?? [];
      return { status: 200, body: { tags: fip.tags } };
    }
    fip.portId = body.floatingip?.port_id ?? null;
    return { status: 200, body: { floatingip: fipJson(id, fip) } };
  };
  const octavia = (req: OpenStackRequest) => {
    const bodyText = JSON.stringify(req.body ?? {});
    if (req.path.includes('gone')) return { status: 404 };
    if (req.path.includes('lb-busy') || bodyText.includes('lb-busy')) return { status: 409 };
    if (bodyText.includes('lb-bad')) return { status: 400 };
    if (req.method === 'POST' && req.path === '/v2/lbaas/loadbalancers') {
      const lb = {
        ...LB_JSON,
        id: 'lb-created',
        vip_port_id: 'vip-port-new',
        provisioning_status: 'PENDING_CREATE',
      };
      return { status: 201, body: { loadbalancer: lb } };
    }
    return { status: req.method === 'DELETE' ? 204 : 202, body: undefined };
  };
  const session = new ScriptedSession((req) => (req.service === 'network' ? neutron(req) : octavia(req)));
  return { session, fips };
}

const members = (loadBalancerId: string): Action => ({
  kind: 'replaceMembers',
  loadBalancerId,
  poolId: `${loadBalancerId}-pool`,
  members: [],
});
const cidrs = (loadBalancerId: string): Action => ({
  kind: 'updateListener',
  loadBalancerId,
  listenerId: 'l',
  changes: { allowedCidrs: ['10.0.0.0/8'] },
});

describe('executeActions', () => {
  it('creates the LB in one call and points a new floating IP at its VIP port from the POST response', async () => {
    const { session, fips } = fakeCloud();
    const actions: Action[] = [
      { kind: 'createLoadBalancer', loadBalancer: desired },
      {
        kind: 'createFloatingIp',
        networkId: 'public',
        port: { kind: 'createdLoadBalancer' },
        tags: ['own'],
        description: 'marker',
      },
    ];
    const result = await executeActions({ session, actions });
    expect(result).toEqual({
      done: actions,
      deferred: [],
      // This fake's answer holds no children: no tree to stand for an observation.
      createdLoadBalancer: { id: 'lb-created', vipPortId: 'vip-port-new', tree: null },
      createdFloatingIps: [expect.objectContaining({ id: 'fip-new', portId: 'vip-port-new', tags: ['own'] })],
      requeueAfterMs: 1000,
    });
    expect(fips.get('fip-new')).toEqual({ portId: 'vip-port-new', tags: ['own'], description: 'marker' });
  });

  it('runs one Octavia write per load balancer and defers the rest; Neutron actions still run', async () => {
    const { session, fips } = fakeCloud();
    const actions: Action[] = [
      members('lb-1'),
      cidrs('lb-1'),
      members('lb-2'),
      { kind: 'disassociateFloatingIp', floatingIpId: 'fip-1' },
      { kind: 'deletePool', loadBalancerId: 'lb-1', poolId: 'p' },
    ];
    const result = await executeActions({ session, actions, busyRequeueMs: 500 });
    expect(result.done).toEqual([actions[0], actions[2], actions[3]]);
    expect(result.deferred).toEqual([actions[1], actions[4]]);
    expect(result.requeueAfterMs).toBe(500);
    expect(fips.get('fip-1')?.portId).toBeNull();
  });

  it('stops at an Octavia 409 and returns it typed with a requeue, deferring everything left', async () => {
    const { session, fips } = fakeCloud();
    const actions: Action[] = [
      { kind: 'deleteFloatingIp', floatingIpId: 'fip-1' },
      members('lb-busy'),
      members('lb-3'),
      { kind: 'associateFloatingIp', floatingIpId: 'fip-1', port: { kind: 'port', portId: 'x' } },
    ];
    const result = await executeActions({ session, actions, conflictRequeueMs: 3000 });
    expect(result.done).toEqual([actions[0]]);
    expect(result.deferred).toEqual(actions.slice(1));
    expect(result.requeueAfterMs).toBe(3000);
    expect(result.conflict?.name).toBe('ConflictError');
    expect(fips.has('fip-1')).toBe(false);
  });

  it('defers a floating IP action whose created VIP port is not known', async () => {
    const { session, fips } = fakeCloud();
    const actions: Action[] = [
      { kind: 'associateFloatingIp', floatingIpId: 'fip-1', port: { kind: 'createdLoadBalancer' } },
    ];
    const result = await executeActions({ session, actions });
    expect(result).toEqual({ done: [], deferred: actions, createdFloatingIps: [], requeueAfterMs: 1000 });
    expect(fips.get('fip-1')?.portId).toBe('old');
  });

  it('counts deletes of already-gone objects as done and asks no requeue for Neutron-only runs', async () => {
    const { session } = fakeCloud();
    const neutronOnly: Action[] = [{ kind: 'deleteFloatingIp', floatingIpId: 'gone' }];
    expect(await executeActions({ session, actions: neutronOnly })).toEqual({
      done: neutronOnly,
      deferred: [],
      createdFloatingIps: [],
      requeueAfterMs: null,
    });
    const lbGone: Action[] = [{ kind: 'deleteLoadBalancer', loadBalancerId: 'gone', reason: 'r' }];
    expect((await executeActions({ session, actions: lbGone })).done).toEqual(lbGone);
  });

  it('lets other errors propagate typed', async () => {
    const { session } = fakeCloud();
    const actions: Action[] = [{ kind: 'createListener', loadBalancerId: 'lb-bad', listener }];
    await expect(executeActions({ session, actions })).rejects.toBeInstanceOf(BadRequestError);
    const neutron409: Action[] = [
      { kind: 'associateFloatingIp', floatingIpId: 'gone', port: { kind: 'port', portId: 'p' } },
    ];
    await expect(executeActions({ session, actions: neutron409 })).rejects.toThrow(/not found/);
  });

  it('does nothing for no actions', async () => {
    const { session } = fakeCloud();
    expect(await executeActions({ session, actions: [] })).toEqual({
      done: [],
      deferred: [],
      createdFloatingIps: [],
      requeueAfterMs: null,
    });
  });
});
