import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../../src/openstack/errors.js';
import { OpenStackHttp } from '../../../src/openstack/http.js';
import type {
  Transport,
  TransportRequest,
  TransportResponse,
} from '../../../src/openstack/http-transport.js';
import { type CommonFilters, commonQuery } from '../../../src/openstack/pagination.js';
import { defineResource, defineResourceKind } from '../../../src/openstack/resource.js';
import { tagsSchema, textSchema, UnexpectedResponseError } from '../../../src/openstack/response.js';
import type { OpenStackSession, ServiceType } from '../../../src/openstack/session.js';

/*
 * The helper runs against an in-memory widget service spoken to through the real request
 * wrapper (OpenStackHttp), so status mapping and query encoding are the production ones.
 * The service pages as Octavia and Neutron do: `limit` + `marker`, `<plural>_links`.
 */

const ENDPOINT: Readonly<Record<ServiceType, string>> = {
  'load-balancer': 'http://octavia.test:9876',
  network: 'http://neutron.test:9696/v2.0',
  identity: 'http://keystone.test/v3',
};

interface WidgetJson {
  id: string;
  name: string;
  tags: string[];
  state: string;
  children: number;
}

/** Octavia links `next` only while more remain; Neutron links it on every full page (and `previous`). */
type Style = 'octavia' | 'neutron';

function json(status: number, body: unknown): TransportResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function notFound(style: Style, what: string): TransportResponse {
  if (style === 'octavia') return json(404, { faultcode: 'Client', faultstring: `${what} not found.` });
  return json(404, { NeutronError: { type: 'WidgetNotFound', message: `${what} could not be found.` } });
}

function matches(w: WidgetJson, q: URLSearchParams): boolean {
  const all = q.get('tags')?.split(',') ?? [];
  const any = q.get('tags-any')?.split(',');
  const name = q.get('name');
  if (!all.every((t) => w.tags.includes(t))) return false;
  if (any !== undefined && !any.some((t) => w.tags.includes(t))) return false;
  return name === null || w.name === name;
}

function listPage(style: Style, url: URL, items: WidgetJson[]): TransportResponse {
  const q = url.searchParams;
  const found = items.filter((w) => matches(w, q)).sort((a, b) => a.id.localeCompare(b.id));
  const marker = q.get('marker');
  const start = marker === null ? 0 : found.findIndex((w) => w.id === marker) + 1;
  const limit = Number(q.get('limit') ?? found.length);
  const page = found.slice(start, start + limit);
  const last = page.at(-1)?.id;
  const full = q.has('limit') && page.length === limit;
  const more = style === 'neutron' ? full : start + limit < found.length;
  const link = (rel: string, m: string): { rel: string; href: string } => {
    const next = new URL(url);
    next.searchParams.set('marker', m);
    if (rel === 'previous') next.searchParams.set('page_reverse', 'True');
    return { rel, href: next.toString() };
  };
  const links = [
    ...(more && last !== undefined ? [link('next', last)] : []),
    ...(style === 'neutron' && marker !== null ? [link('previous', page[0]?.id ?? marker)] : []),
  ];
  return json(200, { widgets: page, widgets_links: links });
}

/** A widget service: collections keyed by path; ids `w-NN` in creation order. */
function widgetService(style: Style, seed: Record<string, Partial<WidgetJson>[]> = {}): Transport {
  const collections = new Map<string, Map<string, WidgetJson>>();
  let created = 0;
  const add = (path: string, w: Partial<WidgetJson>): WidgetJson => {
    const id = w.id ?? `w-${String(created++).padStart(2, '0')}`;
    const widget = { id, name: '', tags: [], state: 'ACTIVE', children: 0, ...w };
    const coll = collections.get(path) ?? new Map<string, WidgetJson>();
    collections.set(path, coll.set(id, widget));
    return widget;
  };
  for (const [path, items] of Object.entries(seed)) for (const w of items) add(path, w);
  const handle = (req: TransportRequest): TransportResponse => {
    const path = req.url.pathname;
    const body = req.body === undefined ? {} : (JSON.parse(req.body) as { widget?: Partial<WidgetJson> });
    if (path.endsWith('/widgets')) {
      if (req.method === 'POST') return json(201, { widget: add(path, body.widget ?? {}) });
      return listPage(style, req.url, [...(collections.get(path)?.values() ?? [])]);
    }
    const coll = collections.get(path.slice(0, path.lastIndexOf('/')));
    const id = decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
    const widget = coll?.get(id);
    if (coll === undefined || widget === undefined) return notFound(style, `Widget ${id}`);
    if (req.method === 'PUT') return json(200, { widget: Object.assign(widget, body.widget) });
    if (req.method !== 'DELETE') return json(200, { widget });
    if (widget.children > 0 && req.url.searchParams.get('cascade') !== 'true') {
      return json(409, { faultcode: 'Client', faultstring: `Widget ${id} has children.` });
    }
    coll.delete(id);
    return { status: 204, headers: {}, body: '' };
  };
  return (req) => Promise.resolve(handle(req));
}

function sessionOver(transport: Transport): OpenStackSession {
  const logger = pino({ level: 'silent' });
  const http = new OpenStackHttp({
    transport,
    logger,
    metrics: { observe: () => undefined },
    userAgent: 't',
  });
  return {
    request: (req) => http.send({ ...req, endpoint: ENDPOINT[req.service], token: 'tok' }),
    endpoint: (service) => Promise.resolve(ENDPOINT[service]),
    projectId: () => Promise.resolve('project'),
  };
}

interface WidgetFilters extends CommonFilters {
  readonly name?: string;
}

const widgetSchema = z
  .object({ id: z.string(), name: textSchema, tags: tagsSchema, state: z.enum(['ACTIVE', 'ERROR']) })
  .transform((w) => ({ id: w.id, name: w.name, tags: w.tags, state: w.state }));

const kindSpec = {
  singular: 'widget',
  plural: 'widgets',
  schema: widgetSchema,
  query: (filters: WidgetFilters) => ({
    ...commonQuery(filters),
    ...(filters.name === undefined ? {} : { name: filters.name }),
  }),
  createBody: (spec: { name: string; tags: readonly string[] }) => ({ widget: { ...spec } }),
  updateBody: (changes: { name?: string }) => ({ widget: changes }),
};
const octaviaWidgets = defineResource({ ...kindSpec, service: 'load-balancer', path: '/v2/lbaas/widgets' });
const neutronWidgets = defineResource({ ...kindSpec, service: 'network', path: '/v2.0/widgets' });
const resources = { octavia: octaviaWidgets, neutron: neutronWidgets } as const;
const pathOf = { octavia: '/v2/lbaas/widgets', neutron: '/v2.0/widgets' } as const;

const ids = (count: number): Partial<WidgetJson>[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `w-${String(i).padStart(2, '0')}`,
    name: i % 2 ? 'odd' : 'even',
  }));

describe('defineResource: listing', () => {
  it.each([
    ['octavia', 0, 2],
    ['octavia', 5, 2],
    ['octavia', 6, 3],
    ['neutron', 0, 2],
    ['neutron', 4, 2],
    ['neutron', 7, 3],
  ] as const)('%s: listAll follows next links over %i items, page size %i', async (style, count, size) => {
    const session = sessionOver(widgetService(style, { [pathOf[style]]: ids(count) }));
    const all = await resources[style].listAll(session, { limit: size });
    expect(all.map((w) => w.id)).toEqual(ids(count).map((w) => w.id));
  });

  it.each(['octavia', 'neutron'] as const)('%s: one page carries the next marker', async (style) => {
    const session = sessionOver(widgetService(style, { [pathOf[style]]: ids(5) }));
    const first = await resources[style].list(session, { limit: 2 });
    expect(first).toEqual({
      items: [expect.objectContaining({ id: 'w-00' }), expect.anything()],
      nextMarker: 'w-01',
    });
    const second = await resources[style].list(session, { limit: 2, marker: 'w-01' });
    expect(second.items.map((w) => w.id)).toEqual(['w-02', 'w-03']);
    expect((await resources[style].list(session)).items).toHaveLength(5);
  });

  it('keeps name and tag filters on every page', async () => {
    const seed = ids(9).map((w, i) => ({ ...w, tags: i % 3 === 0 ? ['kuryr', 'a'] : ['kuryr'] }));
    const session = sessionOver(widgetService('neutron', { '/v2.0/widgets': seed }));
    const odd = await neutronWidgets.listAll(session, { name: 'odd', tags: ['kuryr'], limit: 1 });
    expect(odd.map((w) => w.id)).toEqual(['w-01', 'w-03', 'w-05', 'w-07']);
    const tagged = await neutronWidgets.listAll(session, {
      tags: ['kuryr', 'a'],
      tagsAny: ['a', 'b'],
      limit: 2,
    });
    expect(tagged.map((w) => w.id)).toEqual(['w-00', 'w-03', 'w-06']);
  });
});

describe('defineResource: one object', () => {
  it.each(['octavia', 'neutron'] as const)('%s: create, get, update, delete', async (style) => {
    const session = sessionOver(widgetService(style));
    const r = resources[style];
    const made = await r.create(session, { name: 'a', tags: ['kuryr'] });
    expect(made).toEqual({ id: 'w-00', name: 'a', tags: ['kuryr'], state: 'ACTIVE' });
    expect(await r.update(session, made.id, { name: 'b' })).toMatchObject({ id: 'w-00', name: 'b' });
    expect(await r.get(session, made.id)).toMatchObject({ name: 'b', tags: ['kuryr'] });
    await r.remove(session, made.id);
    expect(await r.listAll(session)).toEqual([]);
  });

  it.each(['octavia', 'neutron'] as const)(
    '%s: 404 is a NotFoundError naming the operation',
    async (style) => {
      const session = sessionOver(widgetService(style));
      const err = await resources[style].get(session, 'gone').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotFoundError);
      expect(err).toMatchObject({ status: 404, operation: `${style}.widget.get` });
      expect(String(err)).toMatch(/Widget gone (not found|could not be found)/);
      await expect(resources[style].remove(session, 'gone')).rejects.toThrow(NotFoundError);
    },
  );

  it('passes a delete query (cascade) through', async () => {
    const session = sessionOver(
      widgetService('octavia', { '/v2/lbaas/widgets': [{ id: 'p', children: 2 }] }),
    );
    await expect(octaviaWidgets.remove(session, 'p')).rejects.toThrow(ConflictError);
    await octaviaWidgets.removeWith(session, 'p', { query: { cascade: true } });
    expect(await octaviaWidgets.listAll(session)).toEqual([]);
  });
});

describe('defineResource: schema errors name the resource', () => {
  const bad = { '/v2/lbaas/widgets': [{ id: 'w-00' }, { id: 'w-01', state: 'EXPLODED' }] };

  it('in a list: the operation and the item field', async () => {
    const err = await octaviaWidgets
      .listAll(sessionOver(widgetService('octavia', bad)))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnexpectedResponseError);
    expect(String(err)).toMatch(/octavia\.widget\.list returned an unexpected response/);
    expect(String(err)).toMatch(/widgets\[1\]\.state/);
  });

  it('in one object: the operation and the envelope key', async () => {
    const err = await octaviaWidgets
      .get(sessionOver(widgetService('octavia', bad)), 'w-01')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnexpectedResponseError);
    expect(String(err)).toMatch(/octavia\.widget\.get .*widget\.state/s);
  });

  it('when the envelope is missing', async () => {
    const transport: Transport = () => Promise.resolve(json(200, { gadget: { id: 'x' } }));
    const err = await neutronWidgets.get(sessionOver(transport), 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnexpectedResponseError);
    expect(String(err)).toMatch(/neutron\.widget\.get .*widget/s);
  });
});

describe('defineResourceKind', () => {
  const parts = defineResourceKind({ ...kindSpec, service: 'load-balancer' });
  const below = (parent: string) => parts.at(`/v2/lbaas/parents/${parent}/widgets`);

  it('places one kind below several parents, each its own collection', async () => {
    const session = sessionOver(widgetService('octavia'));
    await below('p1').create(session, { name: 'a', tags: [] });
    await below('p2').create(session, { name: 'b', tags: [] });
    expect((await below('p1').listAll(session)).map((w) => w.name)).toEqual(['a']);
    expect((await below('p2').listAll(session)).map((w) => w.name)).toEqual(['b']);
    await expect(below('p2').get(session, 'w-00')).rejects.toThrow(NotFoundError);
  });

  it('labels operations by API, noun and verb', () => {
    expect(below('p').operation('batch_update')).toBe('octavia.widget.batch_update');
    expect(neutronWidgets.operation('list')).toBe('neutron.widget.list');
    expect(below('p/q').path).toBe('/v2/lbaas/parents/p/q/widgets');
  });

  it('a resource without create or update bodies does not accept them (compile time)', () => {
    const { singular, plural, schema, query } = kindSpec;
    const readOnly = defineResource({ singular, plural, schema, query, service: 'network', path: '/x' });
    const session = sessionOver(widgetService('neutron'));
    // @ts-expect-error: defined without createBody, it takes no create input
    const create = (): unknown => readOnly.create(session, { name: 'a', tags: [] });
    // @ts-expect-error: defined without updateBody, it takes no changes
    const update = (): unknown => readOnly.update(session, 'w', { name: 'b' });
    expect([create, update]).toHaveLength(2);
  });
});
