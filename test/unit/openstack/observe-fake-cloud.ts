/**
 * A small stateful fake of the Neutron floating IP and Octavia load balancer APIs, enough
 * for observe → plan → execute round trips in unit tests (the real cloud is covered by
 * test/integration). Faithful where our code depends on it: list filters (`tags` = all of
 * them, `description` and `port_id` by equality), tags PUT replaces the set, DELETE of a
 * load balancer frees the floating IPs on its VIP port, a missing object answers 404.
 * Load balancers have no children here (listeners and pools list empty).
 */
import type { OpenStackRequest } from '../../../src/openstack/session.js';
import { LB_JSON } from './octavia-fixtures.js';
import { ScriptedSession } from './octavia-fake-session.js';

/** A floating IP as Neutron returns it. */
export interface FakeFip {
  readonly id: string;
  readonly floating_ip_address: string;
  readonly floating_network_id: string;
  port_id: string | null;
  readonly status: string;
  readonly project_id: string;
  readonly description: string;
  tags: string[];
}

/** A load balancer as Octavia returns it (children omitted). */
export type FakeLb = typeof LB_JSON & { readonly vip_port_id: string };

type Answer = { status: number; body?: unknown };
type Query = OpenStackRequest['query'];

function text(query: Query, key: string): string | undefined {
  const value = query?.[key];
  return value === undefined ? undefined : String(value);
}

function matchesTags(tags: readonly string[], query: Query): boolean {
  const wanted = text(query, 'tags');
  return wanted === undefined || wanted.split(',').every((t) => tags.includes(t));
}

/** The fake project: `fips` and `lbs` are its state, changed by the requests it answers. */
export class FakeCloud {
  readonly fips: FakeFip[] = [];
  readonly lbs: FakeLb[] = [];
  readonly session = new ScriptedSession((req) => this.answer(req));

  /** Adds a floating IP (untagged, unbound unless told) and returns it. */
  addFip(fields: Partial<FakeFip> & { readonly id: string }): FakeFip {
    const fip: FakeFip = {
      floating_ip_address: `172.24.4.${this.fips.length + 10}`,
      floating_network_id: 'public',
      port_id: null,
      status: 'DOWN',
      project_id: 'p',
      description: '',
      tags: [],
      ...fields,
    };
    this.fips.push(fip);
    return fip;
  }

  /** Adds an ACTIVE load balancer with VIP port `vip-<id>`. */
  addLb(id: string, name: string, tags: readonly string[]): FakeLb {
    const lb: FakeLb = {
      ...LB_JSON,
      id,
      name,
      tags: [...tags],
      provisioning_status: 'ACTIVE',
      vip_port_id: `vip-${id}`,
    };
    this.lbs.push(lb);
    return lb;
  }

  private answer(req: OpenStackRequest): Answer {
    if (req.path.startsWith('/v2.0/floatingips')) return this.neutron(req);
    if (req.path === '/v2/lbaas/loadbalancers') {
      const name = text(req.query, 'name');
      const lbs = this.lbs.filter(
        (lb) => matchesTags(lb.tags, req.query) && (name === undefined || lb.name === name),
      );
      return { status: 200, body: { loadbalancers: lbs } };
    }
    if (req.path === '/v2/lbaas/listeners') return { status: 200, body: { listeners: [] } };
    if (req.path === '/v2/lbaas/pools') return { status: 200, body: { pools: [] } };
    const lbId = /^\/v2\/lbaas\/loadbalancers\/([^/]+)$/.exec(req.path)?.[1];
    if (lbId !== undefined && req.method === 'DELETE') return this.deleteLb(lbId);
    return { status: 404 };
  }

  private deleteLb(id: string): Answer {
    const index = this.lbs.findIndex((lb) => lb.id === id);
    const [lb] = index < 0 ? [] : this.lbs.splice(index, 1);
    if (lb === undefined) return { status: 404 };
    for (const fip of this.fips) if (fip.port_id === lb.vip_port_id) fip.port_id = null;
    return { status: 204 };
  }

  private neutron(req: OpenStackRequest): Answer {
    const [, id, sub] = /^\/v2\.0\/floatingips(?:\/([^/]+))?(\/tags)?$/.exec(req.path) ?? [];
    if (id === undefined) return req.method === 'GET' ? this.listFips(req.query) : { status: 404 };
    const fip = this.fips.find((f) => f.id === id);
    if (fip === undefined) return { status: 404 };
    const body = (req.body ?? {}) as { tags?: string[]; floatingip?: { port_id?: string | null } };
    if (sub !== undefined && req.method === 'PUT') {
      fip.tags = [...(body.tags ?? [])];
      return { status: 200, body: { tags: fip.tags } };
    }
    if (req.method === 'DELETE') {
      this.fips.splice(this.fips.indexOf(fip), 1);
      return { status: 204 };
    }
    if (req.method === 'PUT' && body.floatingip?.port_id !== undefined) fip.port_id = body.floatingip.port_id;
    return { status: 200, body: { floatingip: fip } };
  }

  private listFips(query: Query): Answer {
    const equal = (value: string | null, key: string): boolean => {
      const wanted = text(query, key);
      return wanted === undefined || value === wanted;
    };
    const fips = this.fips.filter(
      (f) =>
        matchesTags(f.tags, query) &&
        equal(f.description, 'description') &&
        equal(f.port_id, 'port_id') &&
        equal(f.floating_ip_address, 'floating_ip_address'),
    );
    return { status: 200, body: { floatingips: structuredClone(fips) } };
  }
}
