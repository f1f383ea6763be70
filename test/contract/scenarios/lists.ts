/**
 * Scenario: list filters and paging on both APIs. Two bare load balancers and three floating
 * IPs with different tags; filters by tags (all-of), tags-any, not-tags, not-tags-any, name,
 * VIP address and port, project, description and address; pages of one with our clients
 * (`nextMarker` until an empty page), `page_reverse`, `fields` and an unknown marker through
 * raw requests.
 */
import type { Query } from '../../../src/openstack/pagination.js';
import * as floatingips from '../../../src/openstack/neutron/floatingips.js';
import * as loadbalancers from '../../../src/openstack/octavia/loadbalancers.js';
import { failure } from '../names.js';
import { cleanupTagged, pages, raw, type ScenarioContext, settled } from './common.js';

async function loadBalancerLists(
  ctx: ScenarioContext,
  ids: { a: string; b: string },
): Promise<Record<string, unknown>> {
  const { session, info } = ctx.target;
  const names = (list: readonly { id: string }[]) => ctx.names.set(list.map((lb) => lb.id));
  const lbs = (filters: loadbalancers.LoadBalancerFilters) =>
    loadbalancers.listAll(session, filters).then(names);
  const path = '/v2/lbaas/loadbalancers';
  const rawIds = async (query: Query) =>
    ctx.names.set(
      (await raw(session, { service: 'load-balancer', path, query }, 'loadbalancers')).map((r) =>
        String(r.id),
      ),
    );
  const a = await loadbalancers.get(session, ids.a);
  const walk = await pages((marker) =>
    loadbalancers.list(session, { tags: [ctx.tag], limit: 1, ...(marker === undefined ? {} : { marker }) }),
  );
  const second = walk.ids[1] ?? '';
  return {
    allOf: await lbs({ tags: [ctx.tag] }),
    allOfTwo: await lbs({ tags: [ctx.tag, 'alpha'] }),
    anyOf: await lbs({ tags: [ctx.tag], tagsAny: ['alpha', 'beta', 'gamma'] }),
    notTags: await rawIds({ tags: ctx.tag, 'not-tags': 'alpha' }),
    notTagsAny: await rawIds({ tags: ctx.tag, 'not-tags-any': 'alpha,beta' }),
    name: await lbs({ name: a.name }),
    vipAddress: await lbs({ vipAddress: a.vipAddress, tags: [ctx.tag] }),
    vipPort: await rawIds({ vip_port_id: a.vipPortId ?? '' }),
    project: await lbs({ projectId: info.project_id, tags: [ctx.tag] }),
    pages: { sizes: walk.sizes, next: walk.next, ids: ctx.names.set(walk.ids) },
    listAll: (await loadbalancers.listAll(session, { tags: [ctx.tag], limit: 1 })).length,
    // Rows before the marker, ascending: with two rows, the first page's row.
    reverseIsFirstPage:
      (await rawIds({ tags: ctx.tag, limit: 1, marker: second, page_reverse: 'True' })).join() ===
      ctx.names.text(walk.ids[0] ?? ''),
    fields: (
      await raw(
        session,
        { service: 'load-balancer', path, query: { tags: ctx.tag, fields: ['id', 'name'] } },
        'loadbalancers',
      )
    ).map((r) => Object.keys(r).sort()),
    badMarker: await failure(
      loadbalancers.list(session, { tags: [ctx.tag], marker: '00000000-0000-4000-8000-000000000000' }),
    ),
    badFilter: await failure(
      raw(session, { service: 'load-balancer', path, query: { bogus: '1' } }, 'loadbalancers'),
    ),
  };
}

async function floatingIpLists(ctx: ScenarioContext): Promise<Record<string, unknown>> {
  const { session, info } = ctx.target;
  const made = [];
  const [alpha, beta] = [`${ctx.tag}-a`, `${ctx.tag}-b`];
  for (const [label, extra] of [
    ['f-alpha', [alpha]],
    ['f-beta', [beta]],
    ['f-both', [alpha, beta]],
  ] as const) {
    const fip = await floatingips.createTagged(session, {
      networkId: info.public_net_id,
      description: ctx.tag,
      tags: [ctx.tag, ...extra],
    });
    ctx.names.name(fip.id, label);
    ctx.names.name(fip.address, `${label}-address`);
    made.push(fip);
  }
  const names = (list: readonly { id: string }[]) => ctx.names.set(list.map((f) => f.id));
  const fips = (filters: floatingips.FloatingIpFilters) => floatingips.listAll(session, filters).then(names);
  const path = '/v2.0/floatingips';
  const rawIds = async (query: Query) =>
    ctx.names.set(
      (await raw(session, { service: 'network', path, query }, 'floatingips')).map((r) => String(r.id)),
    );
  const walk = await pages((marker) =>
    floatingips.list(session, { tags: [ctx.tag], limit: 1, ...(marker === undefined ? {} : { marker }) }),
  );
  return {
    allOf: await fips({ tags: [ctx.tag, alpha] }),
    anyOf: await fips({ tagsAny: [beta, `${ctx.tag}-c`] }),
    anyOfWithTags: await failure(fips({ tags: [ctx.tag], tagsAny: [beta] })),
    notTags: await rawIds({ tags: ctx.tag, 'not-tags': alpha }),
    notTagsAny: await rawIds({ tags: ctx.tag, 'not-tags-any': `${alpha},${beta}` }),
    description: await fips({ description: ctx.tag }),
    address: await fips({ floatingIpAddress: made[1]?.address ?? '' }),
    pages: { sizes: walk.sizes, next: walk.next, ids: ctx.names.set(walk.ids) },
    listAll: (await floatingips.listAll(session, { tags: [ctx.tag], limit: 1 })).length,
    // The `limit` rows just before the marker: the second page's row.
    reverseIsPreviousPage:
      (await rawIds({ tags: ctx.tag, limit: 1, marker: walk.ids[2] ?? '', page_reverse: 'True' })).join() ===
      ctx.names.text(walk.ids[1] ?? ''),
    fields: (
      await raw(
        session,
        { service: 'network', path, query: { tags: ctx.tag, fields: ['id', 'floating_ip_address'] } },
        'floatingips',
      )
    ).map((r) => Object.keys(r).sort()),
    badMarker: (
      await floatingips.list(session, {
        tags: [ctx.tag],
        limit: 5,
        marker: '00000000-0000-4000-8000-000000000000',
      })
    ).items.length,
    badFilter: await failure(
      raw(session, { service: 'network', path, query: { bogus: '1' } }, 'floatingips'),
    ),
  };
}

/** Runs the scenario; resolves with its normalized trace. */
export async function listsAndPaging(ctx: ScenarioContext): Promise<Record<string, unknown>> {
  const { session, info } = ctx.target;
  const bare = (label: string, slot: number) =>
    loadbalancers.create(session, {
      loadbalancer: {
        name: `${ctx.tag}-${label}`,
        description: ctx.tag,
        vip_address: ctx.names.name(ctx.vip(slot), `vip-${label}`),
        vip_subnet_id: info.service_subnet_id,
        provider: 'amphora',
        tags: [ctx.tag, label],
        listeners: [],
      },
    });
  try {
    const [a, b] = await Promise.all([bare('alpha', 20), bare('beta', 21)]);
    ctx.names.name(a.id, 'lb-alpha');
    ctx.names.name(b.id, 'lb-beta');
    const out = {
      octavia: await loadBalancerLists(ctx, { a: a.id, b: b.id }),
      neutron: await floatingIpLists(ctx),
    };
    await Promise.all([settled(ctx, a.id), settled(ctx, b.id)]);
    return out;
  } finally {
    await cleanupTagged(ctx);
  }
}
