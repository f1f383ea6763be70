/**
 * What this build of kuryr-services is: the package version and the git commit it was built
 * from. `npm run build` writes both to `dist/build-info.json` (scripts/build-info.mjs);
 * a build without that file (a bare `tsc`, or running from the sources) falls back to the
 * nearest package.json for the version and reports the commit as unknown.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The commit string used when the build could not tell (no git, no repository, not written). */
export const UNKNOWN_COMMIT = 'unknown';

/** The package this code belongs to (package.json `name`). */
const PACKAGE_NAME = 'kuryr-services';

/** Version and commit of this build. */
export interface BuildInfo {
  /** package.json `version`, e.g. `0.1.0`; `unknown` when no package.json could be read. */
  readonly version: string;
  /** Full commit hash, with `-dirty` when the work tree had changes; `unknown` when not known. */
  readonly commit: string;
}

const buildInfoSchema = z.object({ version: z.string().min(1), commit: z.string().min(1) });
const packageSchema = z.object({ name: z.string(), version: z.string().min(1) });

/** Where to look; defaults are relative to this module (dist/src/app/ → dist/build-info.json). */
export interface BuildInfoSources {
  /** The file `npm run build` writes. */
  readonly buildInfoFile: string;
  /** The directory to start the upward search for package.json from. */
  readonly searchFrom: string;
}

function moduleDir(): string {
  return dirname(fileURLToPath(import.meta.url));
}

/** The default sources: `../../build-info.json` from this module, package.json searched upwards. */
export function defaultBuildInfoSources(): BuildInfoSources {
  const here = moduleDir();
  return { buildInfoFile: join(here, '..', '..', 'build-info.json'), searchFrom: here };
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** The version of the nearest package.json named kuryr-services at or above `from`; null if none. */
function packageVersion(from: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const parsed = packageSchema.safeParse(readJson(join(dir, 'package.json')));
    if (parsed.success && parsed.data.name === PACKAGE_NAME) return parsed.data.version;
    if (dirname(dir) === dir) return null;
  }
}

/**
 * Reads the build's version and commit. Never throws: a missing or malformed build-info
 * file means "version from package.json, commit unknown"; no package.json means `unknown`.
 */
export function readBuildInfo(sources: BuildInfoSources = defaultBuildInfoSources()): BuildInfo {
  const written = buildInfoSchema.safeParse(readJson(sources.buildInfoFile));
  if (written.success) return written.data;
  return { version: packageVersion(sources.searchFrom) ?? 'unknown', commit: UNKNOWN_COMMIT };
}
