/**
 * Our KuryrLoadBalancer CRD installed over kuryr's, as `kubectl apply -f
 * deploy/crd-kuryrloadbalancer.yaml` does it (a replace of the CRD object), on the simulated
 * API server (which prunes every write by the version's schema): kuryr's object reads back
 * whole and our schema would prune none of it on read; our controller's first writes (spec
 * merge patch, status through the now present status subresource) keep kuryr's spec keys,
 * its VIP security groups and its floating IP evidence.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { V1Service } from '@kubernetes/client-node';
import { makeKubeClients, type KubeClients } from '../../../src/kube/clients.js';
import {
  ensureKlbSpec,
  getKlb,
  writeKlbStatus,
  type KlbSpec,
  type KlbStatus,
} from '../../../src/kube/klb.js';
import { klbStatusFor } from '../../../src/services/record.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/index.js';
import { kuryrLoadBalancerCrd } from '../../support/kube-apiserver/manifests.js';
import { isRecord, type JsonMap } from '../../support/kube-apiserver/object.js';
import { pruneCustomObject } from '../../support/kube-apiserver/structural.js';
import { kuryrKlbCrd } from '../../support/kuryr-klb-crd.js';

let server: KubeApiServer;
let clients: KubeClients;
let svc: V1Service;
const signal = new AbortController().signal;
const CRD = { apiVersion: 'apiextensions.k8s.io/v1', plural: 'customresourcedefinitions' };
const CRD_NAME = 'kuryrloadbalancers.openstack.org';
const KLB = { apiVersion: 'openstack.org/v1', plural: 'kuryrloadbalancers', namespace: 'default' };
const KURYR_FINALIZER = 'kuryr.openstack.org/kuryrloadbalancer-finalizers';

const KURYR_SPEC = {
  ip: '10.2.0.10',
  ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: '8080' }],
  project_id: 'project-1',
  security_groups_ids: ['sg-kuryr'],
  subnet_id: 'svc-subnet',
  type: 'LoadBalancer',
  provider: 'amphora',
  endpointSlices: [
    {
      endpoints: [
        {
          addresses: ['10.1.0.5'],
          conditions: { ready: true },
          targetRef: { kind: 'Pod', name: 'web-1', namespace: 'default', uid: 'pod-uid' },
        },
      ],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    },
  ],
};

const KURYR_STATUS = {
  loadbalancer: {
    id: 'lb-1',
    ip: '10.2.0.10',
    name: 'default/web',
    port_id: 'vip-port-1',
    project_id: 'project-1',
    provider: 'amphora',
    security_groups: ['sg-kuryr'],
    subnet_id: 'svc-subnet',
  },
  listeners: [
    {
      id: 'l-1',
      loadbalancer_id: 'lb-1',
      name: 'default/web:TCP:80',
      port: 80,
      project_id: 'project-1',
      protocol: 'TCP',
    },
  ],
  pools: [
    {
      id: 'p-1',
      listener_id: 'l-1',
      loadbalancer_id: 'lb-1',
      name: 'default/web:TCP:80',
      project_id: 'project-1',
      protocol: 'TCP',
    },
  ],
  members: [
    {
      id: 'm-1',
      ip: '10.1.0.5',
      name: 'default/web-1:TCP:8080',
      pool_id: 'p-1',
      port: 8080,
      project_id: 'project-1',
      subnet_id: 'pod-subnet',
    },
  ],
  service_pub_ip_info: { ip_id: 'fip-1', ip_addr: '172.24.4.20', alloc_method: 'pool' },
};

function ourSchema(): JsonMap {
  const crd = kuryrLoadBalancerCrd() as { spec: { versions: { schema: { openAPIV3Schema: unknown } }[] } };
  const schema = crd.spec.versions[0]?.schema.openAPIV3Schema;
  if (!isRecord(schema)) throw new Error('our CRD has no schema');
  return schema;
}

/** `kubectl apply` of our CRD over the installed one: the same object, replaced. */
function installOurCrd(): void {
  const current = server.store.get({ ...CRD, name: CRD_NAME });
  const ours = kuryrLoadBalancerCrd() as JsonMap & { metadata: JsonMap };
  server.store.update(
    { ...CRD, name: CRD_NAME },
    { ...ours, metadata: { ...ours.metadata, resourceVersion: current?.metadata.resourceVersion } },
  );
}

beforeEach(async () => {
  server = await startKubeApiServer({ crds: [] });
  clients = makeKubeClients(server.kubeConfig());
  server.store.create(CRD, kuryrKlbCrd());
  svc = await clients.core.createNamespacedService({
    namespace: 'default',
    body: { metadata: { name: 'web' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } },
  });
  // As kuryr creates it: finalizer, owner reference, status on the main object.
  server.store.create(KLB, {
    apiVersion: 'openstack.org/v1',
    kind: 'KuryrLoadBalancer',
    metadata: {
      name: 'web',
      finalizers: [KURYR_FINALIZER],
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc.metadata?.uid ?? '' }],
    },
    spec: KURYR_SPEC,
    status: KURYR_STATUS,
  });
});
afterEach(async () => {
  await server.stop();
});

describe('our CRD over kuryr CRD', () => {
  it('kuryr object is stored whole under kuryr CRD (its own schema names every key)', () => {
    const stored = server.store.get({ ...KLB, name: 'web' });
    expect(stored?.spec).toEqual(KURYR_SPEC);
    expect(stored?.status).toEqual(KURYR_STATUS);
  });

  it('reads back whole after the switch, and our schema prunes none of it', async () => {
    installOurCrd();
    const read = await getKlb(clients, 'default', 'web', signal);
    expect(read?.spec).toEqual(KURYR_SPEC);
    expect(read?.status).toEqual(KURYR_STATUS);
    expect(read === null ? null : pruneCustomObject(ourSchema(), read as unknown as JsonMap)).toEqual(read);
  });

  it("our first writes keep kuryr's spec keys, security groups and floating IP evidence", async () => {
    installOurCrd();
    const current = await getKlb(clients, 'default', 'web', signal);
    if (current === null) throw new Error('no record');
    const spec: KlbSpec = {
      ip: '10.2.0.10',
      subnet_id: 'svc-subnet',
      type: 'LoadBalancer',
      provider: 'amphora',
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: '8080' }],
    };
    const afterSpec = await ensureKlbSpec(clients, svc, spec, current, signal);
    const status: KlbStatus = klbStatusFor({
      previous: afterSpec.status,
      loadBalancer: null,
      floatingIp: null,
      floatingIpWanted: true,
      projectId: 'project-1',
      conditions: [{ type: 'Ready', status: 'False', reason: 'Adopting', message: 'taking over' }],
      progress: { create_path: 'fully-populated', unsettled: null },
      nowIso: '2026-12-05T12:00:00.000Z',
      generation: afterSpec.metadata.generation,
    });
    await writeKlbStatus(clients, afterSpec, status, signal);
    const stored = server.store.get({ ...KLB, name: 'web' });
    expect(stored?.spec).toMatchObject({
      project_id: 'project-1',
      security_groups_ids: ['sg-kuryr'],
      endpointSlices: KURYR_SPEC.endpointSlices,
    });
    expect(stored?.status).toMatchObject({
      loadbalancer: KURYR_STATUS.loadbalancer,
      service_pub_ip_info: KURYR_STATUS.service_pub_ip_info,
    });
    expect(stored?.metadata.finalizers).toEqual([KURYR_FINALIZER]);
  });

  it('kuryr CRD prunes what kuryr does not know (why the switch is one way for our own keys)', () => {
    server.store.patch({ ...KLB, name: 'web' }, { status: { progress: { create_path: 'step-by-step' } } });
    expect(server.store.get({ ...KLB, name: 'web' })?.status).toEqual(KURYR_STATUS);
  });
});
