/** `kuryr-services adopt --dry-run` against the simulated API server and the fake OpenStack over HTTP. */
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { aService, cli, startStatusSetup, type StatusSetup } from './status-setup.js';

let s: StatusSetup | null = null;
async function setup(conf: Record<string, string | number> = {}): Promise<StatusSetup> {
  s = await startStatusSetup(conf);
  return s;
}
afterEach(async () => {
  await s?.stop();
  s = null;
});

const writes = (w: StatusSetup): number =>
  w.fake.requests.count({ kind: 'write', service: 'load-balancer' }) +
  w.fake.requests.count({ kind: 'write', service: 'network' });

const crd = { group: 'openstack.org', version: 'v1', plural: 'kuryrloadbalancers', namespace: 'default' };

/** What kuryr-kubernetes left for `default/<service>`: a bare load balancer named `lbName` and its record. */
async function kuryrMade(w: StatusSetup, service: string, lbName = `default/${service}`): Promise<string> {
  const svc = await w.core.readNamespacedService({ namespace: 'default', name: service });
  const ip = svc.spec?.clusterIP ?? '';
  const subnet = w.fake.info.service_subnet_id;
  const res = await w.session.request<{ loadbalancer: { id: string } }>({
    service: 'load-balancer',
    method: 'POST',
    path: '/v2/lbaas/loadbalancers',
    operation: 'test.by-hand',
    body: { loadbalancer: { name: lbName, vip_subnet_id: subnet, vip_address: ip, tags: ['kuryr'] } },
  });
  w.fake.settleDue();
  const id = res.body.loadbalancer.id;
  await w.custom.createNamespacedCustomObject({
    ...crd,
    body: {
      apiVersion: 'openstack.org/v1',
      kind: 'KuryrLoadBalancer',
      metadata: { name: service },
      spec: { ip, subnet_id: subnet, ports: [], type: 'LoadBalancer', provider: 'amphora' },
    },
  });
  await w.custom.patchNamespacedCustomObjectStatus(
    {
      ...crd,
      name: service,
      body: { status: { loadbalancer: { id, ip, name: lbName, subnet_id: subnet } } },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  return id;
}

interface Preview {
  services: { service: string; verdict: string; loadBalancerId: string | null; reason: string }[];
  counts: Record<string, number>;
}

describe('kuryr-services adopt --dry-run', () => {
  it("kuryr's proven load balancer would be adopted: exit 0, nothing written", async () => {
    const w = await setup();
    await aService(w, 'web');
    const id = await kuryrMade(w, 'web');
    w.fake.requests.reset();
    const { code, stdout, stderr } = await cli(['adopt', '--dry-run', ...w.access, '-o', 'json']);
    expect(stderr).toBe('');
    const preview = JSON.parse(stdout) as Preview;
    expect(preview.services.find((v) => v.service === 'default/web')).toMatchObject({
      verdict: 'adopt',
      loadBalancerId: id,
    });
    expect(code).toBe(0);
    expect(writes(w)).toBe(0);
  });

  it('a refused one: named with its reasons in the text, exit 1, nothing written', async () => {
    const w = await setup();
    await aService(w, 'web');
    const id = await kuryrMade(w, 'web', 'default/someone-else');
    w.fake.requests.reset();
    const { code, stdout } = await cli(['adopt', '--dry-run', ...w.access]);
    expect(stdout).toContain(`REFUSED  default/web load balancer ${id}`);
    expect(stdout).toContain('its name "default/someone-else" is not "default/web"');
    expect(stdout).toContain('need a human');
    expect(code).toBe(1);
    expect(writes(w)).toBe(0);
  });

  it('without --dry-run: a clear error, exit 2, no call made', async () => {
    const w = await setup();
    w.fake.requests.reset();
    const { code, stderr } = await cli(['adopt', ...w.access]);
    expect(code).toBe(2);
    expect(stderr).toContain('only --dry-run is supported');
    expect(w.fake.requests.entries()).toEqual([]);
  });

  it('a failing API server: named, exit 3', async () => {
    const w = await setup();
    w.api.faults.respond({ verb: 'list', resource: 'endpointslices' }, { code: 500 });
    const { code, stderr } = await cli(['adopt', '--dry-run', ...w.access]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/^kuryr-services adopt: .*500/);
  });
});
