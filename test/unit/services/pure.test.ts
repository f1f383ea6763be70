/** Table tests of the reconciler's pure parts: record builders, observation readings, stuck tracking. */
import { describe, expect, it } from 'vitest';
import { apply } from '../../support/plan-oracle/apply.js';
import type {
  DesiredLoadBalancer,
  Observed,
  ObservedFloatingIp,
  ObservedLoadBalancer,
  ProvisioningStatus,
} from '../../../src/core/model.js';
import { translate } from '../../../src/core/translate.js';
import { conditionFor, klbSpecFor, klbStatusFor } from '../../../src/services/klb-record.js';
import {
  keptLoadBalancer,
  servingFloatingIp,
  unsettledChildren,
  userFloatingIpProblem,
} from '../../../src/services/observed-view.js';
import { StuckTracker } from '../../../src/services/stuck.js';
import { aService, aServicePort, aTranslateInput } from '../../support/builders.js';

const CLUSTER = 'c1';

function desiredOf(overrides: Parameters<typeof aService>[0] = {}): DesiredLoadBalancer {
  const t = translate(aTranslateInput({ service: aService(overrides) }));
  if (t.kind !== 'desired') throw new Error(`expected a desired load balancer, got ${t.kind}`);
  return t.loadBalancer;
}

function built(desired: DesiredLoadBalancer): ObservedLoadBalancer {
  const [lb] = apply({ loadBalancers: [], floatingIps: [] }, [
    { kind: 'createLoadBalancer', loadBalancer: desired },
  ]).loadBalancers;
  if (lb === undefined) throw new Error('apply made no load balancer');
  return lb;
}

function withStatuses(
  lb: ObservedLoadBalancer,
  s: {
    lb?: ProvisioningStatus;
    listener?: ProvisioningStatus;
    pool?: ProvisioningStatus;
    member?: ProvisioningStatus;
  },
): ObservedLoadBalancer {
  return {
    ...lb,
    provisioningStatus: s.lb ?? lb.provisioningStatus,
    listeners: lb.listeners.map((l) => ({ ...l, provisioningStatus: s.listener ?? l.provisioningStatus })),
    pools: lb.pools.map((p) => ({
      ...p,
      provisioningStatus: s.pool ?? p.provisioningStatus,
      members: p.members.map((m) => ({ ...m, provisioningStatus: s.member ?? m.provisioningStatus })),
    })),
  };
}

function fip(over: Partial<ObservedFloatingIp>): ObservedFloatingIp {
  return {
    id: 'fip-1',
    address: '203.0.113.9',
    networkId: 'public-network-id',
    portId: null,
    tags: [],
    description: '',
    ...over,
  };
}

const lbDesired = desiredOf({ type: 'LoadBalancer' });
const lbActive = built(lbDesired);

describe('klb-record', () => {
  it('spec: kuryr field names, ports from the Service, lb_ip and timeouts only when set', () => {
    const svc = aService({
      type: 'LoadBalancer',
      loadBalancerIP: '198.51.100.7',
      ports: [aServicePort(80, { name: 'http', targetPort: 'web' }), aServicePort(53, { protocol: 'UDP' })],
      annotations: { 'openstack.org/kuryr-timeout-client-data': '5000' },
    });
    const t = translate(aTranslateInput({ service: svc }));
    if (t.kind !== 'desired') throw new Error(t.kind);
    expect(klbSpecFor(svc, t.loadBalancer)).toEqual({
      ip: '10.2.0.10',
      subnet_id: 'service-subnet-id',
      type: 'LoadBalancer',
      provider: 'amphora',
      ports: [
        { name: 'http', port: 80, protocol: 'TCP', targetPort: 'web' },
        { port: 53, protocol: 'UDP', targetPort: '53' },
      ],
      lb_ip: '198.51.100.7',
      timeout_client_data: 5000,
    });
    const plain = aService();
    expect(klbSpecFor(plain, desiredOf())).not.toHaveProperty('lb_ip');
  });

  it('status: ids of the load balancer tree and the serving floating IP', () => {
    const served = { ip: fip({ portId: lbActive.vipPortId }), method: 'pool' as const };
    const status = klbStatusFor(lbActive, served, []);
    expect(status.loadbalancer).toMatchObject({
      id: lbActive.id,
      ip: '10.2.0.10',
      port_id: lbActive.vipPortId,
    });
    expect(status.listeners?.map((l) => l.id)).toEqual(lbActive.listeners.map((l) => l.id));
    expect(status.pools?.[0]?.listener_id).toBe(lbActive.listeners[0]?.id);
    expect(status.members?.map((m) => m.ip)).toEqual(['10.1.0.4', '10.1.0.5']);
    expect(status.service_pub_ip_info).toEqual({
      ip_id: 'fip-1',
      ip_addr: '203.0.113.9',
      alloc_method: 'pool',
    });
    expect(klbStatusFor(null, null, [])).toEqual({ conditions: [], service_pub_ip_info: null });
  });

  it.each([
    ['no previous condition', undefined, 'True', 'now'],
    ['same status: keeps the transition time', 'True', 'True', 'then'],
    ['status changed: new transition time', 'False', 'True', 'now'],
  ] as const)('conditionFor — %s', (_name, before, after, expected) => {
    const previous =
      before === undefined
        ? undefined
        : [{ type: 'Ready', status: before, reason: 'r', message: 'm', lastTransitionTime: 'then' }];
    const c = conditionFor({ type: 'Ready', status: after, reason: 'x', message: 'y' }, previous, 'now');
    expect(c).toEqual({
      type: 'Ready',
      status: after,
      reason: 'x',
      message: 'y',
      lastTransitionTime: expected,
    });
  });
});

describe('observed-view', () => {
  const observed = (
    lbs: ObservedLoadBalancer[],
    fips: ObservedFloatingIp[] = [],
    user?: ObservedFloatingIp | null,
  ): Observed => ({
    loadBalancers: lbs,
    floatingIps: fips,
    ...(user === undefined ? {} : { userFloatingIp: user }),
  });

  it('keptLoadBalancer: the qualifying owned one; null for foreign, other-incarnation or ERROR ones', () => {
    expect(keptLoadBalancer(observed([lbActive]), lbDesired, CLUSTER)?.id).toBe(lbActive.id);
    expect(keptLoadBalancer(observed([lbActive]), lbDesired, 'other-cluster')).toBeNull();
    expect(
      keptLoadBalancer(observed([withStatuses(lbActive, { lb: 'ERROR' })]), lbDesired, CLUSTER),
    ).toBeNull();
    const reborn = desiredOf({ type: 'LoadBalancer', uid: '6f1f2b7e-0000-4000-8000-000000000002' });
    expect(keptLoadBalancer(observed([lbActive]), reborn, CLUSTER)).toBeNull();
  });

  it.each([
    ['all ACTIVE', {}, []],
    ['a pending listener', { listener: 'PENDING_CREATE' }, ['listener default/web:TCP:80 PENDING_CREATE']],
    [
      'a member in ERROR',
      { member: 'ERROR' },
      ['member default/pod-10-1-0-4:8080 ERROR', 'member default/pod-10-1-0-5:8080 ERROR'],
    ],
  ] as const)('unsettledChildren — %s', (_name, statuses, expected) => {
    expect(unsettledChildren(withStatuses(lbActive, statuses))).toEqual(expected);
  });

  const ours = fip({ id: 'fip-ours', portId: lbActive.vipPortId, tags: lbDesired.tags });
  const userDesired = desiredOf({ type: 'LoadBalancer', loadBalancerIP: '198.51.100.7' });
  const userLb = built(userDesired);

  const servingRows: {
    name: string;
    desired: DesiredLoadBalancer;
    lb: ObservedLoadBalancer;
    obs: Observed;
    expected: string | null;
  }[] = [
    {
      name: 'pool: our FIP on the VIP port',
      desired: lbDesired,
      lb: lbActive,
      obs: observed([lbActive], [ours]),
      expected: 'fip-ours',
    },
    {
      name: 'pool: our FIP elsewhere',
      desired: lbDesired,
      lb: lbActive,
      obs: observed([lbActive], [{ ...ours, portId: 'x' }]),
      expected: null,
    },
    {
      name: 'pool: a foreign FIP on the port',
      desired: lbDesired,
      lb: lbActive,
      obs: observed([lbActive], [{ ...ours, tags: [] }]),
      expected: null,
    },
    {
      name: 'user: on the VIP port',
      desired: userDesired,
      lb: userLb,
      obs: observed([userLb], [], fip({ id: 'u', portId: userLb.vipPortId })),
      expected: 'u',
    },
    {
      name: 'user: free',
      desired: userDesired,
      lb: userLb,
      obs: observed([userLb], [], fip({ id: 'u' })),
      expected: null,
    },
    {
      name: 'no intent (ClusterIP)',
      desired: desiredOf(),
      lb: built(desiredOf()),
      obs: observed([lbActive], [ours]),
      expected: null,
    },
  ];
  it.each(servingRows)('servingFloatingIp — $name', ({ desired, lb, obs, expected }) => {
    expect(servingFloatingIp(obs, desired, lb, CLUSTER)?.ip.id ?? null).toBe(expected);
  });

  it.each([
    ['no user intent', lbDesired, observed([lbActive]), null],
    ['missing', userDesired, observed([userLb], [], null), 'does not exist'],
    ['free', userDesired, observed([userLb], [], fip({})), null],
    ['on our VIP port', userDesired, observed([userLb], [], fip({ portId: userLb.vipPortId })), null],
    [
      'on another port',
      userDesired,
      observed([userLb], [], fip({ portId: 'vm-port' })),
      'attached to another port (vm-port)',
    ],
  ] as const)('userFloatingIpProblem — %s', (_name, desired, obs, expected) => {
    const problem = userFloatingIpProblem(obs, desired, CLUSTER);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toContain(expected);
  });
});

describe('StuckTracker', () => {
  const stuckLb = withStatuses(lbActive, { listener: 'PENDING_CREATE', pool: 'PENDING_CREATE' });

  it.each([
    ['ACTIVE and settled', lbActive, ['ok', 'ok']],
    [
      'LB itself pending: a normal wait, not stuck',
      withStatuses(stuckLb, { lb: 'PENDING_UPDATE' }),
      ['ok', 'ok'],
    ],
    ['children pending under ACTIVE', stuckLb, ['waiting', 'recover']],
  ] as const)('check — %s', (_name, lb, verdicts) => {
    const t = new StuckTracker(1000);
    expect([t.check(lb, 0), t.check(lb, 1000)]).toEqual(verdicts);
  });

  it('waits until stuckChildrenMs has passed since first seen; settling resets the clock', () => {
    const t = new StuckTracker(1000);
    expect(t.check(stuckLb, 5000)).toBe('waiting');
    expect(t.check(stuckLb, 5999)).toBe('waiting');
    expect(t.check(lbActive, 6000)).toBe('ok');
    expect(t.check(stuckLb, 6500)).toBe('waiting');
    expect(t.check(stuckLb, 7500)).toBe('recover');
  });

  it('recovery marks the load balancer ERROR and makes the next create bare until settled', () => {
    const t = new StuckTracker(1000);
    const obs: Observed = { loadBalancers: [stuckLb], floatingIps: [] };
    const recovered = t.recoveryPlanInput(obs, stuckLb);
    expect(recovered.loadBalancers.map((lb) => lb.provisioningStatus)).toEqual(['ERROR']);
    expect(obs.loadBalancers[0]?.provisioningStatus).toBe('ACTIVE');
    expect(t.adjustDesired(lbDesired, null).listeners).toEqual([]);
    expect(t.adjustDesired(lbDesired, lbActive)).toBe(lbDesired);
    expect(t.adjustDesired(desiredOf({ name: 'api' }), null).listeners).toHaveLength(1);
    t.settle(lbDesired.name);
    expect(t.adjustDesired(lbDesired, null)).toBe(lbDesired);
    // Forgotten on recovery: the same id seen stuck again starts a fresh wait.
    expect(t.check(stuckLb, 10_000)).toBe('waiting');
  });
});
