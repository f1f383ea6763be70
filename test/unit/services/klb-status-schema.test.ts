/**
 * The KuryrLoadBalancer status as the controller writes it is valid under kuryr's schema
 * (every required key, no null where kuryr has no nullable) and under ours, and our CRD's
 * pruning keeps all of it; kuryr's own status keeps every key under our CRD; values only
 * kuryr knew (VIP security groups, the floating IP evidence) survive our first write.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ObservedLoadBalancer } from '../../../src/core/model.js';
import type { KlbStatus } from '../../../src/kube/klb-types.js';
import { klbStatusFor, type StatusInput } from '../../../src/services/record.js';
import { isRecord, type JsonMap } from '../../support/kube-apiserver/object.js';
import { pruneBySchema, schemaErrors } from '../../support/kube-apiserver/structural.js';
import { kuryrStatusSchema } from '../../support/kuryr-klb-crd.js';
import { CHART } from '../deploy/render.js';

async function ourStatusSchema(): Promise<JsonMap> {
  const file = join(CHART, 'crds', 'kuryrloadbalancers.openstack.org.yaml');
  const crd = parse(await readFile(file, 'utf8')) as {
    spec: { versions: { name: string; schema: { openAPIV3Schema: { properties: { status: unknown } } } }[] };
  };
  const status = crd.spec.versions.find((v) => v.name === 'v1')?.schema.openAPIV3Schema.properties.status;
  if (!isRecord(status)) throw new Error('our CRD has no status schema');
  return status;
}

const LB_ID = 'lb-1';

function observedLb(overrides: Partial<ObservedLoadBalancer> = {}): ObservedLoadBalancer {
  const member = (id: string, subnetId: string | null) => ({
    id,
    name: `default/web-${id}:TCP:8080`,
    address: '10.1.0.5',
    protocolPort: 8080,
    subnetId,
    tags: [],
    provisioningStatus: 'ACTIVE' as const,
  });
  return {
    id: LB_ID,
    name: 'default/web',
    vipAddress: '10.2.0.10',
    vipSubnetId: 'svc-subnet',
    vipPortId: null,
    provider: 'amphora',
    provisioningStatus: 'ACTIVE',
    operatingStatus: 'ONLINE',
    tags: [],
    listeners: [
      {
        id: 'l-1',
        name: 'default/web:TCP:80',
        protocol: 'TCP',
        protocolPort: 80,
        allowedCidrs: [],
        timeoutClientData: 50000,
        timeoutMemberData: null,
        defaultPoolId: 'p-1',
        tags: [],
        provisioningStatus: 'ACTIVE',
      },
    ],
    pools: [
      {
        id: 'p-1',
        name: 'default/web:TCP:80',
        protocol: 'TCP',
        lbAlgorithm: 'ROUND_ROBIN',
        sessionPersistence: null,
        members: [member('m-1', 'pod-subnet'), member('m-2', null)],
        listenerId: 'l-1',
        tags: [],
        provisioningStatus: 'ACTIVE',
      },
      {
        id: 'p-orphan',
        name: 'default/web:UDP:53',
        protocol: 'UDP',
        lbAlgorithm: 'ROUND_ROBIN',
        sessionPersistence: null,
        members: [],
        listenerId: null,
        tags: [],
        provisioningStatus: 'ACTIVE',
      },
    ],
    ...overrides,
  };
}

function input(overrides: Partial<StatusInput> = {}): StatusInput {
  return {
    previous: undefined,
    loadBalancer: observedLb(),
    floatingIp: null,
    floatingIpWanted: false,
    projectId: 'project-1',
    conditions: [{ type: 'Ready', status: 'True', reason: 'Converged', message: 'ok' }],
    progress: { create_path: 'fully-populated', unsettled: null },
    nowIso: '2026-12-05T12:00:00.000Z',
    generation: 1,
    ...overrides,
  };
}

/** A status exactly as kuryr's controller leaves it (no keys of ours). */
const KURYR_STATUS = {
  loadbalancer: {
    id: LB_ID,
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
      loadbalancer_id: LB_ID,
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
      loadbalancer_id: LB_ID,
      name: 'default/web:TCP:80',
      project_id: 'project-1',
      protocol: 'TCP',
    },
  ],
  members: [
    {
      id: 'm-1',
      ip: '10.1.0.5',
      name: 'default/web-m-1:TCP:8080',
      pool_id: 'p-1',
      port: 8080,
      project_id: 'project-1',
      subnet_id: 'pod-subnet',
    },
  ],
  service_pub_ip_info: { ip_id: 'fip-1', ip_addr: '172.24.4.20', alloc_method: 'pool' },
};

const asJson = (s: KlbStatus): unknown => JSON.parse(JSON.stringify(s)) as unknown;

describe('the KuryrLoadBalancer status against kuryr schema and ours', () => {
  it('what we write is valid under kuryr schema: every required key, no null', () => {
    const status = klbStatusFor(input());
    expect(schemaErrors(kuryrStatusSchema(), asJson(status), 'status')).toEqual([]);
    expect(status.loadbalancer).toMatchObject({ port_id: '', project_id: 'project-1', security_groups: [] });
    expect(status.pools?.find((p) => p.id === 'p-orphan')?.listener_id).toBe('');
    expect(status.members?.find((m) => m.id === 'm-2')?.subnet_id).toBe('svc-subnet');
    expect(status.listeners?.[0]).toMatchObject({ project_id: 'project-1', timeout_client_data: 50000 });
    expect(status.listeners?.[0]).not.toHaveProperty('timeout_member_data');
    expect(status).not.toHaveProperty('service_pub_ip_info');
  });

  it('what we write is valid under our schema, and our CRD prunes none of it', async () => {
    const ours = await ourStatusSchema();
    const fip = {
      ip: {
        id: 'fip-1',
        address: '172.24.4.20',
        networkId: 'ext',
        portId: 'vip-port-1',
        tags: [],
        description: '',
      },
    };
    const status = asJson(
      klbStatusFor(input({ floatingIp: { ...fip, method: 'pool' }, floatingIpWanted: true })),
    );
    expect(schemaErrors(ours, status, 'status')).toEqual([]);
    expect(schemaErrors(kuryrStatusSchema(), status, 'status')).toEqual([]);
    expect(pruneBySchema(ours, status)).toEqual(status);
  });

  it('kuryr status is valid under our schema and survives our CRD whole', async () => {
    const ours = await ourStatusSchema();
    expect(schemaErrors(ours, KURYR_STATUS, 'status')).toEqual([]);
    expect(pruneBySchema(ours, KURYR_STATUS)).toEqual(KURYR_STATUS);
  });

  it('our first write over kuryr status keeps its security groups and VIP port, and its floating IP evidence', () => {
    const status = klbStatusFor(input({ previous: KURYR_STATUS, floatingIpWanted: true }));
    expect(status.loadbalancer).toMatchObject({ port_id: 'vip-port-1', security_groups: ['sg-kuryr'] });
    expect(status.service_pub_ip_info).toEqual(KURYR_STATUS.service_pub_ip_info);
    expect(schemaErrors(kuryrStatusSchema(), asJson(status), 'status')).toEqual([]);
  });

  it('observed VIP security groups win over the record; another load balancer inherits nothing', () => {
    const read = klbStatusFor(
      input({ previous: KURYR_STATUS, loadBalancer: observedLb({ vipSecurityGroupIds: ['sg-new'] }) }),
    );
    expect(read.loadbalancer?.security_groups).toEqual(['sg-new']);
    const other = klbStatusFor(input({ previous: KURYR_STATUS, loadBalancer: observedLb({ id: 'lb-2' }) }));
    expect(other.loadbalancer).toMatchObject({ port_id: '', security_groups: [] });
  });

  it('the floating IP evidence goes once the Service wants no floating IP', () => {
    const status = klbStatusFor(input({ previous: KURYR_STATUS, floatingIpWanted: false }));
    expect(status).not.toHaveProperty('service_pub_ip_info');
  });
});

describe('kuryr record while no load balancer of ours is observed', () => {
  it("keeps kuryr's load balancer tree (the id adoption reads); ours, once observed gone, is not kept", () => {
    const kept = klbStatusFor(input({ previous: KURYR_STATUS, loadBalancer: null, floatingIpWanted: true }));
    expect(kept).toMatchObject({
      loadbalancer: KURYR_STATUS.loadbalancer,
      listeners: KURYR_STATUS.listeners,
      pools: KURYR_STATUS.pools,
      members: KURYR_STATUS.members,
      member_count: 1,
    });
    const ours = klbStatusFor(input());
    const after = klbStatusFor(input({ previous: ours, loadBalancer: null }));
    expect(after).not.toHaveProperty('loadbalancer');
    expect(after).not.toHaveProperty('listeners');
  });
});
