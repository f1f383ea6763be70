/**
 * Neutron's tag API (`standard-attr-tag`) on networks, subnets, ports, floating IPs and
 * routers: GET/PUT/DELETE of the whole set, GET/PUT/DELETE of one tag. A replace answers the
 * tags as sent; reads answer them sorted; a tag is at most 60 characters.
 */
import type { Collection } from '../collection.js';
import { neutronBadRequest, neutronNotFound } from '../errors.js';
import { empty, isObject, json } from '../request.js';
import type { NeutronCtx, NeutronHandler } from './context.js';
import { floatingIpSpec } from './floatingips.js';
import { canSee, type ListSpec } from './list.js';
import { networkSpec } from './networks.js';
import { portSpec } from './ports.js';
import { routerSpec } from './routers.js';
import type { Stamped } from './rows.js';
import { subnetSpec } from './subnets.js';

const MAX_TAG = 60;

const SPECS: Readonly<Record<string, ListSpec<Stamped>>> = {
  networks: networkSpec as unknown as ListSpec<Stamped>,
  subnets: subnetSpec as unknown as ListSpec<Stamped>,
  ports: portSpec as unknown as ListSpec<Stamped>,
  floatingips: floatingIpSpec as unknown as ListSpec<Stamped>,
  routers: routerSpec as unknown as ListSpec<Stamped>,
};

/** The collections the tag routes serve. */
export const TAGGED_RESOURCES = Object.keys(SPECS);

function target(ctx: NeutronCtx, resource: string, id: string): { table: Collection<Stamped>; row: Stamped } {
  const spec = SPECS[resource];
  const notFound = neutronNotFound('TagResourceNotFound', `Resource ${resource} ${id} could not be found.`);
  if (spec === undefined) throw notFound;
  const table = spec.table(ctx.state);
  const row = table.get(id);
  if (row === undefined || !canSee(spec, row, ctx.caller, ctx.state)) throw notFound;
  return { table, row };
}

function validTag(tag: unknown): string {
  if (typeof tag !== 'string' || tag.length > MAX_TAG || tag === '') {
    throw neutronBadRequest(
      `Invalid input for operation: '${String(tag)}' exceeds maximum length of ${MAX_TAG}.`,
      'InvalidInput',
    );
  }
  return tag;
}

function change(ctx: NeutronCtx, at: { table: Collection<Stamped>; row: Stamped }, tags: Set<string>): void {
  at.table.update(at.row.id, (r) => {
    r.tags = tags;
    ctx.state.touch(r);
  });
}

const list: NeutronHandler = (ctx, _req, { resource = '', id = '' }) =>
  json(200, { tags: [...target(ctx, resource, id).row.tags].sort() });

const replace: NeutronHandler = (ctx, req, { resource = '', id = '' }) => {
  const at = target(ctx, resource, id);
  const raw = isObject(req.body) ? req.body.tags : undefined;
  if (!Array.isArray(raw))
    throw neutronBadRequest('Invalid input for tags. Reason: Invalid data format for tags.', 'InvalidInput');
  const tags = raw.map(validTag);
  change(ctx, at, new Set(tags));
  return json(200, { tags });
};

const removeAll: NeutronHandler = (ctx, _req, { resource = '', id = '' }) => {
  change(ctx, target(ctx, resource, id), new Set());
  return empty(204);
};

function tagNotFound(tag: string) {
  return neutronNotFound('TagNotFound', `Tag ${tag} could not be found.`);
}

const check: NeutronHandler = (ctx, _req, { resource = '', id = '', tag = '' }) => {
  if (!target(ctx, resource, id).row.tags.has(tag)) throw tagNotFound(tag);
  return empty(204);
};

const add: NeutronHandler = (ctx, _req, { resource = '', id = '', tag = '' }) => {
  const at = target(ctx, resource, id);
  if (!at.row.tags.has(validTag(tag))) change(ctx, at, new Set([...at.row.tags, tag]));
  return json(201, null);
};

const removeOne: NeutronHandler = (ctx, _req, { resource = '', id = '', tag = '' }) => {
  const at = target(ctx, resource, id);
  if (!at.row.tags.has(tag)) throw tagNotFound(tag);
  change(ctx, at, new Set([...at.row.tags].filter((t) => t !== tag)));
  return empty(204);
};

/** Route handlers of /v2.0/{resource}/{id}/tags[/{tag}]. */
export const tagHandlers = { list, replace, removeAll, check, add, removeOne };
