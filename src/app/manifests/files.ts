/** Finding and reading manifest files: the only file-system access of manifest loading. */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ManifestError } from './errors.js';
import { parseManifestText, type RawDocument } from './parse.js';

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

function isManifestFile(name: string): boolean {
  return MANIFEST_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.map((e) => e.name).sort();
  const files: string[] = [];
  for (const name of names) {
    const entry = entries.find((e) => e.name === name);
    const path = join(dir, name);
    if (entry?.isDirectory() === true) files.push(...(await walk(path)));
    else if (entry?.isFile() === true && isManifestFile(name)) files.push(path);
  }
  return files;
}

/**
 * Expands `paths` into manifest files: a file is taken as given (whatever its extension), a
 * directory contributes every `.yaml`/`.yml`/`.json` file below it, recursively, in sorted
 * order. A path that does not exist or cannot be read yields an error; the others still count.
 */
export async function listManifestFiles(
  paths: readonly string[],
): Promise<{ files: string[]; errors: ManifestError[] }> {
  const files: string[] = [];
  const errors: ManifestError[] = [];
  for (const path of paths) {
    try {
      const info = await stat(path);
      files.push(...(info.isDirectory() ? await walk(path) : [path]));
    } catch (error) {
      const detail = `cannot read: ${describe(error)}`;
      errors.push(new ManifestError({ source: { file: path, document: null }, detail }, { cause: error }));
    }
  }
  return { files, errors };
}

/** Reads and parses every manifest file under `paths`; never throws (problems become errors). */
export async function readManifestDocuments(
  paths: readonly string[],
): Promise<{ documents: RawDocument[]; errors: ManifestError[] }> {
  const listed = await listManifestFiles(paths);
  const documents: RawDocument[] = [];
  const errors = [...listed.errors];
  for (const file of listed.files) {
    try {
      const parsed = parseManifestText(await readFile(file, 'utf8'), file);
      documents.push(...parsed.documents);
      errors.push(...parsed.errors);
    } catch (error) {
      const detail = `cannot read: ${describe(error)}`;
      errors.push(new ManifestError({ source: { file, document: null }, detail }, { cause: error }));
    }
  }
  return { documents, errors };
}
