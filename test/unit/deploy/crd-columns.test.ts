/**
 * The KuryrLoadBalancer CRD's printer columns (`kubectl get klb`): each jsonPath, evaluated
 * on a status shaped as the controller writes it (KlbStatus), finds the value the column
 * should show; a renamed status field fails here instead of showing an empty column.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JSONPath } from 'jsonpath-plus';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { KlbStatus } from '../../../src/kube/klb-types.js';
import { CHART } from './render.js';

interface Column {
  name: string;
  type: string;
  jsonPath: string;
}

async function columns(): Promise<Column[]> {
  const file = join(CHART, 'crds', 'kuryrloadbalancers.openstack.org.yaml');
  const crd = parse(await readFile(file, 'utf8')) as {
    spec: { versions: { name: string; additionalPrinterColumns: Column[] }[] };
  };
  const v1 = crd.spec.versions.find((v) => v.name === 'v1');
  if (v1 === undefined) throw new Error('the CRD serves no v1');
  return v1.additionalPrinterColumns;
}

const status: KlbStatus = {
  loadbalancer: {
    id: 'lb-1',
    ip: '10.0.0.10',
    name: 'default/web',
    port_id: 'port-1',
    project_id: 'project-1',
    security_groups: [],
    subnet_id: 'subnet-1',
    provider: 'amphora',
    provisioning_status: 'ACTIVE',
    operating_status: 'DEGRADED',
  },
  member_count: 3,
  service_pub_ip_info: { ip_id: 'fip-1', ip_addr: '172.24.4.9', alloc_method: 'pool' },
  conditions: [
    { type: 'Progressing', status: 'True', reason: 'Creating', message: '', lastTransitionTime: 't' },
    { type: 'Ready', status: 'False', reason: 'MembersDown', message: '', lastTransitionTime: 't' },
  ],
};

const expected: Record<string, unknown> = {
  VIP: '10.0.0.10',
  FIP: '172.24.4.9',
  Provisioning: 'ACTIVE',
  Operating: 'DEGRADED',
  Members: 3,
  Ready: 'False',
  Provider: 'amphora',
  'LB ID': 'lb-1',
};

describe('the CRD printer columns', () => {
  it('has Ready, Members and Operating beside VIP, FIP and Provisioning', async () => {
    const names = (await columns()).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['Ready', 'Members', 'Operating', 'VIP', 'FIP']));
  });

  it('finds each column value in a status shaped as the controller writes it', async () => {
    const record = { metadata: { creationTimestamp: '2026-01-01T00:00:00Z' }, status };
    for (const column of await columns()) {
      if (column.type === 'date') continue;
      const found = JSONPath<unknown[]>({
        path: `$${column.jsonPath}`,
        json: record,
        wrap: true,
      });
      expect(found, column.name).toEqual([expected[column.name]]);
    }
  });
});
