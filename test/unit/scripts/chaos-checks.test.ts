/**
 * The chaos suite's end checks fed the states a BROKEN controller leaves (scripts/chaos-parts:
 * verdicts.ts, the observer's Ledger, report.ts): each must fail, with a message naming what
 * is wrong. A healthy state passes, so each failure below is the one broken thing.
 */
import { describe, expect, it } from 'vitest';
import type { ObservedFloatingIp, ObservedLoadBalancer } from '../../../src/core/model.js';
import { loadBalancerDescription } from '../../../src/core/naming.js';
import type { LoadBalancerRecord } from '../../../src/openstack/octavia/loadbalancers.js';
import { Ledger } from '../../../scripts/chaos-parts/observer.js';
import { churnLimitFor, exitCode, problems, type Figures } from '../../../scripts/chaos-parts/report.js';
import { settledEnough } from '../../../scripts/chaos-parts/settle.js';
import {
  judge,
  passed,
  type CheckResult,
  type CheckSnapshot,
} from '../../../scripts/chaos-parts/verdicts.js';
import type { Slot } from '../../../scripts/chaos-parts/world.js';

const OWNER = { clusterId: 'chaos-run-1', writer: 'chaos-writer' };
const marker = (name: string, uid: string): string =>
  loadBalancerDescription(OWNER, { namespace: 'default', name, uid });

const slot = (over: Partial<Slot> = {}): Slot => ({
  name: 'chaos-0',
  alive: true,
  kind: 'LoadBalancer',
  ports: [{ name: 'p0', port: 80, targetPort: 8080 }],
  podIps: ['10.1.0.5'],
  clusterIP: '10.0.0.10',
  uid: 'uid-a',
  incarnations: 1,
  ...over,
});

function record(id: string, uid: string, over: Partial<LoadBalancerRecord> = {}): LoadBalancerRecord {
  return {
    id,
    name: `lb-${id}`,
    description: marker('chaos-0', uid),
    vipAddress: '10.0.0.10',
    vipSubnetId: 'subnet-1',
    vipPortId: `port-${id}`,
    vipNetworkId: 'net-1',
    provider: 'amphora',
    provisioningStatus: 'ACTIVE',
    operatingStatus: 'ONLINE',
    projectId: 'project-1',
    tags: [],
    listenerIds: ['l1'],
    poolIds: ['p1'],
    flavorId: null,
    availabilityZone: null,
    ...over,
  };
}

function tree(lb: LoadBalancerRecord, over: Partial<ObservedLoadBalancer> = {}): ObservedLoadBalancer {
  const common = { name: 'x', tags: [], provisioningStatus: 'ACTIVE' as const };
  const member = { ...common, id: 'm1', address: '10.1.0.5', protocolPort: 8080, subnetId: null };
  return {
    ...lb,
    listeners: [
      {
        ...common,
        id: 'l1',
        protocol: 'TCP',
        protocolPort: 80,
        allowedCidrs: [],
        timeoutClientData: null,
        timeoutMemberData: null,
        defaultPoolId: 'p1',
      },
    ],
    pools: [
      {
        ...common,
        id: 'p1',
        protocol: 'TCP',
        lbAlgorithm: 'ROUND_ROBIN',
        sessionPersistence: null,
        members: [member],
        listenerId: 'l1',
      },
    ],
    ...over,
  };
}

const fip = (id: string, uid: string, portId: string | null): ObservedFloatingIp => ({
  id,
  address: `172.24.4.${id.length}`,
  networkId: 'public',
  portId,
  tags: [],
  description: marker('chaos-0', uid),
});

/** A converged Service chaos-0 (LoadBalancer, uid-a) and nothing else. */
function healthy(): CheckSnapshot {
  const lb = record('lb-a', 'uid-a');
  const f = fip('fip-a', 'uid-a', 'port-lb-a');
  return {
    slots: [slot()],
    lbs: [lb],
    trees: new Map([[lb.id, tree(lb)]]),
    fips: [f],
    ingress: new Map([['chaos-0', [f.address]]]),
    vipPorts: new Map([['port-lb-a', 'lb-a']]),
    portsStillThere: new Set(),
    wronglyDeleted: [],
  };
}

const failing = (r: CheckResult, key: keyof CheckResult): readonly string[] => {
  expect(passed(r)).toBe(false);
  for (const other of Object.keys(r) as (keyof CheckResult)[])
    if (other !== key) expect(r[other], other).toEqual([]);
  return r[key];
};

describe('judge (end-check verdicts)', () => {
  it('passes a converged Service with nothing extra', () => {
    expect(judge(healthy())).toEqual({
      leakedLoadBalancers: [],
      leakedFloatingIps: [],
      leakedPorts: [],
      wronglyDeleted: [],
      unconverged: [],
    });
  });

  it('fails on a load balancer of the run that no live Service wants', () => {
    const s = healthy();
    const stray = record('lb-gone', 'uid-deleted');
    const r = judge({ ...s, lbs: [...s.lbs, stray] });
    expect(failing(r, 'leakedLoadBalancers')).toEqual([
      'lb-gone (uid uid-deleted, no live Service wants it)',
    ]);
  });

  it('fails on a second load balancer of a live Service (a duplicate leaks), and calls it unconverged', () => {
    const s = healthy();
    const r = judge({ ...s, lbs: [...s.lbs, record('lb-dup', 'uid-a')] });
    expect(r.leakedLoadBalancers).toEqual(['lb-dup (uid uid-a, no live Service wants it)']);
    expect(r.unconverged).toEqual(['chaos-0: 2 load balancers']);
  });

  it('fails on a floating IP no live LoadBalancer Service wants', () => {
    const s = healthy();
    const r = judge({ ...s, fips: [...s.fips, fip('fip-old', 'uid-deleted', null)] });
    expect(failing(r, 'leakedFloatingIps')).toEqual(['fip-old (uid uid-deleted, no live Service wants it)']);
  });

  it('fails on a VIP port left behind by a deleted load balancer', () => {
    const s = healthy();
    const vipPorts = new Map([...s.vipPorts, ['port-lb-gone', 'lb-gone']]);
    const r = judge({ ...s, vipPorts, portsStillThere: new Set(['port-lb-gone']) });
    expect(failing(r, 'leakedPorts')).toEqual(['port-lb-gone (VIP port of deleted LB lb-gone)']);
    expect(passed(judge({ ...s, vipPorts }))).toBe(true);
  });

  it('fails on what the observer found wrongly deleted', () => {
    const r = judge({ ...healthy(), wronglyDeleted: ['uid-a: lb-first'] });
    expect(failing(r, 'wronglyDeleted')).toEqual(['uid-a: lb-first']);
  });

  const unconverged = (s: CheckSnapshot): readonly string[] => failing(judge(s), 'unconverged');
  const withTree = (over: Partial<ObservedLoadBalancer>): CheckSnapshot => {
    const s = healthy();
    const [lb] = s.lbs;
    if (lb === undefined) throw new Error('fixture');
    return { ...s, trees: new Map([[lb.id, tree(lb, over)]]) };
  };

  it('fails a LoadBalancer Service whose ingress is missing', () => {
    const s = healthy();
    expect(unconverged({ ...s, ingress: new Map([['chaos-0', []]]) })).toEqual([
      'chaos-0: no ingress, want 172.24.4.5',
    ]);
    expect(unconverged({ ...s, fips: [], ingress: new Map([['chaos-0', []]]) })).toEqual([
      'chaos-0: no floating IP',
    ]);
  });

  it('fails a LoadBalancer Service whose ingress or floating IP is wrong', () => {
    const s = healthy();
    expect(unconverged({ ...s, ingress: new Map([['chaos-0', ['172.24.4.99']]]) })).toEqual([
      'chaos-0: ingress [172.24.4.99], want 172.24.4.5',
    ]);
    expect(unconverged({ ...s, fips: [fip('fip-a', 'uid-a', 'port-other')] })).toEqual([
      'chaos-0: floating IP 172.24.4.5 not on the VIP port',
    ]);
  });

  it('fails a ClusterIP Service that still shows an ingress', () => {
    const s = healthy();
    const r = judge({ ...s, slots: [slot({ kind: 'ClusterIP' })], fips: [] });
    expect(failing(r, 'unconverged')).toEqual(['chaos-0: ingress [172.24.4.5] on a ClusterIP']);
  });

  it('fails a Service with the wrong listeners or members', () => {
    expect(
      unconverged({ ...healthy(), slots: [slot({ ports: [{ name: 'p1', port: 443, targetPort: 8443 }] })] }),
    ).toEqual(['chaos-0: listeners [TCP:80], want [TCP:443]']);
    expect(unconverged({ ...healthy(), slots: [slot({ podIps: ['10.1.0.5', '10.1.0.6'] })] })).toEqual([
      'chaos-0: port 80: members [10.1.0.5:8080], want [10.1.0.5:8080 10.1.0.6:8080]',
    ]);
  });

  it('fails a Service whose tree is not ACTIVE or not on its ClusterIP', () => {
    expect(unconverged(withTree({ provisioningStatus: 'ERROR' }))).toEqual([
      'chaos-0: tree not ACTIVE (LB ERROR)',
    ]);
    expect(unconverged(withTree({ vipAddress: '10.0.0.99' }))).toEqual([
      'chaos-0: VIP 10.0.0.99, want 10.0.0.10',
    ]);
  });

  it('fails a live Service with no load balancer, and a deleted one still in the API server', () => {
    expect(unconverged({ ...healthy(), lbs: [], trees: new Map(), fips: [] })).toEqual([
      'chaos-0: 0 load balancers',
    ]);
    const gone = slot({ name: 'chaos-1', alive: false, uid: 'uid-b' });
    const s = healthy();
    expect(
      unconverged({ ...s, slots: [...s.slots, gone], ingress: new Map([...s.ingress, ['chaos-1', []]]) }),
    ).toEqual(['chaos-1: deleted, but still in the API server (finalizer not released)']);
  });

  it('keeps settle waiting while a Service is unconverged or something leaked', () => {
    expect(settledEnough(judge(healthy()))).toBe(true);
    expect(settledEnough(judge({ ...healthy(), ingress: new Map([['chaos-0', []]]) }))).toBe(false);
    const s = healthy();
    expect(settledEnough(judge({ ...s, lbs: [...s.lbs, record('lb-gone', 'uid-deleted')] }))).toBe(false);
  });
});

describe('the observer Ledger (wrongly deleted)', () => {
  const alive = new Set(['uid-a']);
  const poll = (ledger: Ledger, lbs: readonly LoadBalancerRecord[], after = alive): void => {
    ledger.record({ lbs, aliveBefore: alive, aliveAfter: after });
  };

  it('flags an established load balancer replaced while its Service (and ClusterIP) lived', () => {
    const ledger = new Ledger();
    poll(ledger, [record('lb-first', 'uid-a')]);
    poll(ledger, [record('lb-second', 'uid-a')]);
    expect(ledger.observations().wronglyDeleted).toEqual(['uid-a: lb-first']);
    expect(ledger.observations().vipPorts).toEqual(
      new Map([
        ['port-lb-first', 'lb-first'],
        ['port-lb-second', 'lb-second'],
      ]),
    );
  });

  it('does not flag a load balancer that was never ACTIVE, or whose Service was deleted meanwhile', () => {
    const pending = new Ledger();
    poll(pending, [record('lb-first', 'uid-a', { provisioningStatus: 'PENDING_CREATE' })]);
    poll(pending, [record('lb-second', 'uid-a')]);
    expect(pending.observations().wronglyDeleted).toEqual([]);
    const deleted = new Ledger();
    poll(deleted, [record('lb-first', 'uid-a')]);
    poll(deleted, [], new Set());
    expect(deleted.observations().wronglyDeleted).toEqual([]);
  });

  it('counts the most load balancers one incarnation had at once', () => {
    const ledger = new Ledger();
    poll(ledger, [record('lb-1', 'uid-a'), record('lb-2', 'uid-a')]);
    expect(ledger.observations().mostPerUid).toBe(2);
    expect(ledger.observations().polls).toBe(1);
  });
});

describe('report: the rate limits and the exit code', () => {
  const figures = (over: Partial<Figures> = {}): Figures => ({
    seed: 7,
    durationMs: 1000,
    services: 50,
    incarnations: 50,
    steps: {},
    kills: 0,
    starts: 1,
    listFaults: 0,
    watchExpired: 0,
    refusedMs: 0,
    tokenRevoked: 'HTTP 204',
    proxy: {},
    rates: { churn: { max: 63, mean: 6.4 }, settle: { max: 31, mean: 6.4 }, idle: { max: 0, mean: 0 } },
    idleLimit: 2,
    churnLimit: churnLimitFor(50, 4),
    convergeMs: 0,
    checks: judge(healthy()),
    leftAfterCleanup: 0,
    ...over,
  });
  const rates = (churn: { max: number; mean: number }, idle = { max: 0, mean: 0 }): Figures['rates'] => ({
    churn,
    settle: { max: 0, mean: 0 },
    idle,
  });

  it('passes the measured full run (exit 0), with room over its max 63 and mean 6.4', () => {
    expect(churnLimitFor(50, 4)).toEqual({ max: 150, mean: 20 });
    expect(problems(figures())).toEqual([]);
    expect(exitCode(figures())).toBe(0);
  });

  it('fails a hot loop while idle', () => {
    const f = figures({ rates: rates({ max: 63, mean: 6.4 }, { max: 9, mean: 3.5 }) });
    expect(problems(f)).toEqual(['hot loop: 3.5 req/s idle > 2']);
    expect(exitCode(f)).toBe(1);
  });

  it('fails a hot loop during the churn: a second above the max, or the mean above its bound', () => {
    expect(problems(figures({ rates: rates({ max: 151, mean: 6.4 }) }))).toEqual([
      'hot loop: 151 req/s in one second of the churn > 150',
    ]);
    const f = figures({ rates: rates({ max: 90, mean: 20.5 }) });
    expect(problems(f)).toEqual(['hot loop: 20.5 req/s mean during the churn > 20']);
    expect(exitCode(f)).toBe(1);
  });

  it('exits non-zero on each failed end check and on what the clean-up left', () => {
    const s = healthy();
    const leaked = judge({ ...s, lbs: [...s.lbs, record('lb-gone', 'uid-deleted')] });
    expect(problems(figures({ checks: leaked }))).toEqual([
      'leaked load balancer: lb-gone (uid uid-deleted, no live Service wants it)',
    ]);
    expect(exitCode(figures({ checks: leaked }))).toBe(1);
    expect(
      exitCode(figures({ checks: { ...leaked, leakedLoadBalancers: [], wronglyDeleted: ['uid-a: lb-1'] } })),
    ).toBe(1);
    expect(problems(figures({ leftAfterCleanup: 2 }))).toEqual(['clean-up left 2 object(s)']);
  });
});
