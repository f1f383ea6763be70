/**
 * A cluster and a cloud for `status` / `gc --dry-run`: the simulated API server, the fake
 * OpenStack over HTTP (zero Octavia latency, so `settleDue` finishes every operation), and
 * the files the CLI reads (kubeconfig, clouds.yaml, kuryr.conf). Objects are made as the
 * controller would have left them: tagged with cluster `c1` and this API server's
 * kube-system uid as the writer.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { vi } from 'vitest';
import type { ServiceRef } from '../../../src/core/model.js';
import { loadBalancerDescription } from '../../../src/core/naming.js';
import { ownershipTags, type Owner } from '../../../src/core/ownership.js';
import { runCli } from '../../../src/app/cli/program.js';
import type { OpenStackSession } from '../../../src/openstack/session.js';
import {
  FakeOpenStack,
  fakeSession,
  startFakeOpenStackServer,
  type FakeOpenStackServer,
} from '../../support/fake-openstack/index.js';
import { kuryrConfFor } from '../../support/fake-openstack/topology.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/index.js';

export interface StatusSetup {
  readonly api: KubeApiServer;
  readonly fake: FakeOpenStack;
  readonly http: FakeOpenStackServer;
  readonly session: OpenStackSession;
  readonly owner: Owner;
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  /** `--kubeconfig … --os-cloud fake --config …` */
  readonly access: readonly string[];
  stop(): Promise<void>;
}

/** Starts both servers and writes the files; OS_CLIENT_CONFIG_FILE is stubbed (unstub after). */
export async function startStatusSetup(
  kuryrConf: Record<string, string | number> = {},
): Promise<StatusSetup> {
  const api = await startKubeApiServer({ serviceCidr: '10.2.0.0/17' });
  const fake = new FakeOpenStack({
    config: { octavia: { create: 0, createPerChild: 0, update: 0, delete: 0, jitter: 0 } },
  });
  const http = await startFakeOpenStackServer(fake);
  const dir = await mkdtemp(path.join(tmpdir(), 'ks-status-'));
  const files = { kubeconfig: path.join(dir, 'kubeconfig'), clouds: path.join(dir, 'clouds.yaml') };
  await writeFile(files.kubeconfig, api.kubeConfig().exportConfig());
  await http.writeCloudsYaml(files.clouds);
  const conf = path.join(dir, 'kuryr.conf');
  await writeFile(conf, kuryrConfFor(fake.info, { cluster_id: 'c1', ...kuryrConf }));
  vi.stubEnv('OS_CLIENT_CONFIG_FILE', files.clouds);
  const uid = api.store.get({ plural: 'namespaces', name: 'kube-system' })?.metadata.uid ?? '';
  return {
    api,
    fake,
    http,
    session: fakeSession(fake),
    owner: { clusterId: 'c1', writer: uid },
    core: api.kubeConfig().makeApiClient(CoreV1Api),
    custom: api.kubeConfig().makeApiClient(CustomObjectsApi),
    access: ['--kubeconfig', files.kubeconfig, '--os-cloud', 'fake', '--config', conf],
    stop: async () => {
      vi.unstubAllEnvs();
      await http.close().catch(() => undefined); // a test may have closed it already
      await api.stop();
    },
  };
}

/** A LoadBalancer Service `default/<name>` (port 80 → 8080); resolves with its ref. */
export async function aService(s: StatusSetup, name: string): Promise<ServiceRef> {
  const svc = await s.core.createNamespacedService({
    namespace: 'default',
    body: {
      metadata: { name },
      spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
    },
  });
  return { namespace: 'default', name, uid: svc.metadata?.uid ?? '' };
}

/** A load balancer as the controller makes it (fully populated, `members` addresses on 8080), ACTIVE. */
export async function anOwnedLoadBalancer(
  s: StatusSetup,
  ref: ServiceRef,
  members: readonly string[],
): Promise<{ id: string; vipPortId: string; vipAddress: string }> {
  const key = `${ref.namespace}/${ref.name}`;
  const res = await s.session.request<{
    loadbalancer: { id: string; vip_port_id: string; vip_address: string };
  }>({
    service: 'load-balancer',
    method: 'POST',
    path: '/v2/lbaas/loadbalancers',
    operation: 'test.by-hand',
    body: {
      loadbalancer: {
        name: key,
        description: loadBalancerDescription(s.owner, ref),
        vip_subnet_id: s.fake.info.service_subnet_id,
        tags: ownershipTags(s.owner, ref),
        listeners: [
          {
            name: `${key}:TCP:80`,
            protocol: 'TCP',
            protocol_port: 80,
            default_pool: {
              name: `${key}:TCP:80`,
              protocol: 'TCP',
              lb_algorithm: 'ROUND_ROBIN',
              members: members.map((address) => ({
                address,
                protocol_port: 8080,
                subnet_id: s.fake.info.pod_subnet_id,
              })),
            },
          },
        ],
      },
    },
  });
  s.fake.settleDue();
  const lb = res.body.loadbalancer;
  return { id: lb.id, vipPortId: lb.vip_port_id, vipAddress: lb.vip_address };
}

/** A floating IP on `portId`: ours (tagged for `ref`) or a user's (untagged). */
export async function aFloatingIp(
  s: StatusSetup,
  portId: string,
  ref: ServiceRef | null,
): Promise<{ id: string; address: string }> {
  const res = await s.session.request<{ floatingip: { id: string; floating_ip_address: string } }>({
    service: 'network',
    method: 'POST',
    path: '/v2.0/floatingips',
    operation: 'test.by-hand',
    body: { floatingip: { floating_network_id: s.fake.info.public_net_id, port_id: portId } },
  });
  const fip = res.body.floatingip;
  if (ref !== null) {
    await s.session.request({
      service: 'network',
      method: 'PUT',
      path: `/v2.0/floatingips/${fip.id}/tags`,
      operation: 'test.by-hand',
      body: { tags: ownershipTags(s.owner, ref) },
    });
  }
  return { id: fip.id, address: fip.floating_ip_address };
}

/** A Warning event about Service `default/<name>`. */
export async function aWarning(s: StatusSetup, name: string, reason: string, message: string): Promise<void> {
  await s.core.createNamespacedEvent({
    namespace: 'default',
    body: {
      metadata: { name: `${name}.${reason.toLowerCase()}` },
      involvedObject: { kind: 'Service', namespace: 'default', name, apiVersion: 'v1' },
      type: 'Warning',
      reason,
      message,
      count: 1,
      lastTimestamp: new Date(),
      source: { component: 'kuryr-services' },
    },
  });
}

/** Runs the CLI; `signal` ends `--watch`. */
export async function cli(
  args: readonly string[],
  options: { signal?: AbortSignal; onStdout?: (text: string) => void } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => {
      stdout += t;
      options.onStdout?.(t);
    },
    stderr: (t) => {
      stderr += t;
    },
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { code, stdout, stderr };
}
