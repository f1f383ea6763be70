/**
 * `kuryr-services gc --dry-run`: what the controller's orphan sweep would release now, and
 * why, and what it would refuse (no live 404, the per-sweep cap, floating IPs that are not
 * ours). Only the dry run exists: this command never deletes anything.
 */
import { Command, Option } from 'commander';
import { callKube } from '../../kube/call.js';
import { readServiceLive } from '../../kube/live-reads.js';
import { makeCloudPort } from '../../services/cloud.js';
import { gcExitCode, previewGc, type GcPreview, type OrphanVerdict } from '../../services/gc-preview.js';
import { isConfigError, openAccess, withAccessFlags, type Access, type AccessFlags } from './access.js';
import { EXIT_INPUT, type CliCommand, type CommandContext } from './context.js';

/** The cluster or cloud could not be read: nothing was decided. */
export const EXIT_GC_UNREADABLE = 3;

interface GcFlags extends AccessFlags {
  readonly dryRun?: boolean;
  readonly output: 'text' | 'json';
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function verdictText(o: OrphanVerdict): string {
  const head = `${o.verdict === 'release' ? 'would release' : o.verdict}  ${o.service}: ${o.reason}\n`;
  const actions = o.actions.map((a) => `    - ${a}\n`).join('');
  const kept = o.notDeleted.map((k) => `    ! never deleted: ${k}\n`).join('');
  return head + actions + kept;
}

/** The text form of a preview, newline-terminated. Pure. */
export function renderGcText(preview: GcPreview): string {
  const conflicts = preview.conflicts.map(
    (c) => `conflict (never touched): ${c} carries this cluster id but another writer\n`,
  );
  if (preview.orphans.length === 0) return `${conflicts.join('')}nothing to release\n`;
  const releasing = preview.orphans.filter((o) => o.verdict !== 'refused').length;
  const summary = `${releasing} of ${preview.orphans.length} orphaned Services would be released (at most ${preview.maxReleasesPerSweep} per sweep); nothing was changed\n`;
  return conflicts.join('') + preview.orphans.map(verdictText).join('') + summary;
}

async function preview(access: Access, signal: AbortSignal): Promise<GcPreview> {
  const conflicts: string[] = [];
  const cloud = makeCloudPort({
    session: access.session,
    owner: access.owner,
    projectId: access.projectId,
    onConflicts: (c) => {
      for (const what of c) conflicts.push(what);
    },
  });
  const { kube } = access;
  return previewGc({
    cloud,
    serviceKeys: async () => {
      const list = await callKube(kube, { operation: 'service.list', object: 'Services', signal }, (o) =>
        kube.core.listServiceForAllNamespaces({}, o),
      );
      return list.items.map((s) => `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`);
    },
    readServiceLive: (namespace, name) => readServiceLive(kube, namespace, name, signal),
    owner: access.owner,
    maxReleases: access.config.service.maxOrphanReleasesPerSweep,
    createMode: access.config.service.createMode,
    now: Date.now(),
    conflicts: () => conflicts,
    signal,
  });
}

async function run(flags: GcFlags, ctx: CommandContext): Promise<number> {
  const signal = ctx.io.signal ?? new AbortController().signal;
  const access = await openAccess(flags, ctx.io, signal);
  try {
    const result = await preview(access, signal);
    ctx.io.stdout(flags.output === 'json' ? `${JSON.stringify(result, null, 2)}\n` : renderGcText(result));
    return gcExitCode(result);
  } finally {
    access.close();
  }
}

/** Builds the `gc` subcommand. */
export const gcCommand: CliCommand = (ctx) =>
  withAccessFlags(new Command('gc'))
    .description('show what the orphan sweep would release, and why (--dry-run only; never deletes)')
    .option('--dry-run', 'report only (required: the controller does the releasing)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
An orphan is a Service OpenStack still holds objects for (tagged with this cluster's id)
that the API server does not list. The controller releases one only after a live GET of
the Service answered 404, at most max_orphan_releases_per_sweep per sweep, and never
deletes a floating IP that is not ours (a user's is disassociated, a kept one disowned).

Exit codes: 0 nothing to release, 1 something would be released, 2 usage or configuration
(including a run without --dry-run), 3 the cluster or cloud could not be read.
`,
    )
    .action(async (flags: GcFlags) => {
      if (flags.dryRun !== true) {
        ctx.io.stderr(
          'kuryr-services gc: only --dry-run is supported: the controller releases orphans itself (run it, or see `gc --dry-run` for what it would do)\n',
        );
        ctx.setExitCode(EXIT_INPUT);
        return;
      }
      try {
        ctx.setExitCode(await run(flags, ctx));
      } catch (err) {
        ctx.io.stderr(`kuryr-services gc: ${message(err)}\n`);
        ctx.setExitCode(isConfigError(err) ? EXIT_INPUT : EXIT_GC_UNREADABLE);
      }
    });
