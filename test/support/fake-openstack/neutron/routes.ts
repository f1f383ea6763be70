/**
 * Neutron v2.0's routes in the fake: networks, subnets, ports, floating IPs, routers (with
 * add/remove_router_interface) and the tag API on each, plus the version document at the
 * root. Unknown paths answer Neutron's 404, a known path with another method its 405.
 */
import { FakeApiError, neutronFault } from '../errors.js';
import { type Caller, type FakeRequest, type FakeResponse, json } from '../request.js';
import { matchRoute, route, type Route } from '../routes.js';
import type { NeutronHandler } from './context.js';
import { floatingIpHandlers as fip } from './floatingips.js';
import { networkHandlers as net } from './networks.js';
import { portHandlers as port } from './ports.js';
import { routerHandlers as router } from './routers.js';
import type { NeutronState } from './state.js';
import { subnetHandlers as subnet } from './subnets.js';
import { tagHandlers as tags } from './tags.js';

const versions: NeutronHandler = (_ctx, req) =>
  json(200, {
    versions: [{ id: 'v2.0', status: 'CURRENT', links: [{ rel: 'self', href: `${req.baseUrl}/v2.0/` }] }],
  });

/** The route table; operation labels match our clients' (`neutron.floatingip.tags.replace`). */
export const NEUTRON_ROUTES: readonly Route<NeutronHandler>[] = [
  route('GET /', 'neutron.versions.get', versions),
  ...crud('networks', 'network', net),
  ...crud('subnets', 'subnet', subnet),
  ...crud('ports', 'port', port),
  ...crud('floatingips', 'floatingip', fip),
  ...crud('routers', 'router', router),
  route('PUT /v2.0/routers/:id/add_router_interface', 'neutron.router.add_interface', router.addInterface),
  route(
    'PUT /v2.0/routers/:id/remove_router_interface',
    'neutron.router.remove_interface',
    router.removeInterface,
  ),
  route('GET /v2.0/:resource/:id/tags', 'neutron.:resource.tags.list', tags.list),
  route('PUT /v2.0/:resource/:id/tags', 'neutron.:resource.tags.replace', tags.replace),
  route('DELETE /v2.0/:resource/:id/tags', 'neutron.:resource.tags.remove_all', tags.removeAll),
  route('GET /v2.0/:resource/:id/tags/:tag', 'neutron.:resource.tags.get', tags.check),
  route('PUT /v2.0/:resource/:id/tags/:tag', 'neutron.:resource.tags.add', tags.add),
  route('DELETE /v2.0/:resource/:id/tags/:tag', 'neutron.:resource.tags.remove', tags.removeOne),
];

function crud(
  plural: string,
  singular: string,
  h: Partial<Record<'list' | 'show' | 'create' | 'update' | 'remove', NeutronHandler>>,
): Route<NeutronHandler>[] {
  const out: Route<NeutronHandler>[] = [];
  const add = (spec: string, verb: string, handler: NeutronHandler | undefined): void => {
    if (handler !== undefined) out.push(route(spec, `neutron.${singular}.${verb}`, handler));
  };
  add(`GET /v2.0/${plural}`, 'list', h.list);
  add(`POST /v2.0/${plural}`, 'create', h.create);
  add(`GET /v2.0/${plural}/:id`, 'get', h.show);
  add(`PUT /v2.0/${plural}/:id`, 'update', h.update);
  add(`DELETE /v2.0/${plural}/:id`, 'delete', h.remove);
  return out;
}

/** `neutron.floatingips.tags.list` → `neutron.floatingip.tags.list` (our clients' label). */
function singularLabel(operation: string): string {
  return operation.replace(
    /^neutron\.([a-z-]+?)s\.tags\./,
    (_, name: string) => `neutron.${name.replace('-', '_')}.tags.`,
  );
}

/** The operation label a request gets (for counting), or null when no route matches. */
export function neutronOperation(req: FakeRequest): string | null {
  const m = matchRoute(NEUTRON_ROUTES, req.method, req.path);
  return m.kind === 'found' ? singularLabel(m.operation) : null;
}

/** Answers one Neutron request. Throws FakeApiError with Neutron's bodies. */
export function handleNeutron(state: NeutronState, caller: Caller, req: FakeRequest): FakeResponse {
  const m = matchRoute(NEUTRON_ROUTES, req.method, req.path);
  if (m.kind === 'not-found') throw neutronFault(404, 'HTTPNotFound', 'The resource could not be found.');
  if (m.kind === 'method-not-allowed') {
    throw new FakeApiError(405, {
      NeutronError: {
        type: 'HTTPMethodNotAllowed',
        message: 'The method is not allowed for the requested resource.',
        detail: '',
      },
    });
  }
  return m.route.handler({ state, caller }, req, m.params);
}
