import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SubnetsFileError, parseSubnetsYaml } from '../../../src/app/config/subnets-file.js';

describe('subnets.yaml', () => {
  it('reads Neutron field names into SubnetInfo', () => {
    const text = `
- id: pod-subnet-id
  network_id: pod-network-id
  cidr: 10.1.0.0/16
  gateway_ip: 10.1.255.254
  ip_version: 4
  allocation_pools:
    - start: 10.1.0.1
      end: 10.1.255.253
- id: v6
  cidr: fd00:1:0::/64
  gateway_ip: null
`;
    expect(parseSubnetsYaml(text, 'subnets.yaml')).toEqual([
      {
        id: 'pod-subnet-id',
        networkId: 'pod-network-id',
        cidr: '10.1.0.0/16',
        gatewayIp: '10.1.255.254',
        ipVersion: 4,
        allocationPools: [{ start: '10.1.0.1', end: '10.1.255.253' }],
      },
      { id: 'v6', cidr: 'fd00:1::/64', gatewayIp: null, ipVersion: 6, allocationPools: [] },
    ]);
  });

  it("accepts Neutron's list response shape", () => {
    expect(parseSubnetsYaml('{"subnets": [{"id": "a", "cidr": "10.0.0.0/8"}]}', 'dump.json')).toHaveLength(1);
  });

  it('reads the example file', async () => {
    const subnets = parseSubnetsYaml(
      await readFile('examples/subnets.yaml', 'utf8'),
      'examples/subnets.yaml',
    );
    expect(subnets.map((s) => s.id)).toEqual(['pod-subnet-id', 'service-subnet-id', 'public-subnet-id']);
  });

  it.each([
    [
      '- id: a\n  cidr: 10.0.0.0/33\n',
      /subnets\.yaml: subnet \[0\] field cidr: must be a CIDR like 10\.1\.0\.0\/16/,
    ],
    [
      '- id: a\n  cidr: 10.0.0.0/8\n- id: b\n  cidr: 10.0.0.0/8\n  ip_version: 6\n',
      /subnet \[1\] field ip_version: is 6 but cidr 10\.0\.0\.0\/8 is IPv4/,
    ],
    [
      '- id: a\n  cidr: 10.0.0.0/8\n  gateway_ip: gw\n',
      /subnet \[0\] field gateway_ip: must be an IP address/,
    ],
    ['- cidr: 10.0.0.0/8\n', /subnet \[0\] field id: Invalid input: expected string, received undefined/],
    ['key: [unclosed\n', /not valid YAML/],
    ['just text\n', /the document is not a list of subnets/],
  ])('rejects %j naming the entry and field', (text, message) => {
    expect(() => parseSubnetsYaml(text, 'subnets.yaml')).toThrow(SubnetsFileError);
    expect(() => parseSubnetsYaml(text, 'subnets.yaml')).toThrow(message);
  });
});
