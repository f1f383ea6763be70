/**
 * `kuryr-services adopt --dry-run`: before switching a cluster from kuryr-kubernetes, what the
 * controller's first pass would do with each Service: adopt kuryr's load balancer (and which
 * floating IP it keeps), refuse it and why, create one, or leave it for a human. Only the dry
 * run exists: the controller itself adopts (docs/migrating-from-kuryr.md).
 */
import type { V1EndpointSlice } from '@kubernetes/client-node';
import { Command, Option } from 'commander';
import { callKube } from '../../kube/call.js';
import type { KubeClients } from '../../kube/clients.js';
import { sliceServiceKey } from '../../kube/informers.js';
import type { KuryrLoadBalancer } from '../../kube/klb.js';
import { KLB_GROUP, KLB_PLURAL, KLB_VERSION } from '../../kube/klb-types.js';
import {
  adoptExitCode,
  needsHuman,
  previewAdoption,
  type AdoptPreview,
  type AdoptVerdict,
} from '../../services/adopt-preview.js';
import { makeCloudPort } from '../../services/cloud.js';
import { CloudContextInputError, loadCloudContext } from '../../services/context.js';
import { capabilityProfileFrom, translateConfigFrom } from '../config/translate-config.js';
import { isConfigError, openAccess, withAccessFlags, type Access, type AccessFlags } from './access.js';
import { EXIT_INPUT, type CliCommand, type CommandContext } from './context.js';
import { EXIT_GC_UNREADABLE } from './gc-command.js';

interface AdoptFlags extends AccessFlags {
  readonly dryRun?: boolean;
  readonly output: 'text' | 'json';
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const VERB: Record<AdoptVerdict['verdict'], string> = {
  adopt: 'would adopt',
  release: 'would release',
  ours: 'ours',
  create: 'would create',
  'not-served': 'not served',
  refused: 'REFUSED',
  kept: 'KEPT',
  missing: 'MISSING',
  invalid: 'INVALID',
};

function verdictText(v: AdoptVerdict): string {
  const lb = v.loadBalancerId === null ? '' : ` load balancer ${v.loadBalancerId}`;
  const vip = v.vip === null ? '' : ` (VIP ${v.vip})`;
  const fip = v.floatingIp === null ? '' : `, floating IP ${v.floatingIp} kept`;
  const head = `${VERB[v.verdict]}  ${v.service}${lb}${vip}${fip}: ${v.reason}\n`;
  return head + v.actions.map((a) => `    - ${a}\n`).join('');
}

/** The text form of a preview, newline-terminated. Pure. */
export function renderAdoptText(preview: AdoptPreview): string {
  if (preview.services.length === 0) return 'no Services\n';
  const counts = Object.entries(preview.counts)
    .map(([verdict, n]) => `${verdict} ${n}`)
    .join(', ');
  const human = preview.services.filter(needsHuman).length;
  const tail =
    human === 0
      ? 'nothing needs a human; nothing was changed\n'
      : `${human} Service(s) need a human before the switch (REFUSED, KEPT, MISSING, INVALID above); nothing was changed\n`;
  return `${preview.services.map(verdictText).join('')}${counts}\n${tail}`;
}

interface KubeLists {
  readonly services: Awaited<ReturnType<KubeClients['core']['listServiceForAllNamespaces']>>['items'];
  readonly slices: ReadonlyMap<string, V1EndpointSlice[]>;
  readonly klbs: ReadonlyMap<string, KuryrLoadBalancer>;
}

async function listKube(kube: KubeClients, signal: AbortSignal): Promise<KubeLists> {
  const crd = { group: KLB_GROUP, version: KLB_VERSION, plural: KLB_PLURAL };
  const call = <T>(operation: string, object: string, fn: Parameters<typeof callKube<T>>[2]) =>
    callKube(kube, { operation, object, signal }, fn);
  const [services, slices, klbs] = await Promise.all([
    call('service.list', 'Services', (o) => kube.core.listServiceForAllNamespaces({}, o)),
    call('endpointslice.list', 'EndpointSlices', (o) =>
      kube.discovery.listEndpointSliceForAllNamespaces({}, o),
    ),
    call(
      'klb.list',
      'KuryrLoadBalancers',
      (o) => kube.custom.listCustomObjectForAllNamespaces(crd, o) as Promise<unknown>,
    ),
  ]);
  const byService = new Map<string, V1EndpointSlice[]>();
  for (const s of slices.items) {
    const key = sliceServiceKey(s);
    if (key !== null) byService.set(key, [...(byService.get(key) ?? []), s]);
  }
  const records = new Map<string, KuryrLoadBalancer>();
  for (const k of (klbs as { items?: KuryrLoadBalancer[] }).items ?? []) {
    records.set(`${k.metadata.namespace ?? ''}/${k.metadata.name ?? ''}`, k);
  }
  return { services: services.items, slices: byService, klbs: records };
}

async function preview(access: Access, signal: AbortSignal): Promise<AdoptPreview> {
  const { config, session, owner } = access;
  const [lists, cloud] = await Promise.all([
    listKube(access.kube, signal),
    loadCloudContext(
      {
        session,
        project: config.neutron.project,
        serviceSubnetIds: config.neutron.serviceSubnetIds,
        podSubnetIds: config.neutron.podSubnetIds,
        provider: config.octavia.provider,
      },
      signal,
    ),
  ]);
  return previewAdoption({
    services: lists.services,
    slicesFor: (ns, name) => lists.slices.get(`${ns}/${name}`) ?? [],
    klbFor: (ns, name) => lists.klbs.get(`${ns}/${name}`),
    context: {
      config: translateConfigFrom(config, owner),
      network: cloud.network,
      capabilities: capabilityProfileFrom(config, cloud.apiVersion),
    },
    cloud: makeCloudPort({
      session,
      owner,
      projectId: cloud.projectId,
      vipSecurityGroups: !config.octavia.enforceSgRules,
    }),
    owner,
    createMode: config.service.createMode,
    now: Date.now(),
    signal,
  });
}

async function run(flags: AdoptFlags, ctx: CommandContext): Promise<number> {
  const signal = ctx.io.signal ?? new AbortController().signal;
  const access = await openAccess(flags, ctx.io, signal);
  try {
    const result = await preview(access, signal);
    ctx.io.stdout(flags.output === 'json' ? `${JSON.stringify(result, null, 2)}\n` : renderAdoptText(result));
    return adoptExitCode(result);
  } finally {
    access.close();
  }
}

/** Builds the `adopt` subcommand. */
export const adoptCommand: CliCommand = (ctx) =>
  withAccessFlags(new Command('adopt'))
    .description(
      "show what the controller would do with kuryr-kubernetes's load balancers, per Service (--dry-run only)",
    )
    .option('--dry-run', 'report only (required: the controller does the adopting)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
A load balancer kuryr-kubernetes made is adopted (our tags added, every id and address
kept) only when its name is the Service's ns/name, its VIP is the Service's ClusterIP on
the service subnet, it is in the configured project, and the Service's KuryrLoadBalancer
names it (or kuryr's resource_tags are on it). Anything else is left as it is.

Verdicts: would adopt, would create, ours, not served, would release (being deleted);
REFUSED (the proof failed), KEPT (kuryr's load balancer serves a Service kuryr-services
does not serve), MISSING (the record names a load balancer the project lacks) and
INVALID (the Service cannot be translated) need a human.

Exit codes: 0 nothing needs a human, 1 something does, 2 usage or configuration
(including a run without --dry-run), 3 the cluster or cloud could not be read.
`,
    )
    .action(async (flags: AdoptFlags) => {
      if (flags.dryRun !== true) {
        ctx.io.stderr(
          'kuryr-services adopt: only --dry-run is supported: the controller adopts when it runs (see docs/migrating-from-kuryr.md)\n',
        );
        ctx.setExitCode(EXIT_INPUT);
        return;
      }
      try {
        ctx.setExitCode(await run(flags, ctx));
      } catch (err) {
        ctx.io.stderr(`kuryr-services adopt: ${message(err)}\n`);
        const input = isConfigError(err) || err instanceof CloudContextInputError;
        ctx.setExitCode(input ? EXIT_INPUT : EXIT_GC_UNREADABLE);
      }
    });
