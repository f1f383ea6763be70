/**
 * Octavia v2's routes in the fake: version discovery at the root, load balancers (with the
 * status tree), listeners, pools, members (single and batch) and health monitors. Unknown
 * paths answer pecan's 404 body, a known path with another method a 405.
 */
import { FakeApiError, pecanError } from '../errors.js';
import { type Caller, type FakeRequest, type FakeResponse, json } from '../request.js';
import { matchRoute, route, type Route } from '../routes.js';
import type { OctaviaHandler } from './context.js';
import { monitorHandlers as hm } from './healthmonitors.js';
import { listenerHandlers as listener } from './listeners.js';
import { loadBalancerHandlers as lb } from './loadbalancers.js';
import { memberHandlers as member } from './members.js';
import { poolHandlers as pool } from './pools.js';
import type { OctaviaState } from './state.js';

/** Release dates of Octavia's v2 minor versions, as its version document lists them. */
const UPDATED = [
  '2016-12-11',
  '2018-04-20',
  '2018-07-31',
  '2018-12-18',
  '2018-12-19',
  '2019-01-21',
  '2019-01-25',
  '2018-01-25T12',
  '2019-02-12',
  '2019-03-04',
  '2019-03-05',
  '2019-06-24',
  '2019-09-11',
  '2019-09-13',
  '2019-11-10',
  '2020-03-10',
  '2020-03-15',
  '2020-04-29',
  '2020-04-29T01',
  '2020-05-12',
  '2020-08-02',
  '2020-09-03',
  '2020-09-04',
  '2020-09-07',
  '2020-10-15',
  '2021-10-02',
  '2022-08-29',
];

function updated(minor: number): string {
  const day = UPDATED[minor] ?? '2022-08-29';
  return day.includes('T') ? `${day}:00:00Z` : `${day}T00:00:00Z`;
}

const versions: OctaviaHandler = (ctx, req) => {
  const max = ctx.state.world.config.octaviaMaxMinor;
  const entries = Array.from({ length: max + 1 }, (_, minor) => ({
    id: `v2.${minor}`,
    status: minor === max ? 'CURRENT' : 'SUPPORTED',
    updated: updated(minor),
    links: [{ href: `${req.baseUrl}/v2`, rel: 'self' }],
  }));
  return json(200, { versions: entries });
};

const L = '/v2/lbaas';

/** The route table; operation labels match our clients' (`octavia.member.batch_update`). */
export const OCTAVIA_ROUTES: readonly Route<OctaviaHandler>[] = [
  route('GET /', 'octavia.versions.get', versions),
  route(`GET ${L}/loadbalancers`, 'octavia.loadbalancer.list', lb.list),
  route(`POST ${L}/loadbalancers`, 'octavia.loadbalancer.create', lb.create),
  route(`GET ${L}/loadbalancers/:id`, 'octavia.loadbalancer.get', lb.show),
  route(`PUT ${L}/loadbalancers/:id`, 'octavia.loadbalancer.update', lb.update),
  route(`DELETE ${L}/loadbalancers/:id`, 'octavia.loadbalancer.delete', lb.remove),
  route(`GET ${L}/loadbalancers/:id/status`, 'octavia.loadbalancer.status', lb.status),
  route(`GET ${L}/loadbalancers/:id/statuses`, 'octavia.loadbalancer.status', lb.status),
  route(`GET ${L}/listeners`, 'octavia.listener.list', listener.list),
  route(`POST ${L}/listeners`, 'octavia.listener.create', listener.create),
  route(`GET ${L}/listeners/:id`, 'octavia.listener.get', listener.show),
  route(`PUT ${L}/listeners/:id`, 'octavia.listener.update', listener.update),
  route(`DELETE ${L}/listeners/:id`, 'octavia.listener.delete', listener.remove),
  route(`GET ${L}/pools`, 'octavia.pool.list', pool.list),
  route(`POST ${L}/pools`, 'octavia.pool.create', pool.create),
  route(`GET ${L}/pools/:id`, 'octavia.pool.get', pool.show),
  route(`PUT ${L}/pools/:id`, 'octavia.pool.update', pool.update),
  route(`DELETE ${L}/pools/:id`, 'octavia.pool.delete', pool.remove),
  route(`GET ${L}/pools/:poolId/members`, 'octavia.member.list', member.list),
  route(`POST ${L}/pools/:poolId/members`, 'octavia.member.create', member.create),
  route(`PUT ${L}/pools/:poolId/members`, 'octavia.member.batch_update', member.batch),
  route(`GET ${L}/pools/:poolId/members/:id`, 'octavia.member.get', member.show),
  route(`PUT ${L}/pools/:poolId/members/:id`, 'octavia.member.update', member.update),
  route(`DELETE ${L}/pools/:poolId/members/:id`, 'octavia.member.delete', member.remove),
  route(`GET ${L}/healthmonitors`, 'octavia.healthmonitor.list', hm.list),
  route(`POST ${L}/healthmonitors`, 'octavia.healthmonitor.create', hm.create),
  route(`GET ${L}/healthmonitors/:id`, 'octavia.healthmonitor.get', hm.show),
  route(`PUT ${L}/healthmonitors/:id`, 'octavia.healthmonitor.update', hm.update),
  route(`DELETE ${L}/healthmonitors/:id`, 'octavia.healthmonitor.delete', hm.remove),
];

/** The operation label a request gets (for counting), or null when no route matches. */
export function octaviaOperation(req: FakeRequest): string | null {
  const m = matchRoute(OCTAVIA_ROUTES, req.method, req.path);
  return m.kind === 'found' ? m.operation : null;
}

/** Answers one Octavia request. Throws FakeApiError with Octavia's bodies. */
export function handleOctavia(state: OctaviaState, caller: Caller, req: FakeRequest): FakeResponse {
  const m = matchRoute(OCTAVIA_ROUTES, req.method, req.path);
  if (m.kind === 'not-found') throw pecanError(404);
  if (m.kind === 'method-not-allowed') {
    throw new FakeApiError(405, { code: 405, title: 'Method Not Allowed', description: '' });
  }
  return m.route.handler({ state, caller }, req, m.params);
}
