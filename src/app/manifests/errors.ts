/** Errors found while reading manifests: each names the file, the document and the field. */

/** Where a document came from: a file and its 1-based document number within it. */
export interface ManifestSource {
  readonly file: string;
  /** 1-based; null when the error concerns the whole file (e.g. it does not exist). */
  readonly document: number | null;
  /** Set when the object came from `items[i]` of a `kind: List` document. */
  readonly item?: number;
}

/** Formats a source as `file, document 2` / `file, document 2, items[0]` / `file`. */
export function formatSource(source: ManifestSource): string {
  const parts = [source.file];
  if (source.document !== null) parts.push(`document ${source.document}`);
  if (source.item !== undefined) parts.push(`items[${source.item}]`);
  return parts.join(', ');
}

/**
 * A manifest that cannot be used: unreadable file, unparsable YAML, or an object whose
 * field is malformed. The message names the file, the document and (when known) the field.
 */
export class ManifestError extends Error {
  override readonly name: string = 'ManifestError';
  readonly source: ManifestSource;
  readonly field: string | null;
  readonly detail: string;

  constructor(
    options: { source: ManifestSource; detail: string; field?: string; object?: string },
    errorOptions?: { cause?: unknown },
  ) {
    const what = options.object === undefined ? '' : ` (${options.object})`;
    const field = options.field === undefined ? '' : `${options.field}: `;
    super(`reading manifest ${formatSource(options.source)}${what}: ${field}${options.detail}`, errorOptions);
    this.source = options.source;
    this.field = options.field ?? null;
    this.detail = options.detail;
  }
}
