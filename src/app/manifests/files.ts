/** Finding and reading manifest files: the only file-system access of manifest loading. */
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ManifestError } from './errors.js';
import { parseManifestText, type RawDocument } from './parse.js';

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];
const MIB = 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;

/** How much manifest text is read: per file and over all files, in bytes. */
export interface InputLimits {
  readonly maxFileBytes: number;
  readonly maxTotalBytes: number;
}

/**
 * 8 MiB per file (over twice the largest request the API server accepts, so any object
 * fits) and 32 MiB in all: enough for a large cluster's Services and EndpointSlices.
 */
export const DEFAULT_INPUT_LIMITS: InputLimits = { maxFileBytes: 8 * MIB, maxTotalBytes: 32 * MIB };

/** A file left unread because it would pass an {@link InputLimits} bound. */
export class InputLimitError extends ManifestError {
  override readonly name = 'InputLimitError';
  constructor(
    options: { file: string; detail: string; limit: 'file' | 'total' },
    errorOptions?: { cause?: unknown },
  ) {
    super({ source: { file: options.file, document: null }, detail: options.detail }, errorOptions);
    this.limit = options.limit;
  }
  /** Which bound was hit. */
  readonly limit: 'file' | 'total';
}

/** `8 MiB`, `512 KiB` or `1000 bytes`: the unit that shows `bytes` exactly. */
export function formatBytes(bytes: number): string {
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

function isManifestFile(name: string): boolean {
  return MANIFEST_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Appends the manifest files below `dir` to `files`, in sorted order (symbolic links are not followed). */
async function walk(dir: string, files: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, files);
    else if (entry.isFile() && isManifestFile(entry.name)) files.push(path);
  }
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
      if ((await stat(path)).isDirectory()) await walk(path, files);
      else files.push(path);
    } catch (error) {
      const detail = `cannot read: ${describe(error)}`;
      errors.push(new ManifestError({ source: { file: path, document: null }, detail }, { cause: error }));
    }
  }
  return { files, errors };
}

/**
 * Reads at most `cap` bytes of `file`; null when it holds more. Reads instead of trusting
 * the size `stat` reports, which is 0 for pipes and devices (`-f /dev/zero` never ends).
 */
async function readAtMost(file: string, cap: number): Promise<Buffer | null> {
  const handle = await open(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, cap + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) return Buffer.concat(chunks, total);
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > cap) return null;
    }
  } finally {
    await handle.close();
  }
}

type ReadOutcome = { readonly text: string; readonly bytes: number } | { readonly error: ManifestError };

/** Reads `file` if it fits both the per-file bound and what is left of the total. */
async function readWithin(file: string, limits: InputLimits, readSoFar: number): Promise<ReadOutcome> {
  const left = Math.max(0, limits.maxTotalBytes - readSoFar);
  const perFile = limits.maxFileBytes <= left;
  try {
    const bytes = await readAtMost(file, perFile ? limits.maxFileBytes : left);
    if (bytes !== null) return { text: bytes.toString('utf8'), bytes: bytes.length };
  } catch (error) {
    const detail = `cannot read: ${describe(error)}`;
    return { error: new ManifestError({ source: { file, document: null }, detail }, { cause: error }) };
  }
  const detail = perFile
    ? `larger than the per-file limit of ${formatBytes(limits.maxFileBytes)}; not read`
    : `not read: it would take the input past the total limit of ${formatBytes(limits.maxTotalBytes)} (${formatBytes(readSoFar)} read before it)`;
  return { error: new InputLimitError({ file, detail, limit: perFile ? 'file' : 'total' }) };
}

/**
 * Reads and parses every manifest file under `paths`, within `limits`; never throws
 * (problems become errors). A file past a limit is not read at all; the others still are.
 */
export async function readManifestDocuments(
  paths: readonly string[],
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): Promise<{ documents: RawDocument[]; errors: ManifestError[] }> {
  const listed = await listManifestFiles(paths);
  const documents: RawDocument[] = [];
  const errors = listed.errors;
  let readSoFar = 0;
  for (const file of listed.files) {
    const read = await readWithin(file, limits, readSoFar);
    if ('error' in read) {
      errors.push(read.error);
      continue;
    }
    readSoFar += read.bytes;
    const parsed = parseManifestText(read.text, file);
    // A loop, not push(...): a file can hold more documents than a call takes arguments.
    for (const document of parsed.documents) documents.push(document);
    for (const error of parsed.errors) errors.push(error);
  }
  return { documents, errors };
}
