/**
 * fast-check arbitraries for the core: desired load balancers (0-4 listeners, 0-6 members,
 * random floating IP intents) and observed trees (what applying a desired LB left in
 * OpenStack, then randomly mutated, plus objects we do not own).
 */
import { anOwner } from './builders.js';
import fc from 'fast-check';
import type {
  DesiredHealthMonitor,
  DesiredListener,
  DesiredLoadBalancer,
  DesiredMember,
  FloatingIpIntent,
  Observed,
  ObservedFloatingIp,
  ServiceRef,
} from '../../src/core/model.js';
import { ownershipTags } from '../../src/core/ownership.js';
import { apply } from './plan-oracle/apply.js';
import { plan } from '../../src/core/plan/plan.js';
import { arbForeignMutation, arbMutation, mutate } from './arbitraries-core-mutations.js';

export const CLUSTER = 'c1';
/** The Service every generated plan reconciles (uid varies with the incarnation). */
export const SERVICE: ServiceRef = { namespace: 'default', name: 'web', uid: 'uid-1' };
export const USER_ADDRESSES = ['203.0.113.50', '203.0.113.51'] as const;
export const EXT_NETS = ['ext-net', 'ext-net-2'] as const;

/** Ownership tags of SERVICE in its incarnation `uid`. */
export function tagsFor(uid: string): readonly string[] {
  return ownershipTags(anOwner(CLUSTER), { ...SERVICE, uid });
}

function arbMember(tags: readonly string[]): fc.Arbitrary<DesiredMember> {
  return fc
    .record({
      host: fc.integer({ min: 1, max: 8 }),
      protocolPort: fc.constantFrom(8080, 9090),
      renamed: fc.boolean(),
      subnetId: fc.constantFrom<string | undefined>('pod-subnet', 'pod-subnet-2', undefined),
    })
    .map(({ host, protocolPort, renamed, subnetId }) => ({
      name: renamed ? `other-${host}` : `pod-${host}`,
      address: `10.0.0.${host}`,
      protocolPort,
      ...(subnetId === undefined ? {} : { subnetId }),
      tags,
    }));
}

/** A pool's monitor as translate makes it (named like the pool, its tags), or none. */
function arbMonitor(
  tags: readonly string[],
): fc.Arbitrary<Omit<DesiredHealthMonitor, 'name' | 'type'> | null> {
  return fc.option(
    fc.record({
      delay: fc.constantFrom(3, 5, 10),
      timeout: fc.constantFrom(1, 3),
      maxRetries: fc.constantFrom(1, 3),
      maxRetriesDown: fc.constantFrom(3, 5),
      tags: fc.constant(tags),
    }),
    { nil: null, freq: 2 },
  );
}

function arbListener(tags: readonly string[]): fc.Arbitrary<DesiredListener> {
  return fc
    .record({
      protocol: fc.constantFrom('TCP' as const, 'UDP' as const),
      protocolPort: fc.constantFrom(53, 80, 443, 8080),
      allowedCidrs: fc.subarray(['10.0.0.0/8', '192.168.0.0/16']),
      timeoutClientData: fc.constantFrom(null, 5000, 50000),
      timeoutMemberData: fc.constantFrom(null, 5000),
      lbAlgorithm: fc.constantFrom('ROUND_ROBIN' as const, 'SOURCE_IP_PORT' as const),
      sticky: fc.boolean(),
      members: fc.uniqueArray(arbMember(tags), {
        maxLength: 6,
        selector: (m) => `${m.address}|${m.protocolPort}`,
      }),
      monitor: arbMonitor(tags),
    })
    .map((r) => {
      const name = `default/web:${r.protocol}:${r.protocolPort}`;
      const type = r.protocol === 'UDP' ? ('UDP-CONNECT' as const) : ('TCP' as const);
      return {
        name,
        protocol: r.protocol,
        protocolPort: r.protocolPort,
        allowedCidrs: r.allowedCidrs,
        timeoutClientData: r.timeoutClientData,
        timeoutMemberData: r.timeoutMemberData,
        pool: {
          name,
          protocol: r.protocol,
          lbAlgorithm: r.lbAlgorithm,
          sessionPersistence: r.sticky ? { type: 'SOURCE_IP' as const } : null,
          members: [...r.members].sort((a, b) =>
            a.address === b.address ? a.protocolPort - b.protocolPort : a.address < b.address ? -1 : 1,
          ),
          tags,
          ...(r.monitor === null ? {} : { healthMonitor: { name, type, ...r.monitor } }),
        },
        tags,
      };
    });
}

const arbFloatingIpIntent: fc.Arbitrary<FloatingIpIntent | null> = fc.oneof(
  fc.constant(null),
  fc.record({ method: fc.constant('pool' as const), networkId: fc.constantFrom(...EXT_NETS) }),
  fc
    .constantFrom(...EXT_NETS)
    .map((networkId) => ({ method: 'pool' as const, networkId, subnetId: `${networkId}-v4` })),
  fc.constantFrom(...USER_ADDRESSES).map((address) => ({ method: 'user' as const, address })),
);

/** A desired load balancer for SERVICE as translate could produce it. */
export const arbDesired: fc.Arbitrary<DesiredLoadBalancer> = fc
  .record({
    uid: fc.constantFrom('uid-1', 'uid-1', 'uid-1', 'uid-2'),
    vipAddress: fc.constantFrom('10.2.0.5', '10.2.0.5', '10.2.0.9'),
    vipSubnetId: fc.constantFrom('svc-subnet', 'svc-subnet', 'svc-subnet-2'),
    provider: fc.constantFrom('amphora' as const, 'amphora' as const, 'ovn' as const),
    seeds: fc.uniqueArray(
      fc.tuple(fc.constantFrom('TCP' as const, 'UDP' as const), fc.constantFrom(53, 80, 443, 8080)),
      {
        maxLength: 4,
        selector: ([protocol, port]) => `${protocol}|${port}`,
      },
    ),
    floatingIp: arbFloatingIpIntent,
    flavorId: fc.constantFrom(undefined, undefined, 'flavor-a', 'flavor-b'),
    vipSecurityGroupIds: fc.constantFrom(undefined, undefined, [] as string[]),
  })
  .chain((r) => {
    const tags = tagsFor(r.uid);
    const listeners = fc.tuple(
      ...r.seeds.map(([protocol, protocolPort]) =>
        arbListener(tags).map((l) => {
          const name = `default/web:${protocol}:${protocolPort}`;
          const monitor = l.pool.healthMonitor;
          const type = protocol === 'UDP' ? ('UDP-CONNECT' as const) : ('TCP' as const);
          const pool = {
            ...l.pool,
            name,
            protocol,
            ...(monitor ? { healthMonitor: { ...monitor, name, type } } : {}),
          };
          return { ...l, name, protocol, protocolPort, pool };
        }),
      ),
    );
    return listeners.map((ls) => ({
      service: { ...SERVICE, uid: r.uid },
      name: 'default/web',
      description: 'kuryr-services: default/web',
      vipAddress: r.vipAddress,
      vipSubnetId: r.vipSubnetId,
      provider: r.provider,
      listeners: [...ls].sort((a, b) =>
        a.protocol === b.protocol ? a.protocolPort - b.protocolPort : a.protocol < b.protocol ? -1 : 1,
      ),
      tags,
      floatingIp: r.floatingIp,
      ...(r.flavorId === undefined ? {} : { flavorId: r.flavorId }),
      ...(r.vipSecurityGroupIds === undefined ? {} : { vipSecurityGroupIds: r.vipSecurityGroupIds }),
    }));
  });

/** What OpenStack holds once `desired` was planned from nothing and applied. */
export function builtFrom(desired: DesiredLoadBalancer, start: Observed): Observed {
  return apply(start, plan({ service: SERVICE, owner: anOwner(CLUSTER), desired, observed: start }).actions);
}

/** A start state: no load balancer, maybe the user's floating IP (free or on a VM). */
const arbStart: fc.Arbitrary<Observed> = fc
  .record({ address: fc.constantFrom(...USER_ADDRESSES), onVm: fc.boolean(), present: fc.nat(3) })
  .map(({ address, onVm, present }): Observed => {
    if (present === 0) return { loadBalancers: [], floatingIps: [] };
    if (present === 1) return { loadBalancers: [], floatingIps: [], userFloatingIp: null };
    const user: ObservedFloatingIp = {
      id: 'fip-user',
      address,
      networkId: 'ext-net',
      portId: onVm ? 'port-vm' : null,
      tags: [],
      description: '',
    };
    return { loadBalancers: [], floatingIps: [], userFloatingIp: user };
  });

/** A plan input: a desired state (often the one OpenStack was built from, sometimes nothing) and an observed tree. */
export interface Scenario {
  readonly desired: DesiredLoadBalancer | null;
  readonly observed: Observed;
}

/** Observed = apply(previous desired) + 0-8 random mutations; desired = previous, another, or null. */
export const arbScenario: fc.Arbitrary<Scenario> = fc
  .record({
    previous: fc.option(arbDesired, { nil: null, freq: 6 }),
    other: arbDesired,
    choice: fc.nat(9),
    start: arbStart,
    mutations: fc.array(arbMutation, { maxLength: 8 }),
  })
  .map(({ previous, other, choice, start, mutations }) => {
    const base = previous === null ? start : builtFrom(previous, start);
    const observed = mutations.reduce((o: Observed, m, i) => mutate(o, m, i), base);
    const desired = choice < 5 ? (previous ?? other) : choice < 9 ? other : null;
    return { desired, observed };
  });

/** Observed trees holding no object owned for SERVICE: nothing at all, or only others' objects. */
export const arbObservedForeignOnly: fc.Arbitrary<Observed> = fc
  .record({ start: arbStart, mutations: fc.array(arbForeignMutation, { maxLength: 6 }) })
  .map(({ start, mutations }) => mutations.reduce((o: Observed, m, i) => mutate(o, m, i), start));
