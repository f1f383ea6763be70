/**
 * Keystone v3 credentials and the pure builders of the `POST /v3/auth/tokens` request:
 * password auth scoped to a project, or application-credential auth (scope implied).
 */

/** A domain by id or by name. */
export type DomainRef = { readonly id: string } | { readonly name: string };

/** A user by id, or by name within a domain. */
export type UserRef = { readonly id: string } | { readonly name: string; readonly domain: DomainRef };

/** A project by id, or by name within a domain. */
export type ProjectRef = { readonly id: string } | { readonly name: string; readonly domain: DomainRef };

/** Password credentials; always project-scoped (an unscoped token has no catalog). */
export interface PasswordCredentials {
  readonly kind: 'password';
  readonly user: UserRef;
  readonly password: string;
  readonly project: ProjectRef;
}

/** Application credential by id, or by name for a user; the credential fixes the project. */
export interface ApplicationCredentials {
  readonly kind: 'application-credential';
  readonly credential: { readonly id: string } | { readonly name: string; readonly user: UserRef };
  readonly secret: string;
}

/** Everything Keystone v3 auth needs besides the URL. */
export type KeystoneCredentials = PasswordCredentials | ApplicationCredentials;

function domainJson(domain: DomainRef): Record<string, string> {
  return 'id' in domain ? { id: domain.id } : { name: domain.name };
}

function userJson(user: UserRef): Record<string, unknown> {
  return 'id' in user ? { id: user.id } : { name: user.name, domain: domainJson(user.domain) };
}

function projectJson(project: ProjectRef): Record<string, unknown> {
  return 'id' in project ? { id: project.id } : { name: project.name, domain: domainJson(project.domain) };
}

/** The JSON body of `POST /v3/auth/tokens` for `creds`. Pure. */
export function authRequestBody(creds: KeystoneCredentials): unknown {
  if (creds.kind === 'password') {
    return {
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { ...userJson(creds.user), password: creds.password } },
        },
        scope: { project: projectJson(creds.project) },
      },
    };
  }
  const ref = creds.credential;
  const credential = 'id' in ref ? { id: ref.id } : { name: ref.name, user: userJson(ref.user) };
  return {
    auth: {
      identity: {
        methods: ['application_credential'],
        application_credential: { ...credential, secret: creds.secret },
      },
    },
  };
}

/** A short description of who authenticates, for logs and errors (never contains secrets). */
export function describeCredentials(creds: KeystoneCredentials): string {
  if (creds.kind === 'application-credential') {
    const ref = creds.credential;
    return `application credential ${'id' in ref ? ref.id : ref.name}`;
  }
  const user = 'id' in creds.user ? creds.user.id : creds.user.name;
  const project = 'id' in creds.project ? creds.project.id : creds.project.name;
  return `user ${user} in project ${project}`;
}

/**
 * The versioned identity root for an auth URL: `.../v3` is kept, an unversioned URL gets
 * `/v3` appended (Keystone always serves v3 there). Throws for a v2.0 URL. Pure.
 */
export function identityV3Root(authUrl: string): string {
  const trimmed = authUrl.replace(/\/+$/, '');
  if (trimmed.endsWith('/v3')) return trimmed;
  if (trimmed.endsWith('/v2.0')) {
    throw new Error(`auth_url ${authUrl} points at Keystone v2.0, which is gone; use the v3 (or root) URL`);
  }
  return `${trimmed}/v3`;
}
