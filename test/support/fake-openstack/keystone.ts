/**
 * Keystone v3 as far as our session needs it: `POST /v3/auth/tokens` with password (user by
 * name + domain or by id, project scope by name + domain or by id) or application
 * credential, answering 201 with `X-Subject-Token` and a token whose catalog points at the
 * fake itself; tokens expire on the injected clock (24 h, as Keystone's default); a bad
 * credential is Keystone's 401. Other services validate tokens here.
 */
import { keystoneFault, unauthorized } from './errors.js';
import type { IdSource } from './ids.js';
import { type Caller, type FakeRequest, type FakeResponse, INVALID_JSON, isObject, json } from './request.js';
import { keystoneTime, type TimeSource } from './time.js';

/** A project of the fake. */
export interface FakeProject {
  readonly id: string;
  readonly name: string;
}

/** A user of the fake, a member (or admin) of one project. */
export interface FakeUser {
  readonly id: string;
  readonly name: string;
  readonly password: string;
  readonly project: FakeProject;
  readonly roles: readonly string[];
  readonly admin: boolean;
}

/** An application credential of a user. */
export interface FakeAppCredential {
  readonly id: string;
  readonly name: string;
  readonly secret: string;
  readonly user: FakeUser;
}

interface Issued {
  readonly caller: Caller;
  readonly expiresAt: number;
}

const TOKEN_LIFETIME_MS = 24 * 3600 * 1000;
const DOMAIN = { id: 'default', name: 'Default' };

type Lookup = { id?: unknown; name?: unknown; domain?: unknown };

function domainMatches(domain: unknown): boolean {
  if (!isObject(domain)) return false;
  return domain.id === DOMAIN.id || domain.name === DOMAIN.name;
}

function named(ref: Lookup, item: { readonly id: string; readonly name: string }): boolean {
  return ref.id === item.id || (ref.name === item.name && domainMatches(ref.domain));
}

/** Users, credentials and issued tokens. */
export class KeystoneState {
  readonly users: FakeUser[] = [];
  readonly appCredentials: FakeAppCredential[] = [];
  readonly #tokens = new Map<string, Issued>();
  readonly #ids: IdSource;
  readonly #clock: TimeSource;

  constructor(ids: IdSource, clock: TimeSource) {
    this.#ids = ids;
    this.#clock = clock;
  }

  /** The caller a token stands for, or null when unknown or expired. */
  callerOf(token: string | null): Caller | null {
    if (token === null) return null;
    const issued = this.#tokens.get(token);
    if (issued === undefined) return null;
    if (issued.expiresAt <= this.#clock.now()) {
      this.#tokens.delete(token);
      return null;
    }
    return issued.caller;
  }

  /** Revokes every token (the next call answers 401; the session re-authenticates once). */
  revokeAll(): void {
    this.#tokens.clear();
  }

  #authenticate(auth: Record<string, unknown>): FakeUser | null {
    const identity = isObject(auth.identity) ? auth.identity : {};
    const methods = Array.isArray(identity.methods) ? identity.methods : [];
    if (methods.includes('password') && isObject(identity.password) && isObject(identity.password.user)) {
      const u = identity.password.user;
      return this.users.find((user) => named(u, user) && u.password === user.password) ?? null;
    }
    if (methods.includes('application_credential') && isObject(identity.application_credential)) {
      const c = identity.application_credential;
      const cred = this.appCredentials.find(
        (a) => (c.id === a.id || c.name === a.name) && c.secret === a.secret,
      );
      return cred?.user ?? null;
    }
    return null;
  }

  /** POST /v3/auth/tokens. */
  issue(req: FakeRequest, catalog: unknown[]): FakeResponse {
    const body = req.body === INVALID_JSON ? undefined : req.body;
    const auth = isObject(body) && isObject(body.auth) ? body.auth : null;
    if (auth === null) throw keystoneFault(400, 'Bad Request', 'Expecting to find auth in request body.');
    const user = this.#authenticate(auth);
    const scope = isObject(auth.scope) && isObject(auth.scope.project) ? auth.scope.project : null;
    if (user === null || (scope !== null && !named(scope, user.project)))
      throw unauthorized(`${req.baseUrl}/v3`);
    const now = this.#clock.now();
    const value = `gAAAAA${this.#ids.hex(40)}`;
    const expiresAt = now + TOKEN_LIFETIME_MS;
    this.#tokens.set(value, {
      caller: { userId: user.id, projectId: user.project.id, admin: user.admin },
      expiresAt,
    });
    const token = {
      methods: auth.identity !== undefined && isObject(auth.identity) ? auth.identity.methods : ['password'],
      user: { domain: DOMAIN, id: user.id, name: user.name, password_expires_at: null },
      audit_ids: [this.#ids.hex(22)],
      expires_at: keystoneTime(expiresAt),
      issued_at: keystoneTime(now),
      project: { domain: DOMAIN, id: user.project.id, name: user.project.name },
      is_domain: false,
      roles: user.roles.map((name) => ({ id: this.#ids.hex(32), name })),
      catalog,
    };
    return json(201, { token }, { 'x-subject-token': value });
  }
}

/** The catalog of a fake reached at `origin` (one endpoint per interface, region RegionOne). */
export function catalogFor(origin: string, ids: IdSource): unknown[] {
  const service = (type: string, name: string, url: string): unknown => ({
    endpoints: ['public', 'internal', 'admin'].map((iface) => ({
      id: ids.hex(32),
      interface: iface,
      region_id: 'RegionOne',
      url,
      region: 'RegionOne',
    })),
    id: ids.hex(32),
    type,
    name,
  });
  return [
    service('identity', 'keystone', `${origin}/identity/v3/`),
    service('network', 'neutron', `${origin}/network`),
    service('load-balancer', 'octavia', `${origin}/load-balancer`),
  ];
}

/** Keystone's version document at `/v3`. */
export function identityVersion(req: FakeRequest): FakeResponse {
  return json(200, {
    version: {
      id: 'v3.14',
      status: 'stable',
      updated: '2020-04-07T00:00:00Z',
      links: [{ rel: 'self', href: `${req.baseUrl}/v3/` }],
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
    },
  });
}
