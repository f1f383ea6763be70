/**
 * A composed YAML document → a plain value, with the bounds that keep a hostile document
 * from exhausting memory or the stack: alias expansion and nesting depth are limited.
 * `null` fields are dropped, as the API server treats them as unset.
 */
import type { Document } from 'yaml';

/** At most this many uses per anchor, weighted by the aliases inside it (yaml's own measure and default). */
export const MAX_ALIAS_COUNT = 100;
/** A document may always expand to this many values, whatever its length. */
export const MIN_VALUE_BUDGET = 100_000;
/**
 * Beyond that, to twice its length in characters: without aliases every value takes at
 * least one character of source, so only alias expansion can pass this.
 */
export const VALUES_PER_CHARACTER = 2;
/** Deeper nesting is refused: Kubernetes objects nest a few dozen levels at most, and later steps recurse. */
export const MAX_DEPTH = 500;

/** Why a composed document cannot be used. */
export class DocumentLimitError extends Error {
  override readonly name = 'DocumentLimitError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Copies `value` without null fields, counting every value against `budget`. */
class Copier {
  private remaining: number;
  constructor(private readonly budget: number) {
    this.remaining = budget;
  }

  copy(value: unknown, depth: number): unknown {
    this.remaining -= 1;
    if (this.remaining < 0) {
      throw new DocumentLimitError(
        `expands to more than ${this.budget} values through aliases (the limit is twice its length in characters, at least ${MIN_VALUE_BUDGET})`,
      );
    }
    if (depth > MAX_DEPTH) throw new DocumentLimitError(`nested more than ${MAX_DEPTH} levels deep`);
    if (Array.isArray(value)) return value.map((item: unknown) => this.copy(item, depth + 1));
    if (!isRecord(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      if (field !== null) out[key] = this.copy(field, depth + 1);
    }
    return out;
  }
}

function describeToJsError(error: unknown): string {
  // yaml throws a ReferenceError with this text when MAX_ALIAS_COUNT is exceeded.
  if (error instanceof ReferenceError && error.message.includes('resource exhaustion')) {
    return `aliases used more than ${MAX_ALIAS_COUNT} times for one anchor (an alias bomb, "billion laughs")`;
  }
  return `cannot build the document: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * The plain value of `doc` (whose source is `length` characters long), without null
 * fields. Throws DocumentLimitError naming the reason when its aliases are used too often
 * or expand it too far, when it nests too deeply, or when it cannot be built (an alias
 * without anchor, a merge key whose value is not a mapping).
 */
export function materializeDocument(doc: Document.Parsed, length: number): unknown {
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw new DocumentLimitError(describeToJsError(error), { cause: error });
  }
  const budget = Math.max(MIN_VALUE_BUDGET, VALUES_PER_CHARACTER * length);
  try {
    return new Copier(budget).copy(value, 0);
  } catch (error) {
    if (error instanceof DocumentLimitError) throw error;
    // A RangeError: a structure deeper than the stack, though within MAX_DEPTH.
    throw new DocumentLimitError(describeToJsError(error), { cause: error });
  }
}
