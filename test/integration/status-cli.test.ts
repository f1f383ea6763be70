/**
 * `status -o json` and `gc --dry-run` of the built binary against the real test cloud and the
 * simulated API server: one load balancer made directly, tagged as this cluster's controller
 * would tag it, for a Service the cluster no longer has. `status` shows it (deleted, its VIP,
 * its provisioning status), `gc --dry-run` would release it (exit 1) and changes nothing.
 * The load balancer is deleted by its id at the end.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ServiceRef } from '../../src/core/model.js';
import { loadBalancerDescription } from '../../src/core/naming.js';
import { ownershipTags, type Owner } from '../../src/core/ownership.js';
import { NotFoundError } from '../../src/openstack/errors.js';
import type { OpenedSession } from '../../src/openstack/keystone/open.js';
import * as loadbalancers from '../../src/openstack/octavia/loadbalancers.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube-apiserver/index.js';
import {
  loadTestcloudInfo,
  testcloudCloudsYaml,
  testcloudDir,
  testcloudSession,
  type TestcloudInfo,
} from '../support/testcloud.js';
import { waitForValue } from '../support/wait.js';
import { ensureBuilt, runBinary } from '../unit/app/cli-binary.js';
import { tempDir } from './doctor-support.js';

const id = randomBytes(3).toString('hex');
const GONE: ServiceRef = { namespace: 'default', name: `gone-${id}`, uid: `uid-${id}` };

describe('kuryr-services status and gc --dry-run (real cloud, simulated cluster)', () => {
  let info: TestcloudInfo;
  let api: KubeApiServer;
  let opened: OpenedSession;
  let access: string[];
  let lbId: string | undefined;

  beforeAll(async () => {
    await ensureBuilt();
    info = await loadTestcloudInfo();
    vi.stubEnv('OS_CLIENT_CONFIG_FILE', testcloudCloudsYaml());
    vi.stubEnv('OS_CLOUD', '');
    const dir = tempDir();
    const conf = path.join(dir, 'kuryr.conf');
    const base = await readFile(path.join(testcloudDir(), 'kuryr.conf'), 'utf8');
    await writeFile(conf, base.replace(/cluster_id = .*/, `cluster_id = status-${id}`));
    api = await startKubeApiServer({ serviceCidr: '10.2.0.0/17' });
    const kubeconfig = path.join(dir, 'kubeconfig');
    await writeFile(kubeconfig, api.kubeConfig().exportConfig());
    access = ['--kubeconfig', kubeconfig, '--os-cloud', info.cloud, '--config', conf];
    const writer = api.store.get({ plural: 'namespaces', name: 'kube-system' })?.metadata.uid ?? '';
    const owner: Owner = { clusterId: `status-${id}`, writer };
    opened = await testcloudSession();
    const res = await opened.session.request<{ loadbalancer: { id: string } }>({
      service: 'load-balancer',
      method: 'POST',
      path: '/v2/lbaas/loadbalancers',
      operation: 'test.by-hand',
      body: {
        loadbalancer: {
          name: `${GONE.namespace}/${GONE.name}`,
          description: loadBalancerDescription(owner, GONE),
          vip_subnet_id: info.service_subnet_id,
          tags: ownershipTags(owner, GONE),
        },
      },
    });
    lbId = res.body.loadbalancer.id;
    await waitForValue(
      'the load balancer ACTIVE',
      300_000,
      async () => {
        const lb = await loadbalancers.get(opened.session, lbId ?? '');
        if (lb.provisioningStatus === 'ERROR') throw new Error(`load balancer ${lb.id} went to ERROR`);
        return lb.provisioningStatus === 'ACTIVE' ? lb : null;
      },
      { intervalMs: 2000 },
    );
  }, 360_000);

  afterAll(async () => {
    vi.unstubAllEnvs();
    if (lbId !== undefined) {
      try {
        await loadbalancers.delete(opened.session, lbId, { cascade: true });
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
    opened.close();
    await api.stop();
  }, 120_000);

  it('status -o json lists the load balancer of the gone Service', async () => {
    const run = await runBinary(['status', ...access, '-o', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const rows = (JSON.parse(run.stdout) as { services: Record<string, unknown>[] }).services;
    const row = rows.find((r) => r.service === `default/${GONE.name}`);
    expect(row).toMatchObject({ deleted: true, loadBalancerId: lbId, provisioningStatus: 'ACTIVE' });
    expect(row?.vip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('gc --dry-run would release it (exit 1) and deletes nothing', async () => {
    const run = await runBinary(['gc', '--dry-run', ...access]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`would release  default/${GONE.name}: the Service is gone (live 404)`);
    expect(run.stdout).toContain(`delete load balancer ${lbId ?? '?'}`);
    const lb = await loadbalancers.get(opened.session, lbId ?? '');
    expect(lb.provisioningStatus).toBe('ACTIVE');
  });
});
