/**
 * YAML text → its documents, one at a time, each composed or broken. Built on yaml's
 * streaming Parser and Composer, so a file's documents are parsed and released one by one,
 * with one recovery the library lacks: a broken document never takes its neighbours along.
 */
import { Composer, LineCounter, Parser, type Document, type YAMLError } from 'yaml';

/**
 * How every manifest is composed: YAML 1.2 with merge keys (`<<`, which kubectl's YAML
 * reader also accepts), duplicate keys as errors; warnings are collected, not printed.
 */
const COMPOSE_OPTIONS = { merge: true, uniqueKeys: true, logLevel: 'error' } as const;

/** One document of a YAML stream, in stream order. */
export type YamlDocument =
  | {
      readonly kind: 'composed';
      readonly document: Document.Parsed;
      /** Its length in the text (characters), for limits relative to its size. */
      readonly length: number;
    }
  | { readonly kind: 'broken'; readonly detail: string; readonly cause: unknown };

interface Region {
  readonly start: number;
  readonly end: number;
}

/** A line the YAML spec forbids inside any document (`c-forbidden`): `---` or `...` at column 0. */
function markerAt(text: string, at: number): '---' | '...' | null {
  const marker = text.startsWith('---', at) ? '---' : text.startsWith('...', at) ? '...' : null;
  if (marker === null) return null;
  const next = text.charAt(at + 3);
  return next === '' || next === ' ' || next === '\t' || next === '\r' || next === '\n' ? marker : null;
}

function nextLine(text: string, at: number): number {
  const newline = text.indexOf('\n', at);
  return newline === -1 ? text.length : newline + 1;
}

/** True for the lines that may precede a document's `---`: blank, comment or directive. */
function isPrelude(text: string, at: number): boolean {
  const line = text.slice(at, nextLine(text, at)).trim();
  return line === '' || line.startsWith('#') || line.startsWith('%');
}

/** True when a document marker line lies in `region` after its first line. */
function holdsMarker(text: string, region: Region): boolean {
  for (let at = nextLine(text, region.start); at < region.end; at = nextLine(text, at)) {
    if (markerAt(text, at) !== null) return true;
  }
  return false;
}

/**
 * `region` cut at every document marker line: a `---` starts a piece (together with the
 * comments and directives just before it), a `...` ends one.
 */
function splitAtMarkers(text: string, region: Region): Region[] {
  const starts = [region.start];
  let content = false;
  for (let at = region.start; at < region.end; at = nextLine(text, at)) {
    const marker = markerAt(text, at);
    if (marker === '---') {
      if (content && at > region.start) starts.push(at);
      content = true;
    } else if (marker === '...') {
      const next = nextLine(text, at);
      if (next < region.end) starts.push(next);
      content = false;
    } else if (!content && !isPrelude(text, at)) {
      content = true;
    }
  }
  return starts.map((start, i) => ({ start, end: starts[i + 1] ?? region.end }));
}

/**
 * Composes the documents of `text`. The Composer hands a document over only when the next
 * one begins, so when the parser throws (it recurses once per nesting level and runs out
 * of stack on blocks a few thousand levels deep) the document it holds is still delivered
 * before the error is rethrown.
 */
function* compose(text: string): Generator<Document.Parsed> {
  const composer = new Composer(COMPOSE_OPTIONS);
  let failure: { error: unknown } | null = null;
  try {
    for (const token of new Parser().parse(text)) yield* composer.next(token);
  } catch (error) {
    failure = { error };
  }
  yield* composer.end(false, text.length);
  if (failure !== null) throw failure.error;
}

/** Formats offsets as lines and columns of the whole text (built on first use). */
class Positions {
  private counter: LineCounter | null = null;
  constructor(private readonly text: string) {}

  describe(offset: number): string {
    if (this.counter === null) {
      const counter = new LineCounter();
      for (let at = this.text.indexOf('\n'); at !== -1; at = this.text.indexOf('\n', at + 1)) {
        counter.addNewLine(at + 1);
      }
      this.counter = counter;
    }
    const { line, col } = this.counter.linePos(offset);
    return `line ${line}, column ${col}`;
  }
}

function composedOrBroken(doc: Document.Parsed, offset: number, positions: Positions): YamlDocument {
  const first: YAMLError | undefined = doc.errors[0];
  if (first === undefined) return { kind: 'composed', document: doc, length: doc.range[2] - doc.range[0] };
  const detail = `invalid YAML: ${first.message} at ${positions.describe(offset + first.pos[0])}`;
  return { kind: 'broken', detail, cause: first };
}

function brokenPiece(error: unknown, start: number, positions: Positions): YamlDocument {
  const reason = error instanceof Error ? error.message : String(error);
  const detail = `invalid YAML: the parser gave up on the document starting at ${positions.describe(start)} (${reason}; nested too deeply?)`;
  return { kind: 'broken', detail, cause: error };
}

/** Each piece of `region` parsed on its own: a piece that fails is one broken document. */
function* readPieces(text: string, region: Region, positions: Positions): Generator<YamlDocument> {
  for (const piece of splitAtMarkers(text, region)) {
    const docs: YamlDocument[] = [];
    try {
      for (const doc of compose(text.slice(piece.start, piece.end))) {
        docs.push(composedOrBroken(doc, piece.start, positions));
      }
    } catch (error) {
      docs.push(brokenPiece(error, piece.start, positions));
    }
    yield* docs;
  }
}

/**
 * The documents of `text`, in order. Never throws: a document with a YAML error is
 * `broken` with a message naming its line and column, and the others are still composed.
 *
 * Where the library cannot tell where a broken document ends, the YAML spec can: a line
 * starting with `---` or `...` is forbidden inside any document. So a broken document that
 * swallowed such lines (an unterminated quoted string reads on to the end of the file) is
 * cut there and each piece parsed on its own; the same for the rest of the text after the
 * parser gave up. What is lost is only the piece that is itself broken.
 */
export function* readYamlDocuments(text: string): Generator<YamlDocument> {
  const positions = new Positions(text);
  let resumeAt = 0;
  try {
    for (const doc of compose(text)) {
      const region = { start: doc.range[0], end: doc.range[2] };
      resumeAt = region.end;
      if (doc.errors.length > 0 && holdsMarker(text, region)) yield* readPieces(text, region, positions);
      else yield composedOrBroken(doc, 0, positions);
    }
  } catch {
    // The parser gave up (see compose); what follows the last document delivered is read piece by piece.
    yield* readPieces(text, { start: resumeAt, end: text.length }, positions);
  }
}
