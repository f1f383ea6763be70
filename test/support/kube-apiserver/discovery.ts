/**
 * Minimal discovery documents: `/api` (APIVersions), `/apis` (APIGroupList), `/apis/<group>`
 * (APIGroup), `/api/v1` and `/apis/<group>/<version>` (APIResourceList, with `/status`
 * subresources), and `/version`. Aggregated discovery (`application/json;g=apidiscovery...`)
 * is not served; clients fall back to these legacy documents.
 */
import { type ResourceDef } from './resources.js';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** `/version`. */
export const VERSION_INFO = {
  major: '1',
  minor: '31',
  gitVersion: 'v1.31.0-kuryr-services-sim',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.22.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** `/api`. */
export function coreVersions(host: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }],
  };
}

function groupEntry(group: string, resources: readonly ResourceDef[]): Record<string, unknown> {
  const versions = [...new Set(resources.filter((r) => r.group === group).map((r) => r.version))].map(
    (version) => ({
      groupVersion: `${group}/${version}`,
      version,
    }),
  );
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions, preferredVersion: versions[0] };
}

/** `/apis`. */
export function groupList(resources: readonly ResourceDef[]): Record<string, unknown> {
  const groups = [...new Set(resources.map((r) => r.group).filter((g) => g !== ''))];
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((g) => {
      const { name, versions, preferredVersion } = groupEntry(g, resources);
      return { name, versions, preferredVersion };
    }),
  };
}

/** `/apis/<group>`, or undefined when the group is not served. */
export function groupDocument(
  group: string,
  resources: readonly ResourceDef[],
): Record<string, unknown> | undefined {
  return resources.some((r) => r.group === group) ? groupEntry(group, resources) : undefined;
}

/** `/api/v1` or `/apis/<group>/<version>`, or undefined when not served. */
export function resourceList(
  group: string,
  version: string,
  resources: readonly ResourceDef[],
): Record<string, unknown> | undefined {
  const served = resources.filter((r) => r.group === group && r.version === version);
  if (served.length === 0) return undefined;
  const entries = served.flatMap((r) => {
    const main = {
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.deleteCollection ? VERBS : VERBS.filter((v) => v !== 'deletecollection'),
      ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
    };
    const status = {
      name: `${r.plural}/status`,
      singularName: '',
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: ['get', 'patch', 'update'],
    };
    return r.statusSubresource ? [main, status] : [main];
  });
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group === '' ? version : `${group}/${version}`,
    resources: entries,
  };
}
