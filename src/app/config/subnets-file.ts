/**
 * The `plan` CLI's subnets.yaml: Neutron subnets with Neutron's own field names, either a
 * YAML list or Neutron's list response (`{subnets: [...]}`), so `openstack subnet show -f
 * yaml` output or an API dump can be pasted in.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseCidr, parseIp } from '../../core/ip.js';
import type { SubnetInfo } from '../../core/model.js';

/** subnets.yaml cannot be used; the message names the file, the entry and the field. */
export class SubnetsFileError extends Error {
  override readonly name = 'SubnetsFileError';
  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(`reading subnets from ${file}: ${problem}`, options);
  }
}

const address = z.string().refine((value) => parseIp(value) !== null, 'must be an IP address');

const subnetSchema = z
  .object({
    id: z.string().min(1, 'must not be empty'),
    cidr: z.string().refine((value) => parseCidr(value) !== null, 'must be a CIDR like 10.1.0.0/16'),
    gateway_ip: address.nullable().optional(),
    ip_version: z.union([z.literal(4), z.literal(6)], { error: 'must be 4 or 6' }).optional(),
    allocation_pools: z.array(z.object({ start: address, end: address })).optional(),
    network_id: z.string().min(1).optional(),
  })
  .superRefine((subnet, ctx) => {
    const family = parseCidr(subnet.cidr)?.family;
    if (family !== undefined && subnet.ip_version !== undefined && subnet.ip_version !== family) {
      ctx.addIssue({
        code: 'custom',
        path: ['ip_version'],
        message: `is ${subnet.ip_version} but cidr ${subnet.cidr} is IPv${family}`,
      });
    }
  });

const fileSchema = z.union([
  z.array(subnetSchema),
  z.object({ subnets: z.array(subnetSchema) }).transform((f) => f.subnets),
]);

/** Parses subnets.yaml text (`file` names it in messages). Throws SubnetsFileError for YAML or field errors. */
export function parseSubnetsYaml(text: string, file: string): SubnetInfo[] {
  let document: unknown;
  try {
    document = parseYaml(text) as unknown;
  } catch (error) {
    throw new SubnetsFileError(
      file,
      `not valid YAML: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const result = fileSchema.safeParse(document ?? []);
  if (!result.success) {
    const issue = deepestIssue(result.error.issues);
    const [entry, ...field] = issue.path.map(String);
    const problem =
      entry === undefined
        ? 'the document is not a list of subnets'
        : `subnet [${entry}]${field.length > 0 ? ` field ${field.join('.')}` : ''}: ${issue.message}`;
    throw new SubnetsFileError(
      file,
      `${problem} (expected a list of subnets with id, cidr, ip_version, ...)`,
    );
  }
  return result.data.map(toSubnetInfo);
}

/** Reads and parses the subnets.yaml at `path`. Throws SubnetsFileError. */
export async function readSubnetsFile(path: string): Promise<SubnetInfo[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SubnetsFileError(
      path,
      `cannot read the file: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return parseSubnetsYaml(text, path);
}

type SubnetEntry = z.output<typeof subnetSchema>;

function toSubnetInfo(entry: SubnetEntry): SubnetInfo {
  const cidr = parseCidr(entry.cidr);
  const info: SubnetInfo = {
    id: entry.id,
    cidr: cidr?.cidr ?? entry.cidr,
    gatewayIp: entry.gateway_ip ?? null,
    ipVersion: cidr?.family ?? 4,
    allocationPools: entry.allocation_pools ?? [],
  };
  return entry.network_id === undefined ? info : { ...info, networkId: entry.network_id };
}

/** A union's error nests the issues of each branch; the list branch's deepest one is the useful one. */
function deepestIssue(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue {
  let best = issues[0];
  for (const issue of issues) {
    const nested = issue.code === 'invalid_union' ? issue.errors.flat() : [];
    for (const candidate of [issue, ...nested]) {
      if (best === undefined || candidate.path.length > best.path.length) best = candidate;
    }
  }
  return best ?? { code: 'custom', path: [], message: 'is not a list of subnets', input: undefined };
}
