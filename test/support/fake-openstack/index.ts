/**
 * A REST-level double of the OpenStack our controller talks to: Keystone v3 (tokens and a
 * catalog), Octavia v2 (Octavia 11, amphora provider) and Neutron v2.0 (Neutron 21), modelled
 * on the APIs' documented behaviour and on probes of the test cloud, held to the real cloud by
 * the contract suite (test/contract/). It imports nothing from src/core: it is not the
 * planner's oracle.
 *
 * Modelled:
 * - Octavia load balancers (bare or fully populated: listeners → default_pool → members and
 *   healthmonitor), listeners, pools, members (single and the batch PUT), health monitors, the
 *   status tree, cascade delete; PENDING_CREATE/UPDATE/DELETE completed by the injected clock
 *   after configurable latencies (never by a number of reads), 409 on writes to a busy load
 *   balancer, Octavia's 400/404/409/500/501 bodies (wsme `faultstring`), the VIP port created
 *   in Neutron at once, amphora ports on completion, Octavia 11's quirks (limit=0 → 500,
 *   comma-joined `fields`, 500 for pools nested in a standalone listener POST, members in a
 *   standalone pool POST, a duplicate VIP address).
 * - Neutron networks, subnets (allocation pools, IPAM), ports (fixed-IP filters), floating IPs
 *   (bind on create or by PUT with Neutron's router-reachability and one-FIP-per-fixed-IP
 *   checks; unbound when their port goes), routers with interfaces, the tag API; a member may
 *   not pick a floating IP address (403); `tags` in a floating IP POST is a 400.
 * - Lists: project scoping, attribute filters, `tags`/`tags-any`/`not-tags`/`not-tags-any`,
 *   `fields`, `limit`/`marker`/`page_reverse` and `<plural>_links` as each API builds them
 *   (Octavia: created_at/id order, page limit 1000; Neutron: id order, `tags`+`tags-any` → 500).
 *   Tables are indexed by id, project, tags, parent and lookup keys: a filtered list costs
 *   O(matches), not O(rows).
 * - Knobs: latencies and jitter, amphora ports per load balancer, the Octavia 11 stuck-children
 *   bug, failed operations (ERROR), injected HTTP faults, a larger external subnet.
 *
 * Not modelled: L7 policies and rules, TLS, quotas, flavors and availability zones, failover
 * and statistics, provider drivers other than amphora/ovn's algorithm check, operating status
 * beyond what noop amphorae report (OFFLINE / NO_MONITOR), sorting parameters (`sort`,
 * `sort_key`, `sort_dir` are ignored), security groups and their rules, IPv6 address modes,
 * DHCP ports, Neutron's floating IP ports and agents (floating IPs stay DOWN), Keystone
 * beyond password and application-credential tokens for the seeded users.
 *
 * Faces: `fakeSession` (in process: our real session and request wrapper over a transport
 * that calls the fake, no sockets) and `startFakeOpenStackServer` (HTTP on 127.0.0.1 with a
 * clouds.yaml for the controller binary, per-request latency). Requests are counted in
 * `fake.requests` by service, method, operation and status.
 */
export {
  FakeOpenStack,
  type FakeOpenStackOptions,
  type RawRequest,
  type RawResponse,
  type RequestFault,
} from './cloud.js';
export { fakeSession, fakeTransport, type FakeSessionOptions, IN_PROCESS_ORIGIN } from './face-session.js';
export {
  type FakeLatency,
  type FakeOpenStackServer,
  type FakeServerOptions,
  startFakeOpenStackServer,
} from './face-http.js';
export { type RequestCount, type RequestFilter, RequestLog } from './request-log.js';
export { FAKE_PASSWORDS, type FakeCloudInfo, type TopologyOptions } from './topology.js';
export { DEFAULT_CONFIG, type FakeCloudConfig, type OctaviaLatencies } from './world.js';
