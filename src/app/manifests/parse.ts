/**
 * Text → documents: multi-document YAML (JSON is YAML), `kind: List` expanded into its
 * items, empty documents dropped, `null` fields removed (the API server treats them as unset).
 */
import { ManifestError, type ManifestSource } from './errors.js';
import { DocumentLimitError, materializeDocument } from './materialize.js';
import { readYamlDocuments } from './yaml-documents.js';

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

/** Appends `value` to `documents`, or each of its items when it is a `kind: ...List`. */
function addDocument(documents: RawDocument[], value: unknown, source: ManifestSource): void {
  const kind = isRecord(value) ? value.kind : undefined;
  const items = isRecord(value) ? value.items : undefined;
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(items)) {
    const list: readonly unknown[] = items;
    list.forEach((item, index) => documents.push({ source: { ...source, item: index }, value: item }));
    return;
  }
  documents.push({ source, value });
}

/**
 * Parses every document of `text` (read from `file`). Never throws: a document that cannot
 * be used (a YAML error, an alias bomb, too deep) becomes a {@link ManifestError} naming the
 * file, the document number and, for syntax errors, the line; the other documents are still
 * returned. Merge keys (`<<`) are applied.
 */
export function parseManifestText(text: string, file: string): ParsedFile {
  const documents: RawDocument[] = [];
  const errors: ManifestError[] = [];
  let index = 0;
  for (const doc of readYamlDocuments(text)) {
    index += 1;
    const source: ManifestSource = { file, document: index };
    if (doc.kind === 'broken') {
      errors.push(new ManifestError({ source, detail: doc.detail }, { cause: doc.cause }));
      continue;
    }
    try {
      const value = materializeDocument(doc.document, doc.length);
      if (value !== undefined && value !== null) addDocument(documents, value, source);
    } catch (error) {
      if (!(error instanceof DocumentLimitError)) throw error;
      errors.push(new ManifestError({ source, detail: error.message }, { cause: error }));
    }
  }
  return { documents, errors };
}
