import { describe, expect, it } from 'vitest';
import { listAll, nextMarker, parsePage } from '../../../src/openstack/pagination.js';
import { UnexpectedResponseError } from '../../../src/openstack/response.js';
import * as loadbalancers from '../../../src/openstack/octavia/loadbalancers.js';
import * as floatingips from '../../../src/openstack/neutron/floatingips.js';
import { z } from 'zod';
import { LB_JSON } from './octavia-fixtures.js';
import { ScriptedSession } from './octavia-fake-session.js';

const base = 'http://127.0.0.1:9876/v2/lbaas/loadbalancers';

/** Serves `ids` as Octavia would with `limit`: pages after `marker`, with a next link while more remain. */
function pagedLoadBalancers(
  ids: readonly string[],
  pageSize: number,
  filter?: (query: unknown) => void,
): ScriptedSession {
  return new ScriptedSession((req) => {
    filter?.(req.query);
    const marker = req.query?.marker;
    const start = typeof marker === 'string' ? ids.indexOf(marker) + 1 : 0;
    const page = ids.slice(start, start + pageSize);
    const last = page[page.length - 1];
    const more = start + pageSize < ids.length && last !== undefined;
    const links = more ? [{ rel: 'next', href: `${base}?limit=${pageSize}&marker=${last}` }] : [];
    return {
      status: 200,
      body: { loadbalancers: page.map((id) => ({ ...LB_JSON, id })), loadbalancers_links: links },
    };
  });
}

describe('pagination', () => {
  it.each([
    [[], null],
    [[{ rel: 'previous', href: `${base}?marker=a&page_reverse=True` }], null],
    [[{ rel: 'next', href: `${base}?limit=1&marker=abc` }], 'abc'],
    [
      [
        { rel: 'next', href: '/v2.0/ports?marker=rel-1' },
        { rel: 'previous', href: '/x?marker=0' },
      ],
      'rel-1',
    ],
  ])('next marker of %j is %s', (links, marker) => {
    expect(nextMarker(links)).toBe(marker);
  });

  it('parses a page with and without links', () => {
    const label = { service: 'network', operation: 't' };
    const item = z.object({ id: z.string() });
    expect(parsePage({ ports: [{ id: 'a' }] }, { collection: 'ports', item, label })).toEqual({
      items: [{ id: 'a' }],
      nextMarker: null,
    });
    expect(() => parsePage({ port: [] }, { collection: 'ports', item, label })).toThrow(
      UnexpectedResponseError,
    );
  });

  it.each([
    [0, 3],
    [1, 3],
    [5, 2],
    [6, 2],
    [7, 7],
  ])('listAll follows next links over %i items with page size %i', async (count, pageSize) => {
    const ids = Array.from({ length: count }, (_, i) => `lb-${String(i).padStart(2, '0')}`);
    const all = await loadbalancers.listAll(pagedLoadBalancers(ids, pageSize), { limit: pageSize });
    expect(all.map((lb) => lb.id)).toEqual(ids);
  });

  it('listAll keeps every item of pages longer than a call takes arguments (2 x 150,001 ports)', async () => {
    const pageSize = 150_001;
    const session = new ScriptedSession((req) => {
      const second = req.query?.marker === 'first-page';
      const ports = Array.from({ length: pageSize }, (_, i) => ({ id: `${second ? 'b' : 'a'}${i}` }));
      const links = second ? [] : [{ rel: 'next', href: '/v2.0/ports?marker=first-page' }];
      return { status: 200, body: { ports, ports_links: links } };
    });
    const request = {
      service: 'network',
      path: '/v2.0/ports',
      collection: 'ports',
      operation: 'list ports',
    } as const;
    const all = await listAll(session, request, z.object({ id: z.string() }));
    expect(all).toHaveLength(2 * pageSize);
    expect([all[0]?.id, all[pageSize]?.id, all.at(-1)?.id]).toEqual(['a0', 'b0', `b${pageSize - 1}`]);
  }, 60_000);

  it('keeps the filters on every page', async () => {
    // A server that filters by name: lb-0..lb-9 alternate between the names "even" and "odd".
    const ids = Array.from({ length: 10 }, (_, i) => `lb-${i}`);
    const session = new ScriptedSession((req) => {
      const name = req.query?.name;
      const matching = ids.filter((id, i) => name === undefined || name === (i % 2 === 0 ? 'even' : 'odd'));
      const marker = req.query?.marker;
      const start = typeof marker === 'string' ? matching.indexOf(marker) + 1 : 0;
      const page = matching.slice(start, start + 2);
      const last = page[page.length - 1];
      const links =
        start + 2 < matching.length && last ? [{ rel: 'next', href: `${base}?marker=${last}` }] : [];
      return {
        status: 200,
        body: { loadbalancers: page.map((id) => ({ ...LB_JSON, id })), loadbalancers_links: links },
      };
    });
    const all = await loadbalancers.listAll(session, { name: 'odd', limit: 2 });
    expect(all.map((lb) => lb.id)).toEqual(['lb-1', 'lb-3', 'lb-5', 'lb-7', 'lb-9']);
  });

  it('stops with a typed error when the server repeats a marker', async () => {
    const session = new ScriptedSession(() => ({
      status: 200,
      body: {
        floatingips: [],
        floatingips_links: [{ rel: 'next', href: 'http://x/v2.0/floatingips?marker=same' }],
      },
    }));
    // an empty page ends the listing even with a next link
    await expect(floatingips.listAll(session)).resolves.toEqual([]);
    const looping = new ScriptedSession(() => ({
      status: 200,
      body: {
        loadbalancers: [LB_JSON],
        loadbalancers_links: [{ rel: 'next', href: `${base}?marker=same` }],
      },
    }));
    await expect(loadbalancers.listAll(looping)).rejects.toThrow(/pagination repeats marker same/);
  });
});
