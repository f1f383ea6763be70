/**
 * A benchmark of the fake's HTTP face at the scale issue 11 asks for (prints numbers, asserts
 * nothing): N fully-populated load balancers with M members each and a floating IP on every
 * VIP port, created through our real clients over real sockets; then per-Service
 * observations, the two ownership-sweep lists, batch member updates, and the process's memory.
 *
 *   node --expose-gc node_modules/vite-node/vite-node.mjs test/contract/fake-scale.ts -- [lbs] [members] [concurrency]
 */
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { ownershipTags, serviceTag, clusterTag, OWNER_TAG } from '../../src/core/ownership.js';
import { resolveCloudConfig } from '../../src/openstack/cloud-config.js';
import { openCloudSession } from '../../src/openstack/keystone/open.js';
import * as floatingips from '../../src/openstack/neutron/floatingips.js';
import * as loadbalancers from '../../src/openstack/octavia/loadbalancers.js';
import * as members from '../../src/openstack/octavia/members.js';
import { observeService } from '../../src/openstack/observe.js';
import { listOwnedServiceKeys } from '../../src/openstack/owned-keys.js';
import type { OpenStackSession } from '../../src/openstack/session.js';
import { FakeOpenStack } from '../support/fake-openstack/cloud.js';
import { startFakeOpenStackServer } from '../support/fake-openstack/face-http.js';

const [lbCount = 10_000, memberCount = 10, concurrency = 32] = process.argv
  .slice(2)
  .filter((a) => a !== '--')
  .map(Number);
const OWNER = { clusterId: 'bench', writer: 'bench' };

function vip(i: number): string {
  return `10.2.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

async function inParallel(count: number, limit: number, task: (i: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let i = next++; i < count; i = next++) await task(i);
    }),
  );
  return performance.now() - started;
}

function body(fake: FakeOpenStack, i: number) {
  const service = { namespace: 'bench', name: `svc-${i}`, uid: `uid-${i}` };
  const tags = ownershipTags(OWNER, service);
  const pool = {
    name: `bench/svc-${i}:TCP:80`,
    protocol: 'TCP',
    lb_algorithm: 'ROUND_ROBIN' as const,
    tags,
    members: Array.from({ length: memberCount }, (_, m) => ({
      name: `m${m}`,
      address: `10.1.${Math.floor(m / 250)}.${(m % 250) + 1}`,
      protocol_port: 8080,
      subnet_id: fake.info.pod_subnet_id,
      tags,
    })),
  };
  const listener = { name: pool.name, protocol: 'TCP', protocol_port: 80, tags, default_pool: pool };
  const lb = {
    name: `bench/svc-${i}`,
    description: '',
    vip_address: vip(i),
    vip_subnet_id: fake.info.service_subnet_id,
    provider: 'amphora',
    tags,
    listeners: [listener],
  };
  return { service, body: { loadbalancer: lb } };
}

function row(label: string, value: string): void {
  process.stdout.write(`${label.padEnd(48)} ${value}\n`);
}

async function phases(fake: FakeOpenStack, session: OpenStackSession): Promise<void> {
  const ids: string[] = [];
  const createMs = await inParallel(lbCount, concurrency, async (i) => {
    const { body: b } = body(fake, i);
    const lb = await loadbalancers.create(session, b);
    ids[i] = lb.id;
    await floatingips.createTagged(session, {
      networkId: fake.info.public_net_id,
      portId: lb.vipPortId ?? '',
      description: `fip-${i}`,
      tags: b.loadbalancer.tags,
    });
  });
  row(
    `create ${lbCount} LBs (+${memberCount} members, + FIP)`,
    `${(createMs / 1000).toFixed(1)} s, ${((lbCount * 3) / (createMs / 1000)).toFixed(0)} req/s`,
  );
  await new Promise((resolve) => setTimeout(resolve, 1500));
  fake.settleDue();
  const sample = Math.min(200, lbCount);
  const observeMs = await inParallel(sample, 8, async (i) => {
    const { service } = body(fake, i * Math.floor(lbCount / sample));
    await observeService({
      session,
      owner: OWNER,
      projectId: fake.info.project_id,
      service,
      loadBalancerName: `bench/${service.name}`,
    });
  });
  row(`observeService x${sample} (8 in flight)`, `${(observeMs / sample).toFixed(1)} ms per Service`);
  const sweep = performance.now();
  const owned = (await listOwnedServiceKeys(session, { owner: OWNER, projectId: fake.info.project_id })).keys;
  row(
    `ownership sweep (LBs by tags, all FIPs): ${owned.length} keys`,
    `${(performance.now() - sweep).toFixed(0)} ms`,
  );
  const byTag = performance.now();
  const one = await loadbalancers.listAll(session, {
    tags: [OWNER_TAG, clusterTag(OWNER.clusterId), serviceTag({ namespace: 'bench', name: 'svc-7' })],
  });
  row(`LB list by one Service's tags (${one.length} found)`, `${(performance.now() - byTag).toFixed(1)} ms`);
  const batches = Math.min(1000, lbCount);
  const batchMs = await inParallel(batches, concurrency, async (i) => {
    const poolId = (await loadbalancers.get(session, ids[i] ?? '')).poolIds[0] ?? '';
    const keep = (await members.listAll(session, poolId)).slice(1).map(members.keepMember);
    await members.replaceAll(session, poolId, keep);
  });
  row(`batch member update x${batches} (get + list + PUT)`, `${(batchMs / batches).toFixed(1)} ms per pool`);
}

async function main(): Promise<void> {
  const fake = new FakeOpenStack({
    config: { octavia: { create: 200, createPerChild: 0, update: 100, delete: 200 } },
    topology: { publicCidr: '172.16.0.0/16' },
  });
  const server = await startFakeOpenStackServer(fake);
  const resolved = await resolveCloudConfig({
    env: { OS_CLIENT_CONFIG_FILE: '/fake/clouds.yaml' },
    readFile: (file) => Promise.resolve(file === '/fake/clouds.yaml' ? server.cloudsYaml() : undefined),
    cwd: '/nonexistent',
    homeDir: '/nonexistent',
    cloud: 'fake',
  });
  const opened = await openCloudSession(resolved, {
    logger: pino({ level: 'silent' }),
    registry: new Registry(),
    version: 'bench',
    readFile: () => Promise.resolve(undefined),
  });
  try {
    row('machine', `${process.platform} node ${process.version}`);
    await phases(fake, opened.session);
    (globalThis as { gc?: () => void }).gc?.();
    const mem = process.memoryUsage();
    row(
      'process memory (client + fake) after GC',
      `rss ${(mem.rss / 2 ** 20).toFixed(0)} MB, heap ${(mem.heapUsed / 2 ** 20).toFixed(0)} MB`,
    );
    row(
      'fake rows',
      `${fake.octavia.loadBalancers.size} LBs, ${fake.octavia.members.size} members, ${fake.neutron.ports.size} ports, ${fake.neutron.floatingIps.size} FIPs`,
    );
    row('requests answered', String(fake.requests.count()));
  } finally {
    opened.close();
    await server.close();
  }
}

await main();
