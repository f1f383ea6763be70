import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyDocument } from '../../../src/app/manifests/classify.js';
import { listManifestFiles } from '../../../src/app/manifests/files.js';
import { loadManifests, placeholderUid } from '../../../src/app/manifests/load.js';
import { parseManifestText } from '../../../src/app/manifests/parse.js';

const service = (name: string, extra = ''): string => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  clusterIP: 10.2.0.10
  ports:
    - name: http
      port: 80
${extra}`;

describe('parseManifestText', () => {
  it('reads every document, drops empty ones and nulls, and numbers documents from 1 as YAML does (a leading --- starts document 1)', () => {
    const text = `---\n${service('a')}---\n---\n# only a comment\n---\n${service('b')}  selector:\n`;
    const parsed = parseManifestText(text, 'x.yaml');
    expect(parsed.errors).toEqual([]);
    expect(parsed.documents.map((d) => d.source.document)).toEqual([1, 4]);
    expect(parsed.documents[1]?.value).not.toHaveProperty('spec.selector');
  });

  it('reports a broken document with file, document number and line, and keeps the others', () => {
    const parsed = parseManifestText(`${service('a')}---\nkind: [\n---\n${service('c')}`, 'bad.yaml');
    expect(parsed.documents).toHaveLength(2);
    expect(parsed.errors).toHaveLength(1);
    expect(parsed.errors[0]?.message).toMatch(/bad\.yaml, document 2.*invalid YAML.*line \d+/);
  });

  it('expands kind: List into its items', () => {
    const parsed = parseManifestText(
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ kind: 'Service' }, { kind: 'Pod' }] }),
      'list.json',
    );
    expect(parsed.documents.map((d) => d.source)).toEqual([
      { file: 'list.json', document: 1, item: 0 },
      { file: 'list.json', document: 1, item: 1 },
    ]);
  });
});

describe('classifyDocument', () => {
  const source = { file: 'f.yaml', document: 3 };

  it('accepts a Service and defaults its namespace', () => {
    const doc = classifyDocument({ source, value: parseManifestText(service('a'), 'f').documents[0]?.value });
    expect(doc.kind).toBe('Service');
    expect(doc.kind === 'Service' && doc.object.metadata?.namespace).toBe('default');
  });

  it('names file, document, object and field for a port out of range', () => {
    const value = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'a' },
      spec: { ports: [{ port: 70000 }] },
    };
    const doc = classifyDocument({ source, value });
    expect(doc.kind).toBe('error');
    const message = doc.kind === 'error' ? doc.errors[0]?.message : '';
    expect(message).toBe(
      'reading manifest f.yaml, document 3 (Service a): spec.ports[0].port: must be within 1-65535',
    );
  });

  it('rejects a Service without metadata, a document without kind, and a scalar', () => {
    const messages = [
      { apiVersion: 'v1', kind: 'Service', spec: {} },
      { apiVersion: 'v1', metadata: { name: 'x' } },
      'just text',
    ].map((value) => {
      const doc = classifyDocument({ source, value });
      return doc.kind === 'error' ? doc.errors.map((e) => e.message).join() : doc.kind;
    });
    expect(messages[0]).toMatch(/document 3 \(Service <no name>\): metadata: required/);
    expect(messages[1]).toMatch(/document 3: kind: required/);
    expect(messages[2]).toMatch(/document 3: not a Kubernetes object/);
  });

  it('ignores other kinds and other API versions with a note', () => {
    const kinds = [
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } },
      { apiVersion: 'discovery.k8s.io/v1beta1', kind: 'EndpointSlice', metadata: { name: 's' } },
    ].map((value) => classifyDocument({ source, value }));
    expect(kinds.map((d) => d.kind)).toEqual(['ignored', 'ignored']);
    expect(kinds[0]?.kind === 'ignored' && kinds[0].note).toMatch(
      /f\.yaml, document 3: ignored apps\/v1 Deployment d/,
    );
  });
});

describe('loadManifests', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ks-manifests-'));
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'b.yaml'), service('web'));
    await writeFile(
      join(dir, 'sub', 'a.yml'),
      `${service('db')}---
apiVersion: v1
kind: Endpoints
metadata: { name: db }
subsets:
  - addresses: [{ ip: 10.1.0.1 }]
    ports: [{ name: http, port: 5432 }]
  - addresses: [{ ip: 10.1.0.2 }]
    ports: [{ name: http, port: 5433 }]
---
apiVersion: v1
kind: Endpoints
metadata: { name: web }
subsets: [{ addresses: [{ ip: 10.1.0.3 }], ports: [{ name: http, port: 1 }] }]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: web-1, labels: { kubernetes.io/service-name: web } }
addressType: IPv4
endpoints: [{ addresses: [10.1.0.4] }]
ports: [{ name: http, port: 8080 }]
`,
    );
    await writeFile(join(dir, 'notes.txt'), 'not a manifest');
    await writeFile(
      join(dir, 'c.json'),
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists .yaml/.yml/.json files recursively in sorted order', async () => {
    const listed = await listManifestFiles([dir]);
    expect(listed.files.map((f) => f.slice(dir.length + 1))).toEqual(['b.yaml', 'c.json', 'sub/a.yml']);
  });

  it('groups slices by Service, converts Endpoints only when no slice is given, and notes the rest', async () => {
    const loaded = await loadManifests([dir]);
    expect(loaded.errors).toEqual([]);
    const byName = new Map(loaded.services.map((s) => [s.name, s]));
    expect([...byName.keys()]).toEqual(['web', 'db']);
    expect(byName.get('web')?.endpointsFrom).toBe('EndpointSlice');
    expect(byName.get('web')?.slices.map((s) => s.metadata?.name)).toEqual(['web-1']);
    expect(byName.get('db')?.endpointsFrom).toBe('Endpoints');
    expect(byName.get('db')?.slices.map((s) => s.ports?.[0]?.port)).toEqual([5432, 5433]);
    expect(loaded.notes.join('\n')).toMatch(
      /ignored Endpoints default\/web: EndpointSlices for it are given/,
    );
    expect(loaded.notes.join('\n')).toMatch(/c\.json, document 1: ignored v1 ConfigMap c/);
  });

  it('gives a Service without uid a deterministic placeholder and says so', async () => {
    const loaded = await loadManifests([dir]);
    const web = loaded.services.find((s) => s.name === 'web');
    expect(web?.placeholderUid).toBe(true);
    expect(web?.service.metadata?.uid).toBe(placeholderUid('default', 'web'));
    expect(placeholderUid('default', 'web')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it('reports a missing path and a duplicate Service, and still loads the rest', async () => {
    const dup = join(dir, '..', `${dir.split('/').pop() ?? ''}-dup.yaml`);
    await writeFile(dup, service('web'));
    try {
      const loaded = await loadManifests([dir, '/nonexistent/x.yaml', dup]);
      expect(loaded.services.map((s) => s.name)).toEqual(['web', 'db']);
      const messages = loaded.errors.map((e) => e.message);
      expect(messages[0]).toMatch(/^reading manifest \/nonexistent\/x\.yaml: cannot read: ENOENT/);
      expect(messages[1]).toMatch(
        /-dup\.yaml, document 1: metadata\.name: Service default\/web is already defined in .*b\.yaml, document 1/,
      );
    } finally {
      await rm(dup, { force: true });
    }
  });
});
