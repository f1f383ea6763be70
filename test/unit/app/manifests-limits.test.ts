/** readManifestDocuments within size limits: per file and in total, files past them unread, the rest read. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_INPUT_LIMITS,
  formatBytes,
  InputLimitError,
  readManifestDocuments,
} from '../../../src/app/manifests/files.js';

/** A ConfigMap document padded with a comment to exactly `bytes` bytes. */
function documentOf(name: string, bytes: number): string {
  const body = `kind: ConfigMap\nmetadata: { name: ${name} }\n`;
  const padding = bytes - body.length - 2;
  if (padding < 0) throw new Error(`${bytes} bytes is too short`);
  return `${body}#${'x'.repeat(padding)}\n`;
}

function names(documents: readonly { value: unknown }[]): string[] {
  return documents.map((d) => (d.value as { metadata: { name: string } }).metadata.name);
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ks-limits-'));
  await writeFile(join(dir, 'a.yaml'), documentOf('a', 700));
  await writeFile(join(dir, 'b.yaml'), documentOf('b', 700));
  await writeFile(join(dir, 'c.yaml'), documentOf('c', 300));
  await writeFile(join(dir, 'exact.yaml'), documentOf('exact', 1024));
  await writeFile(join(dir, 'over.yaml'), documentOf('over', 1025));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readManifestDocuments size limits', () => {
  it('does not read a file over the per-file limit, names it and the limit, and reads the others', async () => {
    const files = ['a.yaml', 'over.yaml', 'exact.yaml'].map((f) => join(dir, f));
    const read = await readManifestDocuments(files, { maxFileBytes: 1024, maxTotalBytes: 10_000 });
    expect(names(read.documents)).toEqual(['a', 'exact']);
    expect(read.errors).toHaveLength(1);
    const error = read.errors[0];
    expect(error).toBeInstanceOf(InputLimitError);
    expect(error instanceof InputLimitError && error.limit).toBe('file');
    expect(error?.message).toBe(
      `reading manifest ${join(dir, 'over.yaml')}: larger than the per-file limit of 1 KiB; not read`,
    );
  });

  it('skips a file that would pass the total limit, and still reads a later one that fits', async () => {
    const files = ['a.yaml', 'b.yaml', 'c.yaml'].map((f) => join(dir, f));
    const read = await readManifestDocuments(files, { maxFileBytes: 1024, maxTotalBytes: 1100 });
    expect(names(read.documents)).toEqual(['a', 'c']);
    expect(read.errors.map((e) => e.message)).toEqual([
      `reading manifest ${join(dir, 'b.yaml')}: not read: it would take the input past the total limit of 1100 bytes (700 bytes read before it)`,
    ]);
    expect(read.errors[0] instanceof InputLimitError && read.errors[0].limit).toBe('total');
  });

  it('stops reading an endless device at the limit instead of trusting its size', async () => {
    const read = await readManifestDocuments(['/dev/zero', join(dir, 'c.yaml')], {
      maxFileBytes: 64 * 1024,
      maxTotalBytes: 1024 * 1024,
    });
    expect(names(read.documents)).toEqual(['c']);
    expect(read.errors.map((e) => e.message)).toEqual([
      'reading manifest /dev/zero: larger than the per-file limit of 64 KiB; not read',
    ]);
  });

  it('has defaults of 8 MiB per file and 32 MiB in all', () => {
    expect(formatBytes(DEFAULT_INPUT_LIMITS.maxFileBytes)).toBe('8 MiB');
    expect(formatBytes(DEFAULT_INPUT_LIMITS.maxTotalBytes)).toBe('32 MiB');
    expect([formatBytes(1536), formatBytes(1000), formatBytes(3 * 1024 * 1024 + 1024)]).toEqual([
      '1536 bytes',
      '1000 bytes',
      '3073 KiB',
    ]);
  });
});
