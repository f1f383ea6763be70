/**
 * Random changes to an observed tree, for the core's property tests: statuses, drifted
 * fields, dropped children, duplicates, previous incarnations, and objects we do not own
 * (untagged, another Service's, another cluster's) added anywhere.
 */
import { anOwner } from './builders.js';
import fc from 'fast-check';
import type {
  Observed,
  ObservedFloatingIp,
  ObservedListener,
  ObservedLoadBalancer,
  ObservedMember,
  ObservedPool,
  ProvisioningStatus,
  ServiceRef,
} from '../../src/core/model.js';
import { ownershipTags } from '../../src/core/ownership.js';
import { renameChildIds } from './lb-tree-ids.js';

const CLUSTER = 'c1';
const SERVICE: ServiceRef = { namespace: 'default', name: 'web', uid: 'uid-1' };

/** Tags of objects never to be touched: nobody's, a user's, another Service's, another cluster's. */
export const OTHERS: readonly (readonly string[])[] = [
  [],
  ['user-tag'],
  ownershipTags(anOwner(CLUSTER), { namespace: 'default', name: 'other', uid: 'uid-9' }),
  ownershipTags(anOwner('c2'), SERVICE),
];
const STATUSES: readonly ProvisioningStatus[] = [
  'ERROR',
  'PENDING_CREATE',
  'PENDING_UPDATE',
  'PENDING_DELETE',
];

type LbKind = 'lbStatus' | 'lbUid' | 'lbVip' | 'duplicateLb';
type ListenerKind = 'dropListener' | 'listenerForeign' | 'listenerError' | 'listenerDying' | 'listenerEdit';
type PoolKind = 'dropPool' | 'poolForeign' | 'poolError' | 'poolProtocol' | 'poolEdit';
type MemberKind = 'dropMember' | 'memberForeign' | 'memberRename';
type MonitorKind =
  'dropMonitor' | 'monitorForeign' | 'monitorError' | 'monitorDying' | 'monitorEdit' | 'vipGroups';

/** Every kind of change; `others*` add objects SERVICE does not own. */
export type MutationKind =
  | LbKind
  | ListenerKind
  | PoolKind
  | MemberKind
  | MonitorKind
  | 'othersLb'
  | 'othersListener'
  | 'othersMember'
  | 'othersFip'
  | 'orphanPool'
  | 'ownedMember'
  | 'ownedFip'
  | 'fipPort';

/** One random change; `pick` selects the object changed (modulo their count), `n` a variant. */
export interface Mutation {
  readonly kind: MutationKind;
  readonly pick: number;
  readonly n: number;
}

function at<T>(list: readonly T[], pick: number): T | undefined {
  return list.length === 0 ? undefined : list[pick % list.length];
}

function others(n: number): readonly string[] {
  return at(OTHERS, n) ?? [];
}

function mapLbs(o: Observed, fn: (lb: ObservedLoadBalancer) => ObservedLoadBalancer): Observed {
  return { ...o, loadBalancers: o.loadBalancers.map(fn) };
}

function editLb(o: Observed, pick: number, fn: (lb: ObservedLoadBalancer) => ObservedLoadBalancer): Observed {
  const target = at(o.loadBalancers, pick);
  return mapLbs(o, (lb) => (lb === target ? fn(lb) : lb));
}

/** Replaces (or with null removes) one listener; a removed listener's pool loses its link. */
function editListener(
  o: Observed,
  pick: number,
  fn: (l: ObservedListener) => ObservedListener | null,
): Observed {
  const target = at(
    o.loadBalancers.flatMap((lb) => lb.listeners),
    pick,
  );
  if (target === undefined) return o;
  const next = fn(target);
  return mapLbs(o, (lb) => ({
    ...lb,
    listeners: lb.listeners.flatMap((l) => (l !== target ? [l] : next === null ? [] : [next])),
    pools: lb.pools.map((p) =>
      next === null && p.listenerId === target.id ? { ...p, listenerId: null } : p,
    ),
  }));
}

/** Replaces (or with null removes) one pool; a removed pool's listener loses its default pool. */
function editPool(o: Observed, pick: number, fn: (p: ObservedPool) => ObservedPool | null): Observed {
  const target = at(
    o.loadBalancers.flatMap((lb) => lb.pools),
    pick,
  );
  if (target === undefined) return o;
  const next = fn(target);
  return mapLbs(o, (lb) => ({
    ...lb,
    pools: lb.pools.flatMap((p) => (p !== target ? [p] : next === null ? [] : [next])),
    listeners: lb.listeners.map((l) =>
      next === null && l.defaultPoolId === target.id ? { ...l, defaultPoolId: null } : l,
    ),
  }));
}

function editMember(o: Observed, m: Mutation, fn: (x: ObservedMember) => ObservedMember | null): Observed {
  return editPool(o, m.pick, (p) => {
    const target = at(p.members, m.n);
    return {
      ...p,
      members: p.members.flatMap((x) => (x !== target ? [x] : [fn(x)].filter((y) => y !== null))),
    };
  });
}

/** A copy of `lb` under a new id, children renamed (a duplicate left by a crash). */
function cloneLb(lb: ObservedLoadBalancer, id: string, status: ProvisioningStatus): ObservedLoadBalancer {
  const re = (child: string): string => `${id}/${child}`;
  return { ...renameChildIds(lb, re), id, vipPortId: `port-${id}`, provisioningStatus: status };
}

function mutateLb(o: Observed, m: Mutation, id: string): Observed {
  const status = at(STATUSES, m.n) ?? 'ERROR';
  switch (m.kind) {
    case 'lbStatus':
      return editLb(o, m.pick, (lb) => ({ ...lb, provisioningStatus: status }));
    case 'lbUid':
      return editLb(o, m.pick, (lb) => ({
        ...lb,
        tags: ownershipTags(anOwner(CLUSTER), { ...SERVICE, uid: 'uid-0' }),
      }));
    case 'lbVip':
      return editLb(o, m.pick, (lb) => ({ ...lb, vipAddress: '10.2.0.77' }));
    case 'duplicateLb': {
      const lb = at(o.loadBalancers, m.pick);
      const copy = lb === undefined ? [] : [cloneLb(lb, id, m.n % 2 === 0 ? 'ACTIVE' : status)];
      return { ...o, loadBalancers: [...o.loadBalancers, ...copy] };
    }
    default: {
      const lb: ObservedLoadBalancer = {
        id,
        name: 'default/web',
        vipAddress: '10.2.0.5',
        vipSubnetId: 'svc-subnet',
        vipPortId: `port-${id}`,
        provider: 'amphora',
        provisioningStatus: m.n % 3 === 0 ? 'ACTIVE' : status,
        tags: others(m.pick),
        listeners: [],
        pools: [],
      };
      return { ...o, loadBalancers: [...o.loadBalancers, lb] };
    }
  }
}

function mutateListener(o: Observed, m: Mutation, id: string): Observed {
  switch (m.kind) {
    case 'dropListener':
      return editListener(o, m.pick, () => null);
    case 'listenerForeign':
      return editListener(o, m.pick, (l) => ({ ...l, tags: others(m.n) }));
    case 'listenerError':
      return editListener(o, m.pick, (l) => ({ ...l, provisioningStatus: 'ERROR' }));
    case 'listenerDying':
      return editListener(o, m.pick, (l) => ({ ...l, provisioningStatus: 'PENDING_DELETE' }));
    case 'listenerEdit':
      return editListener(o, m.pick, (l) => ({
        ...l,
        allowedCidrs: at([[], ['0.0.0.0/0'], ['192.168.0.0/16', '10.0.0.0/8'], ['10.0.0.0/8']], m.n) ?? [],
        timeoutClientData: at([null, 5000, 50000], m.n) ?? null,
      }));
    default: {
      const listener: ObservedListener = {
        id,
        name: 'by-hand',
        protocol: 'TCP',
        protocolPort: at([80, 443, 8080, 9999], m.n) ?? 80,
        allowedCidrs: [],
        timeoutClientData: null,
        timeoutMemberData: null,
        defaultPoolId: null,
        tags: others(m.n),
        provisioningStatus: 'ACTIVE',
      };
      return editLb(o, m.pick, (lb) => ({ ...lb, listeners: [...lb.listeners, listener] }));
    }
  }
}

function mutatePool(o: Observed, m: Mutation, id: string): Observed {
  switch (m.kind) {
    case 'dropPool':
      return editPool(o, m.pick, () => null);
    case 'poolForeign':
      return editPool(o, m.pick, (p) => ({ ...p, tags: others(m.n) }));
    case 'poolError':
      return editPool(o, m.pick, (p) => ({ ...p, provisioningStatus: 'ERROR' }));
    case 'poolProtocol':
      return editPool(o, m.pick, (p) => ({ ...p, protocol: p.protocol === 'TCP' ? 'UDP' : 'TCP' }));
    case 'poolEdit':
      return editPool(o, m.pick, (p) => ({
        ...p,
        lbAlgorithm: 'LEAST_CONNECTIONS',
        sessionPersistence: m.n % 2 === 0 ? { type: 'SOURCE_IP' } : null,
      }));
    default: {
      const orphan = (lb: ObservedLoadBalancer): ObservedPool => ({
        id,
        name: 'orphan',
        protocol: 'TCP',
        lbAlgorithm: 'ROUND_ROBIN',
        sessionPersistence: null,
        members: [],
        listenerId: null,
        tags: m.n % 2 === 0 ? lb.tags : others(m.n),
        provisioningStatus: 'ACTIVE',
      });
      return editLb(o, m.pick, (lb) => ({ ...lb, pools: [...lb.pools, orphan(lb)] }));
    }
  }
}

function mutateMember(o: Observed, m: Mutation, id: string): Observed {
  switch (m.kind) {
    case 'dropMember':
      return editMember(o, m, () => null);
    case 'memberForeign':
      return editMember(o, m, (x) => ({ ...x, tags: others(m.n) }));
    case 'memberRename':
      return editMember(o, m, (x) => ({ ...x, name: `${x.name}-renamed`, subnetId: null }));
    default: {
      const owned = m.kind === 'ownedMember';
      const member = (p: ObservedPool): ObservedMember => ({
        id,
        name: 'by-hand',
        address: `10.0.${owned ? 0 : 1}.${1 + (m.n % 8)}`,
        protocolPort: owned ? 8080 : 22,
        subnetId: null,
        tags: owned ? p.tags : others(m.n),
        provisioningStatus: 'ACTIVE',
      });
      return editPool(o, m.pick, (p) => ({ ...p, members: [...p.members, member(p)] }));
    }
  }
}

function editMonitor(
  o: Observed,
  m: Mutation,
  fn: (h: NonNullable<ObservedPool['healthMonitor']>) => ObservedPool['healthMonitor'],
): Observed {
  const pools = o.loadBalancers.flatMap((lb) => lb.pools);
  const target = at(
    pools.filter((p) => p.healthMonitor !== undefined),
    m.pick,
  );
  const index = target === undefined ? m.pick : pools.indexOf(target);
  return editPool(o, index, (p) => {
    const { healthMonitor, ...rest } = p;
    // A pool without a monitor gets a foreign one (added by hand) when asked to change it.
    const base = healthMonitor ?? {
      id: `hm-hand-${p.id}`,
      name: 'by-hand',
      type: 'TCP',
      delay: 5,
      timeout: 3,
      maxRetries: 1,
      maxRetriesDown: 3,
      tags: others(m.n),
      provisioningStatus: 'ACTIVE' as const,
    };
    const next = fn(base);
    return next === undefined ? rest : { ...rest, healthMonitor: next };
  });
}

function mutateMonitor(o: Observed, m: Mutation): Observed {
  switch (m.kind) {
    case 'dropMonitor':
      return editMonitor(o, m, () => undefined);
    case 'monitorForeign':
      return editMonitor(o, m, (h) => ({ ...h, tags: others(m.n) }));
    case 'monitorError':
      return editMonitor(o, m, (h) => ({ ...h, provisioningStatus: 'ERROR' }));
    case 'monitorDying':
      return editMonitor(o, m, (h) => ({ ...h, provisioningStatus: 'PENDING_DELETE' }));
    case 'monitorEdit':
      return editMonitor(o, m, (h) =>
        m.n % 3 === 0
          ? { ...h, type: h.type === 'TCP' ? 'PING' : 'TCP' }
          : m.n % 3 === 1
            ? { ...h, delay: h.delay + 1, maxRetriesDown: null }
            : { ...h, name: `${h.name}-renamed` },
      );
    default: {
      const groups = at([undefined, [], ['sg-octavia'], ['sg-octavia', 'sg-other']], m.n);
      return editLb(o, m.pick, (lb) => {
        const rest = { ...lb };
        delete rest.vipSecurityGroupIds;
        return groups === undefined ? rest : { ...rest, vipSecurityGroupIds: groups };
      });
    }
  }
}

/** null, a VM's port, or the VIP port of one of the load balancers. */
function portChoice(o: Observed, m: Mutation): string | null {
  if (m.n % 3 === 0) return null;
  if (m.n % 3 === 1) return 'port-vm';
  return at(o.loadBalancers, m.pick)?.vipPortId ?? null;
}

function mutateFip(o: Observed, m: Mutation, id: string): Observed {
  const portId = portChoice(o, m);
  if (m.kind === 'fipPort') {
    const target = at([...o.floatingIps, ...(o.userFloatingIp ? [o.userFloatingIp] : [])], m.pick);
    const edit = (f: ObservedFloatingIp): ObservedFloatingIp => (f.id === target?.id ? { ...f, portId } : f);
    const user = o.userFloatingIp;
    return { ...o, floatingIps: o.floatingIps.map(edit), ...(user ? { userFloatingIp: edit(user) } : {}) };
  }
  const owned = m.kind === 'ownedFip';
  const fip: ObservedFloatingIp = {
    id,
    address: `198.51.100.${200 + (m.n % 50)}`,
    networkId: m.pick % 2 === 0 ? 'ext-net' : 'ext-net-2',
    portId,
    tags: owned
      ? ownershipTags(anOwner(CLUSTER), { ...SERVICE, uid: m.n % 2 === 0 ? 'uid-1' : 'uid-0' })
      : others(m.n),
    description: '',
  };
  return { ...o, floatingIps: [...o.floatingIps, fip] };
}

const DISPATCH: Readonly<Record<MutationKind, (o: Observed, m: Mutation, id: string) => Observed>> = {
  lbStatus: mutateLb,
  lbUid: mutateLb,
  lbVip: mutateLb,
  duplicateLb: mutateLb,
  othersLb: mutateLb,
  dropListener: mutateListener,
  listenerForeign: mutateListener,
  listenerError: mutateListener,
  listenerDying: mutateListener,
  listenerEdit: mutateListener,
  othersListener: mutateListener,
  dropPool: mutatePool,
  poolForeign: mutatePool,
  poolError: mutatePool,
  poolProtocol: mutatePool,
  poolEdit: mutatePool,
  orphanPool: mutatePool,
  dropMember: mutateMember,
  memberForeign: mutateMember,
  memberRename: mutateMember,
  othersMember: mutateMember,
  ownedMember: mutateMember,
  othersFip: mutateFip,
  ownedFip: mutateFip,
  fipPort: mutateFip,
  dropMonitor: mutateMonitor,
  monitorForeign: mutateMonitor,
  monitorError: mutateMonitor,
  monitorDying: mutateMonitor,
  monitorEdit: mutateMonitor,
  vipGroups: mutateMonitor,
};

/** `observed` after mutation `m`; `index` makes the ids of added objects unique. */
export function mutate(observed: Observed, m: Mutation, index: number): Observed {
  return DISPATCH[m.kind](observed, m, `m${index}-${m.kind}`);
}

function mutation(...kinds: MutationKind[]): fc.Arbitrary<Mutation> {
  return fc.record({ kind: fc.constantFrom(...kinds), pick: fc.nat(20), n: fc.nat(20) });
}

/** A mutation that only adds objects SERVICE does not own. */
export const arbForeignMutation: fc.Arbitrary<Mutation> = mutation(
  'othersLb',
  'othersListener',
  'othersMember',
  'othersFip',
);

/** Any mutation; foreign additions weigh a third. */
export const arbMutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: arbForeignMutation, weight: 3 },
  { arbitrary: mutation('lbStatus', 'lbUid', 'lbVip', 'duplicateLb'), weight: 1 },
  {
    arbitrary: mutation('dropListener', 'listenerForeign', 'listenerError', 'listenerDying', 'listenerEdit'),
    weight: 2,
  },
  {
    arbitrary: mutation('dropPool', 'poolForeign', 'poolError', 'poolProtocol', 'poolEdit', 'orphanPool'),
    weight: 2,
  },
  { arbitrary: mutation('dropMember', 'memberForeign', 'memberRename', 'ownedMember'), weight: 2 },
  { arbitrary: mutation('ownedFip', 'fipPort'), weight: 2 },
  {
    arbitrary: mutation(
      'dropMonitor',
      'monitorForeign',
      'monitorError',
      'monitorDying',
      'monitorEdit',
      'vipGroups',
    ),
    weight: 2,
  },
);
