/**
 * clouds.yaml / secure.yaml discovery and loading, as openstacksdk does it: a fixed search
 * path (with `OS_CLIENT_CONFIG_FILE` / `OS_CLIENT_SECURE_FILE` first), the first existing file
 * wins, and secure.yaml is deep-merged over clouds.yaml.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { CloudConfigError } from './errors.js';

/** Reads a file; resolves `undefined` when it does not exist (or is unreadable, as openstacksdk skips those). */
export type FileReader = (file: string) => Promise<string | undefined>;

/** The real file reader for src/app. */
export const readFileIfExists: FileReader = async (file) => {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw err;
  }
};

/** Where to look, in order. */
export interface SearchContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly homeDir: string;
}

const SUFFIXES = ['.yaml', '.yml', '.json'];

function searchDirs(ctx: SearchContext): string[] {
  const xdg = ctx.env.XDG_CONFIG_HOME;
  const dirs = [
    ctx.cwd,
    ...(xdg ? [path.join(xdg, 'openstack')] : []),
    path.join(ctx.homeDir, '.config', 'openstack'),
    '/etc/openstack',
  ];
  return [...new Set(dirs)];
}

/**
 * The candidate files for `base` (`clouds` or `secure`): the override variable's file first,
 * then `<dir>/<base>{.yaml,.yml,.json}` for `.`, `$XDG_CONFIG_HOME/openstack`,
 * `~/.config/openstack`, `/etc/openstack`. Pure.
 */
export function candidateFiles(base: 'clouds' | 'secure', ctx: SearchContext): string[] {
  const override = ctx.env[base === 'clouds' ? 'OS_CLIENT_CONFIG_FILE' : 'OS_CLIENT_SECURE_FILE'];
  const files = searchDirs(ctx).flatMap((dir) => SUFFIXES.map((s) => path.join(dir, base + s)));
  return override ? [override, ...files] : files;
}

/** A loaded config file: its path and its `clouds` mapping. */
export interface LoadedFile {
  readonly file: string;
  readonly clouds: Readonly<Record<string, Record<string, unknown>>>;
}

const fileSchema = z.object({
  clouds: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
});

function parseFile(file: string, text: string): LoadedFile {
  let data: unknown;
  try {
    data = parse(text) as unknown;
  } catch (cause) {
    throw new CloudConfigError({ source: file, key: null, problem: 'is not valid YAML/JSON', cause });
  }
  const parsed = fileSchema.safeParse(data ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue ? issue.path.map(String).join('.') : null;
    throw new CloudConfigError({
      source: file,
      key,
      problem: `is invalid: ${issue?.message ?? 'malformed'}`,
    });
  }
  return { file, clouds: parsed.data.clouds };
}

/** Loads the first existing file of `candidates`; `null` when none exists. Throws `CloudConfigError` when malformed. */
export async function loadFirst(candidates: readonly string[], read: FileReader): Promise<LoadedFile | null> {
  for (const file of candidates) {
    const text = await read(file);
    if (text !== undefined) return parseFile(file, text);
  }
  return null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Recursive merge where `over` wins (openstacksdk's `merge_clouds`). Pure. */
export function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isPlainObject(prev) && isPlainObject(value) ? deepMerge(prev, value) : value;
  }
  return out;
}
