/**
 * Text → documents: multi-document YAML (JSON is YAML), `kind: List` expanded into its
 * items, empty documents dropped, `null` fields removed (the API server treats them as unset).
 */
import { parseAllDocuments } from 'yaml';
import { ManifestError, type ManifestSource } from './errors.js';

/** One parsed object with where it came from. */
export interface RawDocument {
  readonly source: ManifestSource;
  readonly value: unknown;
}

/** The documents of one file, and the errors of the documents that could not be parsed. */
export interface ParsedFile {
  readonly documents: readonly RawDocument[];
  readonly errors: readonly ManifestError[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns a copy of `value` without `null` object fields (array entries are kept). */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field !== null) out[key] = dropNulls(field);
  }
  return out;
}

function expandList(value: unknown, source: ManifestSource): RawDocument[] {
  const kind = isRecord(value) ? value.kind : undefined;
  const items = isRecord(value) ? value.items : undefined;
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(items)) {
    const list: readonly unknown[] = items;
    return list.map((item, index) => ({ source: { ...source, item: index }, value: item }));
  }
  return [{ source, value }];
}

/**
 * Parses every document of `text` (read from `file`). Never throws: a document with a YAML
 * error becomes a {@link ManifestError} naming the file, document number and line, and the
 * other documents are still returned.
 */
export function parseManifestText(text: string, file: string): ParsedFile {
  const documents: RawDocument[] = [];
  const errors: ManifestError[] = [];
  parseAllDocuments(text, { prettyErrors: true }).forEach((doc, index) => {
    const source: ManifestSource = { file, document: index + 1 };
    const first = doc.errors[0];
    if (first !== undefined) {
      // With prettyErrors the first line of the message ends with "at line L, column C:".
      const detail = `invalid YAML: ${(first.message.split('\n')[0] ?? '').replace(/:$/, '')}`;
      errors.push(new ManifestError({ source, detail }, { cause: first }));
      return;
    }
    const value = dropNulls(doc.toJS({ maxAliasCount: 100 }));
    if (value === undefined || value === null) return;
    documents.push(...expandList(value, source));
  });
  return { documents, errors };
}
