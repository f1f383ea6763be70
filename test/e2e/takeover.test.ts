/**
 * Taking over a cluster kuryr-kubernetes ran, on the real test cloud. Before our controller
 * starts, load balancers are made exactly as kuryr makes them: a bare load balancer named
 * `ns/name`, then its listener, its pool and one member POST at a time, each waited for, kuryr's
 * `resource_tags` only; a Pool floating IP on its VIP port; the Service carrying kuryr's
 * finalizer and the floating IP as ingress; a KuryrLoadBalancer in kuryr's shape with kuryr's
 * finalizer and status. Then `kuryr-services adopt --dry-run` (the built binary) runs: it must
 * name the proven one as adopted with its floating IP and the other as refused, exit 1, and
 * write nothing. Then our controller starts.
 *
 * Proven one: 0 load balancers created or deleted, 0 floating IPs created, deleted or
 * disassociated, the same ids and address, every object now tagged ours, Ready, kuryr's
 * record finalizer gone; deleting the Service then releases everything.
 * Refused one (the record names a load balancer with another name): it is never written,
 * the Service gets a KuryrAdoptionRefused Warning and Ready=False AdoptionRefused.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { afterAll, beforeAll, vi } from 'vitest';
import { isOwnershipTag } from '../../src/core/ownership.js';
import * as floatingips from '../../src/openstack/neutron/floatingips.js';
import * as listeners from '../../src/openstack/octavia/listeners.js';
import * as loadbalancers from '../../src/openstack/octavia/loadbalancers.js';
import * as members from '../../src/openstack/octavia/members.js';
import * as pools from '../../src/openstack/octavia/pools.js';
import { observeTree } from '../../src/openstack/observe-tree.js';
import { startHarness, type Harness } from '../support/e2e-harness.js';
import { testcloudCloudsYaml } from '../support/testcloud.js';
import { ensureBuilt, runBinary } from '../unit/app/cli-binary.js';
import { waitFor } from '../support/wait.js';
import { actions, eventCount, klbCondition, klbOf, NS, waitIngress } from './support/kube-reads.js';
import { answers404 } from './support/gone.js';
import { fipById } from './support/neutron-reads.js';
import { waitReleased } from './support/octavia-reads.js';
import { CONVERGE_MS, HOOK_MS, SCENARIO_MS } from './support/timeouts.js';
import { deleteService, ensureSlice } from './support/user-edits.js';

const RESOURCE_TAG = 'kuryr-e2e-takeover';
const KURYR_SERVICE_FINALIZER = 'kuryr.openstack.org/service-finalizer';
const KURYR_KLB_FINALIZER = 'kuryr.openstack.org/kuryrloadbalancer-finalizers';
const PODS = ['10.1.80.10', '10.1.80.11'];

interface KuryrMade {
  readonly lbId: string;
  readonly vipPortId: string;
  readonly listenerId: string;
  readonly poolId: string;
  readonly memberIds: readonly string[];
  readonly fip: { readonly id: string; readonly address: string };
}

function serviceSubnet(h: Harness): string {
  const id = h.config.neutron.serviceSubnetIds[0];
  if (id === undefined) throw new Error('no service subnet configured');
  return id;
}

async function waitActive(h: Harness, lbId: string): Promise<void> {
  await waitFor(`load balancer ${lbId} ACTIVE`, CONVERGE_MS, async () => {
    const lb = await loadbalancers.get(h.cloud.session, lbId);
    if (lb.provisioningStatus === 'ERROR') throw new Error(`load balancer ${lbId} went to ERROR`);
    return lb.provisioningStatus === 'ACTIVE';
  });
}

/** kuryr's request pattern: bare load balancer, listener, pool, one member at a time; then the floating IP. */
async function makeAsKuryr(
  h: Harness,
  name: string,
  vip: string,
  lbName = `${NS}/${name}`,
): Promise<KuryrMade> {
  const s = h.cloud.session;
  const tags = [RESOURCE_TAG];
  const lb = await loadbalancers.create(s, {
    loadbalancer: {
      name: lbName,
      description: '',
      vip_address: vip,
      vip_subnet_id: serviceSubnet(h),
      provider: 'amphora',
      tags,
    },
  } as unknown as Parameters<typeof loadbalancers.create>[1]);
  await waitActive(h, lb.id);
  const full = `${NS}/${name}:TCP:80`;
  const listener = await listeners.create(s, {
    listener: { name: full, protocol: 'TCP', protocol_port: 80, loadbalancer_id: lb.id, tags },
  });
  await waitActive(h, lb.id);
  const pool = await pools.create(s, {
    pool: { name: full, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN', listener_id: listener.id, tags },
  } as unknown as Parameters<typeof pools.create>[1]);
  await waitActive(h, lb.id);
  const memberIds: string[] = [];
  for (const address of PODS) {
    const m = await members.create(s, pool.id, {
      name: `${NS}/pod-${address}:8080`,
      address,
      protocol_port: 8080,
      tags,
    });
    memberIds.push(m.id);
    await waitActive(h, lb.id);
  }
  const vipPortId = (await loadbalancers.get(s, lb.id)).vipPortId ?? '';
  const fip = await floatingips.create(s, {
    networkId: h.info.public_net_id,
    subnetId: h.info.public_subnet_id,
    portId: vipPortId,
    description: 'kuryr_lb',
  });
  return { lbId: lb.id, vipPortId, listenerId: listener.id, poolId: pool.id, memberIds, fip };
}

/** The Service and its KuryrLoadBalancer as kuryr leaves them (finalizers, status, ingress). */
async function kuryrKubeObjects(h: Harness, name: string, vip: string, made: KuryrMade): Promise<void> {
  await ensureSlice(h, name, PODS);
  const svc = await h.core.createNamespacedService({
    namespace: NS,
    body: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: NS, finalizers: [KURYR_SERVICE_FINALIZER] },
      spec: {
        type: 'LoadBalancer',
        clusterIP: vip,
        ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
      },
    },
  });
  await h.core.replaceNamespacedServiceStatus({
    name,
    namespace: NS,
    body: Object.assign(svc, { status: { loadBalancer: { ingress: [{ ip: made.fip.address }] } } }),
  });
  const klb = {
    group: 'openstack.org',
    version: 'v1',
    namespace: NS,
    plural: 'kuryrloadbalancers',
  };
  const project = await h.cloud.session.projectId();
  const created = (await h.custom.createNamespacedCustomObject({
    ...klb,
    body: {
      apiVersion: 'openstack.org/v1',
      kind: 'KuryrLoadBalancer',
      metadata: {
        name,
        namespace: NS,
        finalizers: [KURYR_KLB_FINALIZER],
        ownerReferences: [
          { apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata?.uid ?? '', blockOwnerDeletion: true },
        ],
      },
      spec: {
        ip: vip,
        subnet_id: serviceSubnet(h),
        type: 'LoadBalancer',
        provider: 'amphora',
        project_id: project,
        security_groups_ids: [],
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: '8080' }],
      },
    },
  })) as { metadata: { resourceVersion: string } };
  await h.custom.replaceNamespacedCustomObjectStatus({
    ...klb,
    name,
    body: {
      apiVersion: 'openstack.org/v1',
      kind: 'KuryrLoadBalancer',
      metadata: { name, namespace: NS, resourceVersion: created.metadata.resourceVersion },
      status: {
        loadbalancer: {
          id: made.lbId,
          ip: vip,
          name: `${NS}/${name}`,
          port_id: made.vipPortId,
          project_id: project,
          provider: 'amphora',
          security_groups: [],
          subnet_id: serviceSubnet(h),
        },
        service_pub_ip_info: { ip_id: made.fip.id, ip_addr: made.fip.address, alloc_method: 'pool' },
      },
    },
  });
}

interface DryRun {
  readonly code: number | null;
  readonly stderr: string;
  readonly verdicts: ReadonlyMap<
    string,
    { verdict: string; loadBalancerId: string | null; floatingIp: string | null }
  >;
  /** Tags of both load balancers right after the run. */
  readonly tagsAfter: readonly (readonly string[])[];
}

/** `kuryr-services adopt --dry-run -o json` of the built binary, before our controller starts. */
async function adoptDryRun(h: Harness, lbIds: readonly string[]): Promise<DryRun> {
  await ensureBuilt();
  const dir = await mkdtemp(path.join(tmpdir(), 'ks-takeover-'));
  const files = { conf: path.join(dir, 'kuryr.conf'), kubeconfig: path.join(dir, 'kubeconfig') };
  await writeFile(files.conf, h.configText);
  await writeFile(files.kubeconfig, h.api.kubeConfig().exportConfig());
  vi.stubEnv('OS_CLIENT_CONFIG_FILE', testcloudCloudsYaml());
  vi.stubEnv('OS_CLOUD', '');
  try {
    const access = ['--kubeconfig', files.kubeconfig, '--os-cloud', h.info.cloud, '--config', files.conf];
    const run = await runBinary(['adopt', '--dry-run', '-o', 'json', ...access]);
    const parsed = JSON.parse(run.stdout || '{"services":[]}') as {
      services: {
        service: string;
        verdict: string;
        loadBalancerId: string | null;
        floatingIp: string | null;
      }[];
    };
    const tagsAfter = await Promise.all(
      lbIds.map(async (id) => (await loadbalancers.get(h.cloud.session, id)).tags),
    );
    return {
      code: run.code,
      stderr: run.stderr,
      verdicts: new Map(parsed.services.map((v) => [v.service, v])),
      tagsAfter,
    };
  } finally {
    vi.unstubAllEnvs();
  }
}

describe('taking over a kuryr-kubernetes cluster', () => {
  let h: Harness;
  let adopted: KuryrMade;
  let refused: KuryrMade;
  const handMade: KuryrMade[] = [];
  let started = false;
  let dryRun: DryRun;
  beforeAll(async () => {
    h = await startHarness({ extraConf: `\n[neutron_defaults]\nresource_tags = ${RESOURCE_TAG}\n` });
    started = true;
    adopted = await makeAsKuryr(h, 'kt', '10.2.80.10');
    handMade.push(adopted);
    await kuryrKubeObjects(h, 'kt', '10.2.80.10', adopted);
    // The record names a load balancer that is not named as kuryr names this Service's.
    refused = await makeAsKuryr(h, 'kr', '10.2.80.11', `${NS}/someone-else`);
    handMade.push(refused);
    await kuryrKubeObjects(h, 'kr', '10.2.80.11', refused);
    dryRun = await adoptDryRun(h, [adopted.lbId, refused.lbId]);
    await h.startController();
  }, HOOK_MS * 2);
  afterAll(async () => {
    if (!started) return;
    try {
      for (const made of handMade) {
        await floatingips.delete(h.cloud.session, made.fip.id).catch(() => undefined);
        await loadbalancers.delete(h.cloud.session, made.lbId, { cascade: true }).catch(() => undefined);
      }
    } finally {
      await h.dispose();
    }
  }, HOOK_MS);

  it('adopt --dry-run before the switch names what the controller then does, and writes nothing', () => {
    expect(dryRun.stderr).toBe('');
    expect(dryRun.verdicts.get(`${NS}/kt`)).toEqual(
      expect.objectContaining({
        verdict: 'adopt',
        loadBalancerId: adopted.lbId,
        floatingIp: adopted.fip.address,
      }),
    );
    expect(dryRun.verdicts.get(`${NS}/kr`)).toEqual(
      expect.objectContaining({ verdict: 'refused', loadBalancerId: refused.lbId }),
    );
    expect(dryRun.code).toBe(1);
    expect(dryRun.tagsAfter).toEqual([[RESOURCE_TAG], [RESOURCE_TAG]]);
  });

  it(
    'adopts the proven tree in place: 0 creates, 0 deletes, 0 addresses changed; a later delete releases everything',
    async () => {
      await waitFor(
        'Ready=True',
        CONVERGE_MS,
        async () => (await klbCondition(h, 'kt', 'Ready'))?.status === 'True',
      );
      const tree = await observeTree(h.cloud.session, await loadbalancers.get(h.cloud.session, adopted.lbId));
      const counts = {
        createLoadBalancer: await actions(h, 'createLoadBalancer'),
        deleteLoadBalancer: await actions(h, 'deleteLoadBalancer'),
        createListener: await actions(h, 'createListener'),
        createPool: await actions(h, 'createPool'),
        createFloatingIp: await actions(h, 'createFloatingIp'),
        deleteFloatingIp: await actions(h, 'deleteFloatingIp'),
        disassociateFloatingIp: await actions(h, 'disassociateFloatingIp'),
      };
      const fip = await fipById(h, adopted.fip.id);
      console.log(
        `takeover counts: ${JSON.stringify(counts)}; floating IP ${adopted.fip.address} → ${fip?.address ?? 'gone'}; ` +
          `adoption writes: tagLoadBalancer ${await actions(h, 'tagLoadBalancer')}, updateListener ${await actions(h, 'updateListener')}, ` +
          `updatePool ${await actions(h, 'updatePool')}, replaceMembers ${await actions(h, 'replaceMembers')}, tagFloatingIp ${await actions(h, 'tagFloatingIp')}`,
      );
      expect(Object.values(counts)).toEqual([0, 0, 0, 0, 0, 0, 0]);
      expect(fip?.address).toBe(adopted.fip.address);
      expect(fip?.portId).toBe(adopted.vipPortId);
      expect(tree.listeners.map((l) => l.id)).toEqual([adopted.listenerId]);
      expect(tree.pools.map((p) => p.id)).toEqual([adopted.poolId]);
      expect(tree.pools[0]?.members.map((m) => m.id).sort()).toEqual([...adopted.memberIds].sort());
      const ours = (tags: readonly string[]): boolean =>
        tags.some(isOwnershipTag) && tags.includes(RESOURCE_TAG);
      for (const tags of [
        tree.tags,
        ...tree.listeners.map((l) => l.tags),
        ...tree.pools.map((p) => p.tags),
        ...tree.pools.flatMap((p) => p.members.map((m) => m.tags)),
        fip?.tags ?? [],
      ])
        expect(ours(tags)).toBe(true);
      await waitIngress(h, 'kt', [adopted.fip.address]);
      await waitFor('kuryr finalizer off the record', CONVERGE_MS, () =>
        Promise.resolve(!(klbOf(h, 'kt')?.metadata.finalizers ?? []).includes(KURYR_KLB_FINALIZER)),
      );
      expect(await eventCount(h, 'kt', 'KuryrAdoptedLB')).toBeGreaterThanOrEqual(1);

      await deleteService(h, 'kt');
      await waitReleased(h, 'kt');
      await waitFor('kuryr load balancer deleted', CONVERGE_MS, () =>
        answers404(() => loadbalancers.get(h.cloud.session, adopted.lbId)),
      );
      expect(await fipById(h, adopted.fip.id)).toBeNull();
    },
    SCENARIO_MS,
  );

  it(
    'leaves a load balancer that fails the proof as it is, and says why',
    async () => {
      await waitFor('Ready=False AdoptionRefused', CONVERGE_MS, async () => {
        const c = await klbCondition(h, 'kr', 'Ready');
        return c?.status === 'False' && c.reason === 'AdoptionRefused';
      });
      expect(await eventCount(h, 'kr', 'KuryrAdoptionRefused')).toBeGreaterThanOrEqual(1);
      const lb = await loadbalancers.get(h.cloud.session, refused.lbId);
      expect(lb.tags).toEqual([RESOURCE_TAG]);
      const fip = await fipById(h, refused.fip.id);
      expect(fip?.tags).toEqual([]);
      expect(fip?.portId).toBe(refused.vipPortId);
      expect(await actions(h, 'createLoadBalancer')).toBe(0);
    },
    SCENARIO_MS,
  );
});
