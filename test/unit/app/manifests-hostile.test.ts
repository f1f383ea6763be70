/**
 * parseManifestText on hostile and broken YAML: a bad document is reported with its number
 * and never takes its neighbours (in the same file) along; merge keys work.
 */
import { describe, expect, it } from 'vitest';
import { classifyDocument } from '../../../src/app/manifests/classify.js';
import { MAX_DEPTH } from '../../../src/app/manifests/materialize.js';
import { parseManifestText } from '../../../src/app/manifests/parse.js';

/** A one-line document whose value says which it is. */
const marker = (name: string): string => `kind: ${name}\n`;

/** "Billion laughs": nine levels of nine aliases each (9^9 strings once expanded). */
const ALIAS_BOMB =
  [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...'bcdefghi'.split('').map((name, i) => {
      const previous = 'abcdefgh'[i] ?? 'a';
      return `${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(',')}]`;
    }),
  ].join('\n') + '\n';

/** Parses `docs` joined as one stream; returns the kept `kind`s by number, and the errors. */
function parse(docs: readonly string[]): { kept: string[]; errors: string[] } {
  const parsed = parseManifestText(docs.map((d) => `---\n${d}`).join(''), 'hostile.yaml');
  const kept = parsed.documents.map((d) => {
    const value = d.value as { kind?: unknown };
    return `${d.source.document ?? '?'}:${typeof value.kind === 'string' ? value.kind : '-'}`;
  });
  return { kept, errors: parsed.errors.map((e) => e.message) };
}

describe('parseManifestText on hostile input', () => {
  it('reports an alias bomb as its own document and keeps the documents around it', () => {
    const { kept, errors } = parse([marker('A'), ALIAS_BOMB, marker('B')]);
    expect(kept).toEqual(['1:A', '3:B']);
    expect(errors).toEqual([
      'reading manifest hostile.yaml, document 2: aliases used more than 100 times for one anchor (an alias bomb, "billion laughs")',
    ]);
  });

  it('refuses a large anchor aliased many times (within the alias count) by the values it expands to', () => {
    const big = `big: &big [${Array.from({ length: 20_000 }, () => '1').join(',')}]\ncopies: [${Array.from({ length: 90 }, () => '*big').join(',')}]\n`;
    const { kept, errors } = parse([marker('A'), big, marker('B')]);
    expect(kept).toEqual(['1:A', '3:B']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/document 2: expands to more than \d+ values through aliases/);
  });

  it('keeps the documents after an unterminated quoted string, which the YAML lexer reads to the end of the file', () => {
    const { kept, errors } = parse([marker('A'), 'key: "unterminated\n', marker('B'), marker('C')]);
    expect(kept).toEqual(['1:A', '3:B', '4:C']);
    expect(errors).toHaveLength(1);
    // The line is the broken document's own, not the end of the file.
    expect(errors[0]).toMatch(/document 2: invalid YAML: Missing closing "quote at line 4, column 1$/);
  });

  it('numbers documents after a cut one as the markers count them, with directives and ... ends', () => {
    const text = `${marker('A')}---\nkey: 'open\n...\n%YAML 1.2\n---\n${marker('B')}---\n${marker('C')}`;
    const parsed = parseManifestText(text, 'x.yaml');
    expect(parsed.documents.map((d) => d.source.document)).toEqual([1, 3, 4]);
    expect(parsed.errors.map((e) => e.source.document)).toEqual([2]);
  });

  it('keeps the documents around a syntax error, a duplicate key, an unknown alias and a bad merge', () => {
    const { kept, errors } = parse([
      marker('A'),
      'kind: [unclosed\n',
      marker('B'),
      'a: 1\na: 2\n',
      marker('C'),
      'x: *nowhere\n',
      marker('D'),
      'scalar: &s 5\nm:\n  <<: *s\n',
      marker('E'),
    ]);
    expect(kept).toEqual(['1:A', '3:B', '5:C', '7:D', '9:E']);
    const expected = [
      /document 2: invalid YAML: Flow sequence in block collection .* at line 4, column 1$/,
      /document 4: invalid YAML: Map keys must be unique at line 8, column 1$/,
      /document 6: cannot build the document: Unresolved alias .*nowhere/,
      /document 8: cannot build the document: Merge sources must be maps/,
    ];
    expect(errors).toHaveLength(expected.length);
    expected.forEach((pattern, i) => {
      expect(errors[i]).toMatch(pattern);
    });
  });

  it('keeps the documents around one nested deeper than the parser can go', () => {
    const deep = Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1\n';
    const flow = `${'['.repeat(3000)}${']'.repeat(3000)}\n`;
    const { kept, errors } = parse([marker('A'), deep, marker('B'), flow, marker('C')]);
    expect(kept).toEqual(['1:A', '3:B', '5:C']);
    expect(errors.map((e) => /document (\d+): invalid YAML/.exec(e)?.[1])).toEqual(['2', '4']);
  });

  it(`refuses nesting deeper than ${MAX_DEPTH} levels that the parser still reads`, () => {
    const levels = MAX_DEPTH + 5;
    const deep = Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1\n';
    const { kept, errors } = parse([marker('A'), deep, marker('B')]);
    expect(kept).toEqual(['1:A', '3:B']);
    expect(errors).toEqual([
      `reading manifest hostile.yaml, document 2: nested more than ${MAX_DEPTH} levels deep`,
    ]);
  });
});

describe('merge keys', () => {
  it('applies <<: with one alias and with a list, explicit keys winning, as kubectl does', () => {
    const text = `apiVersion: v1
kind: Service
metadata:
  name: web
  labels: &labels { app: web, tier: front }
  annotations:
    <<: *labels
    tier: overridden
spec:
  clusterIP: 10.2.0.10
  ports:
    - &http { name: http, port: 80, protocol: TCP }
    - <<: [*http, { targetPort: 8443 }]
      name: https
      port: 443
`;
    const parsed = parseManifestText(text, 'merge.yaml');
    expect(parsed.errors).toEqual([]);
    const doc = classifyDocument({
      source: { file: 'merge.yaml', document: 1 },
      value: parsed.documents[0]?.value,
    });
    expect(doc.kind).toBe('Service');
    if (doc.kind !== 'Service') return;
    expect(doc.object.metadata?.annotations).toEqual({ app: 'web', tier: 'overridden' });
    expect(doc.object.spec?.ports).toEqual([
      { name: 'http', port: 80, protocol: 'TCP' },
      { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 },
    ]);
  });
});

describe('large input', () => {
  it('returns every item of a kind: List longer than a call takes arguments (150,001 items)', () => {
    const count = 150_001;
    const text = `apiVersion: v1\nkind: List\nitems:\n${'- {}\n'.repeat(count)}`;
    const parsed = parseManifestText(text, 'long-list.yaml');
    expect(parsed.errors).toEqual([]);
    expect(parsed.documents).toHaveLength(count);
    expect(parsed.documents.at(-1)?.source).toEqual({ file: 'long-list.yaml', document: 1, item: count - 1 });
  }, 120_000);
});
