/**
 * `adopt --dry-run` (src/services/adopt-preview.ts) over the simulated API server and the
 * REST-level fake cloud, with load balancers made as kuryr-kubernetes makes them: each Service
 * gets the verdict the controller's first pass would act on, the exit code says when a human
 * is needed, and nothing is written to the cloud or the cluster.
 */
import { PatchStrategy, setHeaderOptions, type V1Service } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KuryrLoadBalancer } from '../../../src/kube/klb.js';
import {
  adoptExitCode,
  previewAdoption,
  type AdoptPreview,
  type AdoptVerdict,
} from '../../../src/services/adopt-preview.js';
import { renderAdoptText } from '../../../src/app/cli/adopt-command.js';
import { handMadeLoadBalancer } from './cloud-helpers.js';
import { OWNER, startWorld, type World } from './world.js';

const RESOURCE_TAGS = ['kuryr-rt'];
const crd = { group: 'openstack.org', version: 'v1', plural: 'kuryrloadbalancers', namespace: 'default' };
const lbSpec = {
  type: 'LoadBalancer',
  ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
};

let world: World;
beforeEach(async () => {
  world = await startWorld();
  world.context = { ...world.context, config: { ...world.context.config, resourceTags: RESOURCE_TAGS } };
});
afterEach(async () => {
  await world.stop();
});

async function service(name: string, spec: object = lbSpec): Promise<V1Service> {
  return world.kube.core.createNamespacedService({
    namespace: 'default',
    body: { metadata: { name }, spec },
  });
}

/** A record as kuryr wrote it: its spec (VIP) and the load balancer id in its status. */
async function kuryrRecord(svc: V1Service, loadBalancerId: string): Promise<void> {
  const name = svc.metadata?.name ?? '';
  const ip = svc.spec?.clusterIP ?? '';
  const subnet = world.fake.info.service_subnet_id;
  const status = {
    loadbalancer: { id: loadBalancerId, ip, name: `default/${name}`, port_id: '', subnet_id: subnet },
  };
  await world.kube.custom.createNamespacedCustomObject({
    ...crd,
    body: {
      apiVersion: 'openstack.org/v1',
      kind: 'KuryrLoadBalancer',
      metadata: { name },
      spec: { ip, subnet_id: subnet, ports: [], type: 'LoadBalancer', provider: 'amphora' },
    },
  });
  // Our CRD has a status subresource (kuryr's has none): the status goes in its own write.
  await world.kube.custom.patchNamespacedCustomObjectStatus(
    { ...crd, name, body: { status } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

/** kuryr's load balancer for `svc`: named ns/name on its ClusterIP, resource_tags only. */
async function kuryrLoadBalancer(
  svc: V1Service,
  name = `default/${svc.metadata?.name ?? ''}`,
): Promise<string> {
  const made = await handMadeLoadBalancer(world, {
    name,
    tags: RESOURCE_TAGS,
    vipAddress: svc.spec?.clusterIP ?? '',
  });
  return made.id;
}

async function preview(): Promise<AdoptPreview> {
  const [services, slices, klbs] = await Promise.all([
    world.kube.core.listServiceForAllNamespaces(),
    world.kube.discovery.listEndpointSliceForAllNamespaces(),
    world.kube.custom.listClusterCustomObject({
      group: crd.group,
      version: crd.version,
      plural: crd.plural,
    }) as Promise<{ items: KuryrLoadBalancer[] }>,
  ]);
  const records = klbs.items;
  return previewAdoption({
    services: services.items.filter((s) => s.metadata?.name !== 'kubernetes'),
    slicesFor: (ns, name) =>
      slices.items.filter(
        (s) => s.metadata?.namespace === ns && s.metadata.labels?.['kubernetes.io/service-name'] === name,
      ),
    klbFor: (ns, name) => records.find((k) => k.metadata.namespace === ns && k.metadata.name === name),
    context: world.context,
    cloud: world.cloud,
    owner: OWNER,
    createMode: 'auto',
    now: world.clock.now(),
    signal: new AbortController().signal,
  });
}

const verdictOf = (p: AdoptPreview, name: string): AdoptVerdict | undefined =>
  p.services.find((v) => v.service === `default/${name}`);

describe('adopt --dry-run', () => {
  it('judges each Service as the first pass would, and writes nothing', async () => {
    const web = await service('web');
    const webLb = await kuryrLoadBalancer(web);
    await kuryrRecord(web, webLb);
    const api = await service('api');
    const foreign = await kuryrLoadBalancer(api, 'default/someone-else');
    await kuryrRecord(api, foreign);
    const lost = await service('lost');
    await kuryrRecord(lost, '00000000-0000-4000-8000-000000000000');
    await service('fresh');
    await service('headless', { clusterIP: 'None', ports: [{ port: 80 }] });
    const before = { writes: world.writes(), klb: world.klb('web')?.metadata.resourceVersion };

    const result = await preview();

    expect(world.writes()).toBe(before.writes);
    expect(world.klb('web')?.metadata.resourceVersion).toBe(before.klb);
    expect(verdictOf(result, 'web')).toMatchObject({
      verdict: 'adopt',
      loadBalancerId: webLb,
      vip: web.spec?.clusterIP,
    });
    expect(verdictOf(result, 'web')?.actions.at(-1)).toBe(`tagLoadBalancer loadBalancer ${webLb}`);
    const refused = verdictOf(result, 'api');
    expect(refused).toMatchObject({ verdict: 'refused', loadBalancerId: foreign, actions: [] });
    expect(refused?.reason).toContain('is not "default/api"');
    expect(verdictOf(result, 'lost')).toMatchObject({ verdict: 'missing' });
    expect(verdictOf(result, 'fresh')).toMatchObject({ verdict: 'create', loadBalancerId: null });
    expect(verdictOf(result, 'fresh')?.actions).toEqual(['createLoadBalancer', 'createFloatingIp']);
    expect(verdictOf(result, 'headless')).toMatchObject({ verdict: 'not-served' });
    expect(result.counts).toEqual({ adopt: 1, refused: 1, missing: 1, create: 1, 'not-served': 1 });
    expect(adoptExitCode(result)).toBe(1);
    const text = renderAdoptText(result);
    expect(text).toContain(`would adopt  default/web load balancer ${webLb}`);
    expect(text).toContain('REFUSED  default/api');
    expect(text).toMatch(/2 Service\(s\) need a human/);
  });

  it('exits 0 when everything is adopted, ours or created', async () => {
    const web = await service('web');
    await kuryrRecord(web, await kuryrLoadBalancer(web));
    await service('fresh');
    const result = await preview();
    expect(result.services.map((v) => v.verdict)).toEqual(['create', 'adopt']);
    expect(adoptExitCode(result)).toBe(0);
    expect(renderAdoptText(result)).toContain('nothing needs a human');
  });

  it('a Service the controller already converged is ours; kuryr proof by resource_tags alone adopts', async () => {
    await service('mine');
    await world.converge('default/mine');
    const web = await service('web');
    await kuryrLoadBalancer(web); // no record: resource_tags are the proof
    const result = await preview();
    expect(verdictOf(result, 'mine')).toMatchObject({ verdict: 'ours' });
    expect(verdictOf(result, 'mine')?.actions).toEqual([]);
    expect(verdictOf(result, 'web')).toMatchObject({ verdict: 'adopt' });
  });

  it("kuryr's load balancer on a Service we would not serve is KEPT, needing a human", async () => {
    const other = await service('other', { ...lbSpec, loadBalancerClass: 'example.com/other' });
    await kuryrRecord(other, await kuryrLoadBalancer(other));
    const result = await preview();
    expect(verdictOf(result, 'other')).toMatchObject({ verdict: 'kept' });
    expect(adoptExitCode(result)).toBe(1);
  });

  it('the controller logs the verdict the preview printed', async () => {
    await world.stop();
    const lines: { level: string; fields: unknown; message: string }[] = [];
    const record =
      (level: string) =>
      (fields: unknown, message?: string): void => {
        lines.push({ level, fields, message: message ?? '' });
      };
    world = await startWorld({
      logger: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
    });
    world.context = { ...world.context, config: { ...world.context.config, resourceTags: RESOURCE_TAGS } };
    const web = await service('web');
    const foreign = await kuryrLoadBalancer(web, 'default/someone-else');
    await kuryrRecord(web, foreign);
    expect(verdictOf(await preview(), 'web')).toMatchObject({ verdict: 'refused', loadBalancerId: foreign });
    await world.reconcile('default/web');
    const logged = lines.filter(
      (l) => (l.fields as { reason?: string }).reason === 'KuryrAdoptionRefused' && l.level === 'warn',
    );
    expect(logged).toHaveLength(1);
    expect(logged[0]?.message).toContain(`not adopting load balancer ${foreign}`);
  });
});
